import { Announcer, messageStore, type AnnounceSettings, type StatusIntent } from "./announcer";
import { VoiceMonkeyClient } from "./client";
import { announcementDevice, announcementText } from "./domain";
import { announceSettings, type AnnounceNodeSettings as Settings } from "./settings";
import { voiceMonkeyDevicesLookup } from "./voicemonkey-lookup";
import { defineNode, type NodeKit } from "../../runtime/kernel";
import { typedTarget, useAccount } from "../../runtime/account";
import { registerLookup } from "../../runtime/lookup";
import { clock } from "../../runtime/status";
import type { FlowMessage, NodeAPI } from "../../runtime/types";
import type { Phrase } from "../../shared/errors";

/** Speaks `msg.payload` on an Alexa device through VoiceMonkey, within a cooldown, quiet hours and a daily cap. */

const TYPE = "voicemonkey-announce";
/** Node state keys under which the day's count, the cooldowns and the held announcements survive a redeploy. */
const STATE_KEY = "voicemonkey-announce";
const HELD_KEY = "voicemonkey-announce-held";
/** A message sent while the flows start could reach nodes not created yet. */
const RESUME_AFTER_MS = 500;

type Credentials = { token: string };
type Kit = NodeKit<Settings, Credentials>;

function show(kit: Kit, intent: StatusIntent | undefined): void {
  if (intent?.tone === "ok") kit.status.ok(intent.text, intent.at);
  else if (intent) kit.status[intent.tone](intent.text);
}

const voiceMonkeyAnnounce = defineNode<Settings, Credentials>({
  type: TYPE,
  credentials: { token: { type: "password" } },
  settings: announceSettings,
  start(kit) {
    const { settings } = kit;
    const timing = kit.runtimeSetting<AnnounceSettings>("voicemonkeyAnnounce");
    const own = { apiVersion: settings.apiVersion, baseUrl: settings.baseUrl };
    const { credentials, ...access } = useAccount(kit, "voicemonkey-account", own);
    // settings.js `voicemonkeyAnnounce: { timeoutMs, maxThrottleWaitMs, retryDelayMs }` tunes the client.
    const client = new VoiceMonkeyClient({ ...settings, ...access, token: credentials.token ?? "", ...timing });
    const held = messageStore<FlowMessage>(kit.state, HELD_KEY);
    const say = (p: Phrase) => kit.t(p.key, p.vars);
    const announcer = new Announcer(client, settings, () => kit.now(), kit.state.get(STATE_KEY), held, say);
    kit.facts(() => ({
      announcementsToday: announcer.policy.countToday(kit.now()),
      announcementCap: announcer.policy.maxPerDay,
    }));
    let cancelRelease: (() => void) | undefined;

    const announce = (msg: FlowMessage, device: string, text: string, mayHold: boolean) =>
      kit.serial(async () => {
        const outcome = await announcer.announce(device, text, msg, mayHold, kit.signal, (retryAt) =>
          kit.status.waiting(kit.t("voicemonkey-announce:status.throttled", { time: clock(new Date(retryAt)) })),
        );
        if (outcome.kind === "sent") kit.state.set(STATE_KEY, announcer.snapshot());
        if (outcome.kind === "held") scheduleRelease(outcome.releaseAt);
        show(kit, announcer.describe(outcome));
        return outcome;
      });

    function scheduleRelease(at: number): void {
      if (cancelRelease) return;
      // Never sooner than 50 ms: a timer that fires a little early just waits again.
      cancelRelease = kit.after(Math.max(50, at - kit.now()), release);
    }

    function release(): void {
      cancelRelease = undefined;
      const due = announcer.releaseDue();
      if ("retryAt" in due) return scheduleRelease(due.retryAt);
      for (const entry of due.due) {
        kit.run(
          async () => {
            const outcome = await announce(entry.item, entry.device, entry.text, false);
            if (outcome.kind === "held") return;
            const heldSince = new Date(entry.heldAt).toISOString();
            kit.send({ ...entry.item, payload: { ...outcome.payload, heldSince } });
          },
          // Catch nodes see a failed morning announcement with the message that was held.
          (err) => kit.fail(err, entry.item),
        );
      }
    }

    show(kit, announcer.initialStatus());
    // Held before a redeploy or a restart: held again, released, or dropped when the hold ran out meanwhile.
    const restored = announcer.restoreHeld();
    if (restored.releaseAt !== undefined) scheduleRelease(Math.max(restored.releaseAt, kit.now() + RESUME_AFTER_MS));
    if (restored.expired.length) {
      const end = clock(new Date(restored.expired[0].until));
      kit.warn(kit.t("voicemonkey-announce:warn.heldExpired", { count: restored.expired.length, end }));
      kit.after(RESUME_AFTER_MS, () => restored.expired.forEach((e) => kit.send({ ...e.item, payload: e.payload })));
    }

    return {
      input: async (msg, send) => {
        const text = announcementText(msg.payload);
        const device = announcementDevice(msg.device, (await typedTarget(kit, settings.device, msg)) ?? "");
        const outcome = await announce(msg, device, text, true);
        if (outcome.kind === "held") return; // sent when the quiet hours end
        msg.payload = outcome.payload;
        send(msg);
      },
      // A redeploy or a stop keeps the held announcements in node state; removing the node drops them.
      close: (removed) => {
        const dropped = removed ? announcer.dropHeld() : 0;
        if (dropped > 0) kit.warn(kit.t("voicemonkey-announce:warn.heldRemoved", { count: dropped }));
      },
    };
  },
});

export = function (RED: NodeAPI): void {
  voiceMonkeyAnnounce(RED);
  const timing = (RED.settings as unknown as { voicemonkeyAnnounce?: AnnounceSettings }).voicemonkeyAnnounce;
  registerLookup(
    RED,
    voiceMonkeyDevicesLookup(() => timing?.timeoutMs),
  );
};

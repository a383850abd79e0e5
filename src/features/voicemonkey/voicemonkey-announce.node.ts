import { Announcer, type Outcome } from "./announcer";
import { VoiceMonkeyClient, isApiVersion } from "./client";
import { announcementDevice, announcementText, formatClockTime, minuteOfDay, type PolicyOptions } from "./domain";
import { voiceMonkeyDevicesLookup } from "./voicemonkey-lookup";
import type { AnnounceSettings } from "./announcer";
import { defineNode, type NodeKit } from "../../runtime/kernel";
import { registerLookup } from "../../runtime/lookup";
import { numberProp, textProp } from "../../runtime/props";
import { clock, shortReason } from "../../runtime/status";
import { ValidationError } from "../../shared/errors";
import type { FlowMessage, NodeAPI } from "../../runtime/types";

/** Speaks `msg.payload` on an Alexa device through VoiceMonkey, within a cooldown, quiet hours and a daily cap. */

const TYPE = "voicemonkey-announce";
/** Node state key under which the day's count and cooldowns survive a redeploy. */
const STATE_KEY = "voicemonkey-announce";

interface Settings {
  apiVersion: "v2" | "v3";
  baseUrl: string;
  device: string;
  speak: { voice?: string; language?: string; chime?: string };
  policy: PolicyOptions;
}

type Credentials = { token: string };
type Kit = NodeKit<Settings, Credentials>;

function showSuppressed(kit: Kit, announcer: Announcer<FlowMessage>, outcome: Outcome<FlowMessage>): void {
  if (outcome.kind === "sent") return kit.status.ok(`${outcome.countToday} today`, outcome.at);
  const { decision } = outcome;
  const until = decision.until !== undefined ? clock(new Date(decision.until)) : "";
  if (outcome.kind === "held" || decision.action === "hold")
    return kit.status.waiting(`held ${announcer.heldCount} until ${until}`);
  if (decision.reason === "daily-limit") kit.status.waiting(`daily limit ${announcer.policy.maxPerDay} reached`);
  else if (decision.reason === "quiet-hours") kit.status.idle(`quiet until ${until}`);
  else kit.status.idle(`cooldown · ${announcer.policy.countToday(kit.now())} today`);
}

const voiceMonkeyAnnounce = defineNode<Settings, Credentials>({
  type: TYPE,
  credentials: { token: { type: "password" } },
  settings: (config) => ({
    apiVersion: isApiVersion(config.apiVersion) ? config.apiVersion : "v3",
    baseUrl: textProp(config.baseUrl),
    device: textProp(config.device),
    speak: { voice: config.voice as string, language: config.language as string, chime: config.chime as string },
    policy: {
      cooldownSeconds: numberProp(config.cooldown, 900),
      quietStart: config.quietStart as string | undefined,
      quietEnd: config.quietEnd as string | undefined,
      holdQuiet: config.holdQuiet === true,
      maxPerDay: numberProp(config.maxPerDay, 20),
    },
  }),
  start(kit) {
    const { settings } = kit;
    const timing = kit.runtimeSetting<AnnounceSettings>("voicemonkeyAnnounce");
    const client = new VoiceMonkeyClient({
      ...settings,
      token: kit.credentials.token ?? "",
      timeoutMs: timing.timeoutMs,
      maxThrottleWaitMs: timing.maxThrottleWaitMs,
      retryDelayMs: timing.retryDelayMs,
    });
    let announcer: Announcer<FlowMessage>;
    try {
      announcer = new Announcer(client, settings.policy, settings.speak, () => kit.now(), kit.state.get(STATE_KEY));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new ValidationError(`Check the node's settings: ${reason}`, { statusText: shortReason(reason) });
    }
    let cancelRelease: (() => void) | undefined;

    const announce = (msg: FlowMessage, device: string, text: string, mayHold: boolean) =>
      kit.serial(async () => {
        const outcome = await announcer.announce(device, text, msg, mayHold, kit.signal, (retryAt) =>
          kit.status.waiting(`throttled · retry ${clock(new Date(retryAt))}`),
        );
        if (outcome.kind === "sent") kit.state.set(STATE_KEY, announcer.snapshot());
        if (outcome.kind === "held") scheduleRelease(outcome.releaseAt);
        showSuppressed(kit, announcer, outcome);
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

    if (announcer.policy.hasQuietHours && announcer.policy.isQuiet(kit.now()))
      kit.status.idle(`quiet until ${formatClockTime(minuteOfDay(announcer.policy.quietEndsAt(kit.now())))}`);

    return {
      input: async (msg, send) => {
        const text = announcementText(msg.payload);
        const outcome = await announce(msg, announcementDevice(msg.device, settings.device), text, true);
        if (outcome.kind === "held") return; // sent when the quiet hours end
        msg.payload = outcome.payload;
        send(msg);
      },
      close: () => {
        const dropped = announcer.dropHeld();
        if (dropped > 0)
          kit.warn(`${dropped} announcement(s) held for the end of the quiet hours were dropped by the restart`);
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

import { VoiceMonkeyClient, isApiVersion, type ApiVersion } from "./client";
import {
  AnnouncePolicy,
  HeldAnnouncements,
  announcementDevice,
  announcementText,
  formatClockTime,
  minuteOfDay,
  type Decision,
  type PolicyState,
} from "./domain";
import { ValidationError } from "../../shared/errors";
import { AbortedError } from "../../shared/sleep";
import { onInput, runGuarded } from "../../runtime/input";
import { registerLookup } from "../../runtime/lookup";
import { voiceMonkeyDevicesLookup } from "./voicemonkey-lookup";
import { numberProp } from "../../runtime/props";
import { clock, shortReason, statusError, statusIdle, statusOk, statusWaiting } from "../../runtime/status";
import type { FlowMessage, Node, NodeAPI, NodeDef } from "../../runtime/types";

const TYPE = "voicemonkey-announce";
/** Node context key under which the day's count and cooldowns survive a redeploy. */
const STATE_KEY = "voicemonkey-announce";

interface AnnounceConfig extends NodeDef {
  apiVersion?: string;
  baseUrl?: string;
  device?: string;
  voice?: string;
  language?: string;
  chime?: string;
  cooldown?: string | number;
  quietStart?: string;
  quietEnd?: string;
  holdQuiet?: boolean;
  maxPerDay?: string | number;
}

type Credentials = { token?: string };

interface AnnounceNode extends Node<Credentials> {
  baseUrl?: string;
}

/**
 * Optional `voicemonkeyAnnounce` block of settings.js: how long to sit out a throttling lockout and how
 * long to wait for an answer. `now` replaces the clock (tests).
 */
interface AnnounceSettings {
  maxThrottleWaitMs?: number;
  timeoutMs?: number;
  retryDelayMs?: number;
  now?: () => number;
}

interface HeldItem {
  msg: FlowMessage;
}

export = function (RED: NodeAPI): void {
  const settings = (): AnnounceSettings => {
    const s = (RED.settings as unknown as Record<string, unknown>).voicemonkeyAnnounce;
    return s && typeof s === "object" ? s : {};
  };

  // The day's count and cooldowns per node id. Node-RED deletes a node's context on every redeploy
  // unless a context store is configured, so this is what carries them across a redeploy; a persistent
  // context store also carries them across restarts.
  const savedStates = new Map<string, PolicyState>();

  function VoiceMonkeyAnnounceNode(this: AnnounceNode, config: AnnounceConfig): void {
    RED.nodes.createNode(this, config);
    setUp(this, config);
  }

  function setUp(node: AnnounceNode, config: AnnounceConfig): void {
    const timing = settings();
    const now = timing.now ?? Date.now;
    const apiVersion: ApiVersion = isApiVersion(config.apiVersion) ? config.apiVersion : "v3";
    node.baseUrl = config.baseUrl ?? "";
    const client = new VoiceMonkeyClient({
      apiVersion,
      token: node.credentials?.token ?? "",
      baseUrl: node.baseUrl,
      timeoutMs: timing.timeoutMs,
      maxThrottleWaitMs: timing.maxThrottleWaitMs,
      retryDelayMs: timing.retryDelayMs,
    });
    const options = {
      voice: config.voice,
      language: config.language,
      chime: config.chime,
    };

    let policy: AnnouncePolicy | undefined;
    let configProblem: string | undefined;
    try {
      policy = new AnnouncePolicy({
        cooldownSeconds: numberProp(config.cooldown, 900),
        quietStart: config.quietStart,
        quietEnd: config.quietEnd,
        holdQuiet: config.holdQuiet === true,
        maxPerDay: numberProp(config.maxPerDay, 20),
      });
      policy.restore(savedStates.get(node.id) ?? readState(), now());
    } catch (err) {
      configProblem = `Check the node's settings: ${err instanceof Error ? err.message : String(err)}`;
      statusError(node, shortReason(configProblem.replace(/^Check the node's settings: /, "")));
    }

    const held = new HeldAnnouncements<HeldItem>(Math.max(1, Math.min(50, numberProp(config.maxPerDay, 20) || 50)));
    const controller = new AbortController();
    let releaseTimer: NodeJS.Timeout | undefined;
    // One announcement at a time: the cooldown and the cap see each result before the next decision.
    let queue: Promise<unknown> = Promise.resolve();
    const serial = <T>(work: () => Promise<T>): Promise<T> => {
      const run = queue.then(work, work);
      queue = run.catch(() => undefined);
      return run;
    };

    function readState(): unknown {
      try {
        return node.context().get(STATE_KEY);
      } catch {
        return undefined; // an asynchronous context store: start the day afresh
      }
    }

    function saveState(): void {
      savedStates.set(node.id, policy!.snapshot());
      try {
        node.context().set(STATE_KEY, policy!.snapshot());
      } catch {
        // an asynchronous context store: the state just lives in memory
      }
    }

    function showSuppressed(decision: Exclude<Decision, { action: "send" }>, at: number): void {
      const until = decision.until !== undefined ? clock(new Date(decision.until)) : "";
      if (decision.action === "hold") statusWaiting(node, `held ${held.size} until ${until}`);
      else if (decision.reason === "daily-limit") statusWaiting(node, `daily limit ${policy!.maxPerDay} reached`);
      else if (decision.reason === "quiet-hours") statusIdle(node, `quiet until ${until}`);
      else statusIdle(node, `cooldown · ${policy!.countToday(at)} today`);
    }

    /** Decides, speaks when allowed, and returns the payload for the output (undefined when held). */
    async function announce(msg: FlowMessage, device: string, text: string, mayHold: boolean) {
      const at = now();
      let decision = policy!.decide(device, text, at);
      if (decision.action === "hold" && !mayHold)
        decision = { action: "drop", reason: "quiet-hours", until: decision.until };
      if (decision.action === "hold") {
        if (held.add(device, text, { msg }, at)) {
          showSuppressed(decision, at);
          scheduleRelease(decision.until);
          return undefined;
        }
        // Already held (or too many held): this one is covered by the morning announcement.
        decision = { action: "drop", reason: "quiet-hours", until: decision.until };
      }
      if (decision.action === "drop") {
        showSuppressed(decision, at);
        return { sent: false, reason: decision.reason, device, text };
      }
      await client.announce(
        { device, text, ...options },
        {
          signal: controller.signal,
          onThrottled: (_ms, retryAt) => statusWaiting(node, `throttled · retry ${clock(new Date(retryAt))}`),
        },
      );
      const spokenAt = now();
      policy!.recordSent(device, text, spokenAt);
      saveState();
      statusOk(node, `${policy!.countToday(spokenAt)} today`, new Date(spokenAt));
      return { sent: true, device, text };
    }

    function scheduleRelease(until: number): void {
      if (releaseTimer) return;
      // Never sooner than 50 ms: a timer that fires a little early just waits again.
      releaseTimer = setTimeout(release, Math.min(Math.max(50, until - now()), 2 ** 31 - 1));
    }

    function release(): void {
      releaseTimer = undefined;
      if (controller.signal.aborted) return;
      if (policy!.isQuiet(now())) {
        scheduleRelease(policy!.quietEndsAt(now()));
        return;
      }
      for (const entry of held.drain()) {
        runGuarded(
          node,
          () =>
            serial(async () => {
              const payload = await announce(entry.item.msg, entry.device, entry.text, false);
              node.send({
                ...entry.item.msg,
                payload: { ...payload, heldSince: new Date(entry.heldAt).toISOString() },
              });
            }),
          // Catch nodes see a failed morning announcement with the message that was held.
          (err) => node.error(err, entry.item.msg),
        );
      }
    }

    onInput(node, async (msg, send) => {
      if (configProblem) throw new ValidationError(configProblem);
      const text = announcementText(msg.payload);
      const device = announcementDevice(msg.device, config.device ?? "");
      const payload = await serial(() => announce(msg, device, text, true));
      if (payload === undefined) return; // held: sent when the quiet hours end
      msg.payload = payload;
      send(msg);
    });

    node.on("close", (removed: boolean, done: () => void) => {
      if (removed) savedStates.delete(node.id);
      if (releaseTimer) clearTimeout(releaseTimer);
      releaseTimer = undefined;
      controller.abort(new AbortedError());
      const dropped = held.drain().length;
      if (dropped > 0)
        node.warn(`${dropped} announcement(s) held for the end of the quiet hours were dropped by the restart`);
      done();
    });

    if (!configProblem && policy!.hasQuietHours && policy!.isQuiet(now()))
      statusIdle(node, `quiet until ${formatClockTime(minuteOfDay(policy!.quietEndsAt(now())))}`);
  }

  RED.nodes.registerType<AnnounceNode, AnnounceConfig, unknown, Credentials>(TYPE, VoiceMonkeyAnnounceNode, {
    credentials: { token: { type: "password" } },
  });
  registerLookup(
    RED,
    voiceMonkeyDevicesLookup(() => settings().timeoutMs),
  );
};

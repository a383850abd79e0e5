import { runBatch } from "./batch-runner";
import { LiveStore, type LiveResult } from "./live-store";
import { checkMeterMessage, parseMeterSettings, type MeterSettings, type TypedValue } from "./meter-settings";
import { english, type Phrase } from "../../shared/errors";
import type { Batch } from "../../shared/reading";
import { defineNode } from "../../runtime/kernel";
import type { FlowMessage, NodeAPI, SendFn } from "../../runtime/types";

/**
 * meter-interpolate: exact hour/day/month values and consumption from raw meter readings
 * (docs/meter-interpolate-spec.md). A number in `msg.payload` is one live reading of the meter named by
 * `msg.topic`; anything else is a batch of readings.
 */

const meterInterpolate = defineNode<MeterSettings>({
  type: "meter-interpolate",
  settings: parseMeterSettings,
  start(kit) {
    const { settings } = kit;
    // Statuses and warnings in the runtime's language; errors are translated by the kernel.
    const say = (p: Phrase): string => kit.t(p.key, p.vars, english(p));
    for (const w of settings.warnings) kit.warn(say(w));
    const live = new LiveStore(settings, kit.state, () => kit.now(), say);

    function sendLive(msg: FlowMessage, send: SendFn, result: LiveResult): void {
      if (result.kind === "skipped") return kit.warn(result.warning);
      for (const out of result.outputs) {
        let first: FlowMessage | null = null;
        if (out.object) {
          // A copy of the input per boundary, so the message's other properties travel with each one.
          first = kit.cloneMessage(msg);
          first.payload = out.object;
        }
        send([first, out.points ?? null]);
      }
      kit.status.ok(result.status, kit.now());
    }

    return {
      input: async (msg, send) => {
        checkMeterMessage(msg, settings.cfg.meterTag);
        if (typeof msg.payload === "number") {
          const reading = { topic: msg.topic, payload: msg.payload, timestamp: msg.timestamp };
          // In arrival order, one at a time: each reading continues the state the one before left.
          return kit.serial(() => {
            sendLive(msg, send, live.push(reading));
            return Promise.resolve();
          });
        }
        const host = {
          signal: kit.signal,
          now: () => kit.now(),
          warn: (text: string) => kit.warn(text),
          evaluate: (typed: TypedValue, m: FlowMessage) => kit.evaluate(typed.value, typed.type, m),
          send: (ports: [FlowMessage | null, Batch | null]) => send(ports),
          say,
        };
        // One message after the other, live readings too: a large batch yields to the event loop between
        // its slices, and a small message behind it must not overtake it (incremental batches also continue
        // each other's state).
        const summary = await kit.serial(() => runBatch(msg, settings, host, kit.state));
        kit.status.ok(summary, kit.now());
      },
    };
  },
});

export = function (RED: NodeAPI): void {
  meterInterpolate(RED);
};

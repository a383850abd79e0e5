/**
 * meter-interpolate: exact hour/day/month values and consumption from raw meter readings (docs/meter-interpolate-spec.md).
 * Batch mode takes readings in any of the three input shapes; live mode takes one number per message and
 * keeps per-meter state in node context. The numbers come from src/core/meter; this file only wires.
 */
import { AbortedError } from "../../shared/sleep";
import { ValidationError } from "../../shared/errors";
import {
  BatchRun,
  engineConfig,
  intervalOutSteps,
  IsoCache,
  LiveMeter,
  meterOut,
  parseInput,
  parseMeterDefinitions,
  pointChunks,
  requireTime,
  UNITS,
  zoneClock,
} from "./domain";
import type { EngineConfig, LiveMeterState, MeterDef, MeterOut, MeterResult, MeterStats, PhysicalDef } from "./domain";
import { batch as pointBatch } from "../../shared/reading";
import { onInput } from "../../runtime/input";
import { evalProp } from "../../runtime/props";
import { statusError, statusOk } from "../../runtime/status";
import type { FlowMessage, Node, NodeAPI, NodeDef, SendFn } from "../../runtime/types";

/** Influx points per output-2 message: big enough to be efficient, small enough to never be one giant array. */
const POINTS_PER_MESSAGE = 5000;
/** Result-object entries built per event-loop slice (a few ms each). */
const ENTRIES_PER_SLICE = 20000;

interface MeterInterpolateDef extends NodeDef {
  intervals?: string[] | string;
  timezone?: string;
  rangeStart?: string;
  rangeStartType?: string;
  rangeEnd?: string;
  rangeEndType?: string;
  counterMode?: string;
  resetRatio?: string | number;
  maxGap?: string;
  extrapolate?: string;
  maxExtrapolation?: string;
  rateWindow?: string;
  anomalyMethod?: string;
  consumptionTimestamp?: string;
  output?: string;
  meterTag?: string;
  meters?: string;
}

type OutputMode = { object: boolean; points: boolean };

function outputMode(x: unknown): OutputMode {
  const s = Array.isArray(x) ? x.join(",") : typeof x === "string" && x !== "" ? x : "object";
  if (s === "both") return { object: true, points: true };
  const parts = s.split(",").map((p) => p.trim());
  const mode = { object: parts.includes("object"), points: parts.includes("points") };
  if (!mode.object && !mode.points)
    throw new Error(`output must be "object", "points" or "both", not ${JSON.stringify(x)}`);
  return mode;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Context keys are property paths, so a meter id with dots or brackets is escaped. */
function stateKey(meterId: string): string {
  return `meterInterpolate_${encodeURIComponent(meterId).replace(/\./g, "%2E")}`;
}

/** A stored state this version understands; anything else (another version, a hand edit) starts afresh. */
function storedState(x: unknown): LiveMeterState | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  const s = x as Partial<LiveMeterState>;
  const numbers = [s.t, s.C, s.last, s.offset, s.raw, s.resets, s.glitches, s.ignored];
  return s.version === 1 &&
    numbers.every((n) => typeof n === "number" && Number.isFinite(n)) &&
    typeof s.intervals === "object"
    ? (s as LiveMeterState)
    : undefined;
}

function liveStats(s: LiveMeterState): MeterStats {
  return { raw: s.raw, dropped: 0, duplicates: 0, resets: s.resets, glitches: s.glitches, warnings: [] };
}

export = function (RED: NodeAPI): void {
  function MeterInterpolateNode(this: Node, def: MeterInterpolateDef): void {
    RED.nodes.createNode(this, def);
    // The closures below outlive this call and need the node, not whatever `this` is where they run.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    let closed = false;
    let setupError: Error | undefined;
    let cfg: EngineConfig | undefined;
    let mode: OutputMode = { object: true, points: false };
    let configured: MeterDef[] = [];
    try {
      cfg = engineConfig({
        intervals: def.intervals,
        timezone: def.timezone,
        counterMode: def.counterMode,
        resetRatio: def.resetRatio,
        maxGap: def.maxGap,
        extrapolate: def.extrapolate,
        maxExtrapolation: def.maxExtrapolation,
        rateWindow: def.rateWindow,
        anomalyMethod: def.anomalyMethod,
        consumptionTimestamp: def.consumptionTimestamp,
        meterTag: def.meterTag,
      });
      mode = outputMode(def.output);
      const mappingWarnings: string[] = [];
      configured = parseMeterDefinitions(def.meters, mappingWarnings);
      for (const w of mappingWarnings) node.warn(w);
    } catch (e) {
      setupError = new ValidationError(`meter-interpolate configuration: ${(e as Error).message}`);
      statusError(node, "configuration error");
    }

    /** rangeStart/rangeEnd are typed inputs; blank means automatic. */
    async function rangeFrom(msg: FlowMessage, base: EngineConfig): Promise<EngineConfig> {
      const out = { ...base };
      for (const side of ["Start", "End"] as const) {
        const value = def[`range${side}`];
        const type = def[`range${side}Type`] || "str";
        if (value === undefined || (value === "" && type === "str")) continue;
        const x = await evalProp(RED, value, type, node, msg);
        if (x === undefined || x === null || x === "") continue;
        out[side === "Start" ? "rangeStart" : "rangeEnd"] = requireTime(x, `range${side}`, { numericStrings: true });
      }
      return out;
    }

    async function batch(msg: FlowMessage, send: SendFn, base: EngineConfig): Promise<void> {
      const parsed = parseInput(msg, base.meterTag, configured);
      for (const w of parsed.warnings ?? []) node.warn(w);
      const c = await rangeFrom(msg, base);
      const run = new BatchRun(parsed.defs, c, parsed.range, { retainAll: false });
      const iso = new IsoCache();
      const meters: Record<string, MeterOut> = {};
      const format = { consumptionTimestamp: c.consumptionTimestamp, iso };
      // Keep Node-RED responsive: each meter's computation, each interval of its result object and each
      // points message gets its own slice of the event loop.
      const slice = async (): Promise<void> => {
        await yieldToEventLoop();
        if (closed) throw new AbortedError();
      };
      for (let i = 0; i < run.order.length; i++) {
        const r: MeterResult | undefined = run.step(i);
        await slice();
        if (!r) continue;
        for (const w of r.stats.warnings) node.warn(w);
        if (mode.points) {
          for (const chunk of pointChunks(r, POINTS_PER_MESSAGE, c.consumptionTimestamp)) {
            send([null, pointBatch(chunk, r.id)]);
            await slice();
          }
        }
        if (mode.object) {
          const out: MeterOut = { type: r.type, stats: r.stats };
          if (r.unit !== undefined) out.unit = r.unit;
          for (const unit of UNITS) {
            const iv = r.intervals[unit];
            if (!iv) continue;
            const steps = intervalOutSteps(iv, format, ENTRIES_PER_SLICE);
            for (let step = steps.next(); ; step = steps.next()) {
              await slice();
              if (step.done) {
                out[unit] = step.value;
                break;
              }
            }
          }
          meters[r.id] = out;
        }
      }
      for (const w of run.warnings) node.warn(w);
      if (mode.object) {
        msg.payload = { timezone: c.timezone, generatedAt: new Date().toISOString(), meters };
        send([msg, null]);
      }
      const ok = run.order.length - run.errors.length;
      if (run.errors.length) {
        throw new ValidationError(run.errors.map((e) => e.message).join("; "));
      }
      statusOk(node, `${ok} meter${ok === 1 ? "" : "s"}`);
    }

    // Live readings of one meter are applied in order, even with an asynchronous context store.
    let liveQueue: Promise<unknown> = Promise.resolve();

    const liveMeters = new Map<string, LiveMeter>();
    function liveMeterFor(id: string, base: EngineConfig): LiveMeter {
      let lm = liveMeters.get(id);
      if (!lm) {
        const own = configured.find((d): d is PhysicalDef => d.id === id && d.type === "physical");
        const profile = Array.isArray(own?.profile) ? own.profile : undefined;
        lm = new LiveMeter(base, zoneClock(base.timezone), {
          increasing: (own?.counterMode ?? base.counterMode) !== "net",
          resetRatio: own?.resetRatio ?? base.resetRatio,
          ...(profile ? { profile } : {}),
        });
        liveMeters.set(id, lm);
      }
      return lm;
    }

    function contextGet(key: string): Promise<unknown> {
      return new Promise((resolve, reject) => {
        node.context().get(key, (err: Error | undefined, value: unknown) => (err ? reject(err) : resolve(value)));
      });
    }

    function contextSet(key: string, value: LiveMeterState): Promise<void> {
      return new Promise((resolve, reject) => {
        node.context().set(key, value, (err?: Error) => (err ? reject(err) : resolve()));
      });
    }

    async function live(msg: FlowMessage, send: SendFn, base: EngineConfig): Promise<void> {
      const id = msg.topic;
      const v = msg.payload as number;
      if (typeof id !== "string" || id === "")
        throw new ValidationError(`live reading ${v}: msg.topic must name the meter`);
      let t = Date.now();
      if (msg.timestamp !== undefined) {
        t = requireTime(msg.timestamp, `meter "${id}", reading ${v}: msg.timestamp`);
      }
      const increasing =
        (configured.find((d) => d.id === id && d.type === "physical") as PhysicalDef | undefined)?.counterMode ??
        base.counterMode;
      if (!Number.isFinite(v) || (v < 0 && increasing !== "net")) {
        node.warn(`meter "${id}": reading ${v} at ${new Date(t).toISOString()} is not a valid counter value; dropped`);
        return;
      }
      const key = stateKey(id);
      const lm = liveMeterFor(id, base);
      const outcome = lm.push(storedState(await contextGet(key)), t, v);
      await contextSet(key, outcome.state);
      if (outcome.kind === "ignored") {
        node.warn(`meter "${id}": reading at ${new Date(t).toISOString()} ignored (${outcome.reason})`);
        return;
      }
      const iso = new IsoCache();
      for (const iv of outcome.emitted) {
        const r: MeterResult = { id, type: "physical", intervals: { [iv.unit]: iv }, stats: liveStats(outcome.state) };
        const unit = configured.find((d) => d.id === id)?.unit;
        if (unit !== undefined) r.unit = unit;
        let first: FlowMessage | null = null;
        if (mode.object) {
          // A copy of the input per boundary, so the message's other properties travel with each one.
          first = RED.util.cloneMessage(msg);
          first.payload = {
            timezone: base.timezone,
            generatedAt: new Date().toISOString(),
            meters: { [id]: meterOut(r, { consumptionTimestamp: base.consumptionTimestamp, iso }) },
          };
        }
        const points = mode.points ? [...pointChunks(r, POINTS_PER_MESSAGE, base.consumptionTimestamp)][0] : undefined;
        send([first, points ? pointBatch(points, id) : null]);
      }
      statusOk(node, `${id} ${Math.round(outcome.state.C * 1000) / 1000}`);
    }

    onInput(node, async (msg, send) => {
      if (setupError) throw setupError;
      const base = cfg!;
      if (typeof msg.payload === "number") {
        const job = liveQueue.then(() => live(msg, send, base));
        liveQueue = job.catch(() => undefined);
        await job;
        return;
      }
      try {
        await batch(msg, send, base);
      } catch (e) {
        if (e instanceof AbortedError || e instanceof ValidationError) throw e;
        throw new ValidationError((e as Error).message, { cause: e });
      }
    });

    node.on("close", () => {
      closed = true;
    });
  }

  RED.nodes.registerType("meter-interpolate", MeterInterpolateNode);
};

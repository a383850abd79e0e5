import { english, phrase, ValidationError, type Phrase } from "../../shared/errors";
import { batch as pointBatch, type Batch } from "../../shared/reading";
import { AbortedError } from "../../shared/sleep";
import { BatchRun, intervalOutSteps, sharedIsoCache, parseInput, pointChunks, requireTime, UNITS } from "./domain";
import type { EngineConfig, MeterError, MeterOut, MeterResult } from "./domain";
import type { MeterSettings, TypedValue } from "./meter-settings";
import { runIncremental } from "./incremental";
import type { StateStore } from "./live-store";

/**
 * Batch mode: readings in any of the three input shapes in, per meter the §2.6 object on output 1
 * and/or InfluxDB points on output 2. Large runs are cut into event-loop slices so the flows around
 * the node stay responsive.
 */

/** Influx points per output-2 message: big enough to be efficient, small enough to never be one giant array. */
export const POINTS_PER_MESSAGE = 5000;
/** Result-object entries built per event-loop slice (a few ms each). */
const ENTRIES_PER_SLICE = 20000;

export interface BatchMessage {
  topic?: unknown;
  payload?: unknown;
}

/** The §2.6 object: output 1's payload. */
export interface MetersPayload {
  timezone: string;
  generatedAt: string;
  meters: Record<string, MeterOut>;
}

/** What a batch run needs of its node. */
export interface BatchHost<M extends BatchMessage> {
  signal: AbortSignal;
  now(): number;
  warn(text: string): void;
  /** Evaluates a typed input (rangeStart/rangeEnd) against the message. */
  evaluate(typed: TypedValue, msg: M): Promise<unknown>;
  /** Output 1 and output 2 of the node. */
  send(ports: [M | null, Batch | null]): void;
  /** Says a phrase (a status, a warning) in the runtime's language; English without it. */
  say?: (p: Phrase) => string;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The status summary of a run, e.g. `2 meters`. */
export function metersSummary(count: number, say: (p: Phrase) => string = english): string {
  return say(
    count === 1
      ? phrase("meter-interpolate:status.meter", "__count__ meter", { count })
      : phrase("meter-interpolate:status.meters", "__count__ meters", { count }),
  );
}

/**
 * The failed meters' texts one after the other ("a; b; c"), each with its own key: pairs of halves, so
 * thousands of failed meters nest log2(n) deep, not n.
 */
function failures(errors: readonly MeterError[], from = 0, to = errors.length): Phrase | string {
  if (to - from === 1) return errors[from].said ?? errors[from].message;
  const mid = (from + to) >>> 1;
  const vars = { first: failures(errors, from, mid), rest: failures(errors, mid, to) };
  return phrase("meter-interpolate:errors.andThen", "__first__; __rest__", vars);
}

/**
 * Runs one batch message; output 1 reuses the message. Resolves with the status summary, or rejects
 * with a ValidationError after sending what the meters that worked produced.
 */
export async function runBatch<M extends BatchMessage>(
  msg: M,
  settings: MeterSettings,
  host: BatchHost<M>,
  store?: StateStore,
): Promise<string> {
  try {
    if (settings.incremental) {
      if (!store) throw new ValidationError("incremental runs need the node's state");
      return await runIncremental(msg, settings, host, store);
    }
    return await run(msg, settings, host);
  } catch (e) {
    if (e instanceof AbortedError || e instanceof ValidationError) throw e;
    throw new ValidationError((e as Error).message, { cause: e });
  }
}

async function rangeFrom<M extends BatchMessage>(
  msg: M,
  settings: MeterSettings,
  host: BatchHost<M>,
): Promise<EngineConfig> {
  const out = { ...settings.cfg };
  for (const side of ["Start", "End"] as const) {
    const typed = settings[`range${side}`];
    if (!typed) continue;
    const x = await host.evaluate(typed, msg);
    if (x === undefined || x === null || x === "") continue;
    out[side === "Start" ? "rangeStart" : "rangeEnd"] = requireTime(x, `range${side}`, { numericStrings: true });
  }
  return out;
}

async function run<M extends BatchMessage>(msg: M, settings: MeterSettings, host: BatchHost<M>): Promise<string> {
  const { mode } = settings;
  const parsed = parseInput(msg, settings.cfg.meterTag, settings.meters);
  const say = host.say ?? english;
  for (const w of parsed.warnings ?? []) host.warn(say(w));
  const c = await rangeFrom(msg, settings, host);
  const batchRun = new BatchRun(parsed.defs, c, parsed.range, { retainAll: false });
  parsed.defs = [];
  // Output 1 replaces the payload with the result anyway; letting go of the readings now lets the
  // collector drop each meter's input once it is read, instead of carrying it through the whole run.
  if (mode.object) (msg as BatchMessage).payload = undefined;
  const iso = sharedIsoCache;
  const meters: Record<string, MeterOut> = {};
  const format = { consumptionTimestamp: c.consumptionTimestamp, iso };
  // Each meter's computation, each interval of its result object and each points message gets its own
  // slice of the event loop; a close ends the run at the next slice.
  const slice = async (): Promise<void> => {
    await yieldToEventLoop();
    if (host.signal.aborted) throw new AbortedError();
  };
  for (let i = 0; i < batchRun.order.length; i++) {
    const steps = batchRun.stepSlices(i);
    let part = steps.next();
    for (; !part.done; part = steps.next()) await slice();
    const r: MeterResult | undefined = part.value;
    await slice();
    if (!r) continue;
    for (const w of r.stats.warnings) {
      const said = batchRun.warningPhrase(w);
      host.warn(typeof said === "string" ? said : say(said));
    }
    if (mode.points) {
      for (const chunk of pointChunks(r, POINTS_PER_MESSAGE, c.consumptionTimestamp)) {
        host.send([null, pointBatch(chunk, r.id)]);
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
  for (const w of batchRun.warnings) host.warn(say(w));
  if (mode.object) {
    const payload: MetersPayload = { timezone: c.timezone, generatedAt: new Date(host.now()).toISOString(), meters };
    (msg as BatchMessage).payload = payload;
    host.send([msg, null]);
  }
  if (batchRun.errors.length) throw new ValidationError(failures(batchRun.errors));
  return metersSummary(batchRun.order.length - batchRun.errors.length, say);
}

/**
 * Output shapes: the §2.6 object (output 1) and Influx-ready points (output 2). Boundary instants repeat
 * across meters and between readings and consumption, so their ISO strings are made once per run and
 * shared; points reuse one tags object per meter and interval. That keeps garbage per point small.
 */
import { isoString } from "./time";
import { F_CLAMPED, F_PARTIAL, F_RESET, QUALITY_NAMES } from "./types";
import type {
  AnomalyRecord,
  AnomalyScores,
  ConsumptionTimestamp,
  IntervalResult,
  MeterResult,
  MeterStats,
  Unit,
} from "./types";
import { UNITS } from "./types";
import { point, tags, type Point } from "../../../shared/reading";

const CHUNK_MS = 4096 * 15 * 60e3;

/** Chunks (43 days each) and other instants an IsoCache keeps before it starts afresh: about 30 years. */
const MAX_CHUNKS = 256;
const MAX_OTHER = 65536;

/**
 * ISO strings of instants. Boundaries are whole quarter hours in every current zone, so they index small
 * arrays per 43-day chunk, which is much cheaper than hashing a double per lookup. Bounded, so one cache
 * can serve every message of a node: a flow that sends one message per meter would otherwise build the
 * same 35,000 hourly strings again for each meter.
 */
export class IsoCache {
  private readonly chunks = new Map<number, string[]>();
  private readonly other = new Map<number, string>();
  // The chunk of the last look-up: a result asks for boundaries in order, so most look-ups stay in it.
  private lastIndex = NaN;
  private last: string[] = [];
  get(t: number): string {
    const slot = t / 900000;
    if (slot === Math.floor(slot)) {
      const chunkIndex = Math.floor(t / CHUNK_MS);
      let chunk = chunkIndex === this.lastIndex ? this.last : this.chunks.get(chunkIndex);
      if (chunk === undefined) {
        if (this.chunks.size >= MAX_CHUNKS) this.chunks.clear();
        chunk = new Array<string>(4096).fill("");
        this.chunks.set(chunkIndex, chunk);
      }
      this.lastIndex = chunkIndex;
      this.last = chunk;
      const i = slot - chunkIndex * 4096;
      let s = chunk[i];
      if (s === "") chunk[i] = s = isoString(t);
      return s;
    }
    let s = this.other.get(t);
    if (s === undefined) {
      if (this.other.size >= MAX_OTHER) this.other.clear();
      s = isoString(t);
      this.other.set(t, s);
    }
    return s;
  }
}

/** The one cache of the process: ISO strings do not depend on a node's settings. */
export const sharedIsoCache = new IsoCache();

export interface ReadingOut {
  t: string;
  v: number;
  q: string;
}

export interface ConsumptionOut {
  t: string;
  start?: string;
  end?: string;
  v: number;
  q: string;
  reset?: true;
  partial?: true;
  clamped?: true;
}

export interface AnomalyOut extends AnomalyScores {
  t: string;
  v: number;
  method: string;
}

export interface IntervalOut {
  readings: ReadingOut[];
  consumption: ConsumptionOut[];
  anomalies: AnomalyOut[];
}

export interface MeterOut {
  type: string;
  unit?: string;
  hour?: IntervalOut;
  day?: IntervalOut;
  month?: IntervalOut;
  stats: MeterStats;
}

export interface FormatOptions {
  consumptionTimestamp: ConsumptionTimestamp;
  iso: IsoCache;
}

function anomalyOut(a: AnomalyRecord, iv: IntervalResult, o: FormatOptions): AnomalyOut {
  const c = iv.consumption;
  const { index, ...rest } = a;
  const t = o.consumptionTimestamp === "end" ? c.end[index] : c.start[index];
  return { t: o.iso.get(t), v: c.value[index], ...rest };
}

/**
 * Builds one interval of the §2.6 object, pausing (yield) after every `sliceSize` entries so a caller can
 * give the event loop a turn in the middle of a large hourly interval.
 */
export function* intervalOutSteps(
  iv: IntervalResult,
  o: FormatOptions,
  sliceSize = Infinity,
): Generator<void, IntervalOut> {
  const { grid, value, quality } = iv;
  let present = 0;
  for (let i = 0; i < grid.length; i++) if (quality[i] < QUALITY_NAMES.length) present++;
  const readings = new Array<ReadingOut>(present);
  let budget = sliceSize;
  for (let i = 0, k = 0; i < grid.length; i++) {
    const q = quality[i];
    if (q < QUALITY_NAMES.length) readings[k++] = { t: o.iso.get(grid[i]), v: value[i], q: QUALITY_NAMES[q] };
    if (--budget === 0) {
      yield;
      budget = sliceSize;
    }
  }
  const c = iv.consumption;
  const consumption = new Array<ConsumptionOut>(c.count);
  const atEnd = o.consumptionTimestamp === "end";
  for (let i = 0; i < c.count; i++) {
    const start = o.iso.get(c.start[i]);
    const end = o.iso.get(c.end[i]);
    const entry: ConsumptionOut = atEnd
      ? { t: end, start, v: c.value[i], q: QUALITY_NAMES[c.quality[i]] }
      : { t: start, end, v: c.value[i], q: QUALITY_NAMES[c.quality[i]] };
    const f = c.flags[i];
    if (f & F_RESET) entry.reset = true;
    if (f & F_PARTIAL) entry.partial = true;
    if (f & F_CLAMPED) entry.clamped = true;
    consumption[i] = entry;
    if (--budget === 0) {
      yield;
      budget = sliceSize;
    }
  }
  return { readings, consumption, anomalies: iv.anomalies.map((a) => anomalyOut(a, iv, o)) };
}

export function intervalOut(iv: IntervalResult, o: FormatOptions): IntervalOut {
  const steps = intervalOutSteps(iv, o);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** One meter of the §2.6 object. */
export function meterOut(r: MeterResult, o: FormatOptions): MeterOut {
  const out: MeterOut = { type: r.type, stats: r.stats };
  if (r.unit !== undefined) out.unit = r.unit;
  for (const unit of UNITS) {
    const iv = r.intervals[unit];
    if (iv) out[unit] = intervalOut(iv, o);
  }
  return out;
}

export const INTERVAL_NAMES: Record<Unit, string> = { hour: "hourly", day: "daily", month: "monthly" };

/**
 * Influx points of one meter in chunks of at most `size`, made lazily so only one chunk is alive at a time:
 * `meter_interpolated_{hourly|daily|monthly}` (value), `meter_consumption` (consumption, tag interval) and
 * `meter_anomaly` (consumption, score; tags interval and severity), all tagged `meter_id` and, when the
 * meter has one, `unit`. Times are epoch ms. Each series shares one tags object among its points.
 */
export function* pointChunks(
  r: MeterResult,
  size: number,
  consumptionTimestamp: ConsumptionTimestamp,
): Generator<Point[]> {
  let chunk: Point[] = [];
  const meterTags = tags({ meter_id: r.id, unit: r.unit });
  for (const unit of UNITS) {
    const iv = r.intervals[unit];
    if (!iv) continue;
    const intervalTags = tags({ ...meterTags, interval: INTERVAL_NAMES[unit] });
    const anomalyTags = tags({ ...intervalTags, severity: "warning" });
    const readingsMeasurement = `meter_interpolated_${INTERVAL_NAMES[unit]}`;
    const { grid, value, quality } = iv;
    for (let i = 0; i < grid.length; i++) {
      if (quality[i] >= QUALITY_NAMES.length) continue;
      chunk.push(point(readingsMeasurement, meterTags, { value: value[i] }, grid[i]));
      if (chunk.length === size) {
        yield chunk;
        chunk = [];
      }
    }
    const c = iv.consumption;
    const times = consumptionTimestamp === "end" ? c.end : c.start;
    for (let i = 0; i < c.count; i++) {
      chunk.push(point("meter_consumption", intervalTags, { consumption: c.value[i] }, times[i]));
      if (chunk.length === size) {
        yield chunk;
        chunk = [];
      }
    }
    for (const a of iv.anomalies) {
      const score = a.z ?? a.rollingZ ?? a.score ?? (a.mean7 ? c.value[a.index] / a.mean7 : 0);
      chunk.push(point("meter_anomaly", anomalyTags, { consumption: c.value[a.index], score }, times[a.index]));
      if (chunk.length === size) {
        yield chunk;
        chunk = [];
      }
    }
  }
  if (chunk.length) yield chunk;
}

import { english, phrase } from "../../shared/errors";
import { batch as pointBatch } from "../../shared/reading";
import {
  sharedIsoCache,
  LiveMeter,
  meterOut,
  normalizeReadings,
  parseInput,
  pointChunks,
  ratioAnomalies,
  seasonalMadAnomalies,
  voteAnomalies,
  zoneClock,
  Q_NONE,
} from "./domain";
import type {
  AnomalyRecord,
  ConsumptionSeries,
  EngineConfig,
  IntervalResult,
  MeterOut,
  MeterResult,
  PhysicalDef,
  Unit,
} from "./domain";
import {
  metersSummary,
  POINTS_PER_MESSAGE,
  type BatchHost,
  type BatchMessage,
  type MetersPayload,
} from "./batch-runner";
import { stateKey, storedState, type StateStore } from "./live-store";
import type { MeterSettings } from "./meter-settings";

/**
 * Incremental batches: each physical meter continues where the previous batch left it (last reading,
 * reset offset, last boundary per interval: the live state, in node state), so a daily run that reads
 * only the last few days emits exactly the boundaries a full recompute over the whole history would
 * (extrapolation off, automatic range: the live rule of domain/live.ts). Readings at or before the last
 * one already applied are skipped, so overlapping windows are safe. Anomalies are judged against a
 * stored baseline of each meter's most recent consumption values.
 */

/** Consumption values kept per meter and interval as the anomaly baseline. */
export const BASELINE_SIZE = 400;

interface Baseline {
  s: number[];
  v: number[];
}

type Baselines = Partial<Record<Unit, Baseline>>;

const baselineKey = (id: string): string => `${stateKey(id)}_baseline`;

function merge(unit: Unit, pieces: IntervalResult[]): IntervalResult {
  const grid: number[] = [];
  const value: number[] = [];
  const quality: number[] = [];
  const c = {
    start: [] as number[],
    end: [] as number[],
    value: [] as number[],
    quality: [] as number[],
    flags: [] as number[],
  };
  for (const p of pieces) {
    // Each piece is the previous boundary (not re-emitted: quality none) and one new boundary.
    for (let i = 0; i < p.grid.length; i++) {
      if (p.quality[i] === Q_NONE) continue;
      grid.push(p.grid[i]);
      value.push(p.value[i]);
      quality.push(p.quality[i]);
    }
    for (let i = 0; i < p.consumption.count; i++) {
      c.start.push(p.consumption.start[i]);
      c.end.push(p.consumption.end[i]);
      c.value.push(p.consumption.value[i]);
      c.quality.push(p.consumption.quality[i]);
      c.flags.push(p.consumption.flags[i]);
    }
  }
  const consumption: ConsumptionSeries = {
    count: c.start.length,
    start: Float64Array.from(c.start),
    end: Float64Array.from(c.end),
    value: Float64Array.from(c.value),
    quality: Uint8Array.from(c.quality),
    flags: Uint8Array.from(c.flags),
  };
  return {
    unit,
    grid: Float64Array.from(grid),
    value: Float64Array.from(value),
    quality: Uint8Array.from(quality),
    consumption,
    anomalies: [],
  };
}

/** Anomalies of the new intervals, judged over the baseline followed by them; the baseline moves on. */
function anomalies(cfg: EngineConfig, unit: Unit, iv: IntervalResult, base: Baseline | undefined): Baseline {
  const c = iv.consumption;
  const s = [...(base?.s ?? []), ...c.start];
  const v = [...(base?.v ?? []), ...c.value];
  const offset = s.length - c.count;
  let found: AnomalyRecord[] = [];
  const values = Float64Array.from(v);
  if (cfg.anomalyMethod === "vote") found = voteAnomalies(values);
  else if (cfg.anomalyMethod === "ratio") found = ratioAnomalies(values);
  else if (cfg.anomalyMethod === "seasonal-mad")
    found = seasonalMadAnomalies(
      values,
      Float64Array.from(s),
      unit,
      zoneClock(cfg.timezone),
      cfg.madLookback,
      cfg.madMinRefs,
    );
  iv.anomalies = found.filter((a) => a.index >= offset).map((a) => ({ ...a, index: a.index - offset }));
  return { s: s.slice(-BASELINE_SIZE), v: v.slice(-BASELINE_SIZE) };
}

export async function runIncremental<M extends BatchMessage>(
  msg: M,
  settings: MeterSettings,
  host: BatchHost<M>,
  store: StateStore,
): Promise<string> {
  const { cfg, mode } = settings;
  const parsed = parseInput(msg, cfg.meterTag, settings.meters);
  const iso = sharedIsoCache;
  const format = { consumptionTimestamp: cfg.consumptionTimestamp, iso };
  const meters: Record<string, MeterOut> = {};
  const clock = zoneClock(cfg.timezone);
  const say = host.say ?? english;
  let done = 0;
  for (const def of parsed.defs) {
    if (def.type !== "physical") {
      const warning = phrase(
        "meter-interpolate:warnings.incrementalPhysical",
        'meter "__meter__": incremental runs compute physical meters only; run __type__ meters in full',
        { meter: def.id, type: def.type },
      );
      host.warn(say(warning));
      continue;
    }
    const result = runMeter(def, cfg, clock, store);
    done++;
    if (mode.points)
      for (const chunk of pointChunks(result, POINTS_PER_MESSAGE, cfg.consumptionTimestamp))
        host.send([null, pointBatch(chunk, result.id)]);
    if (mode.object) meters[result.id] = meterOut(result, format);
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (mode.object) {
    const payload: MetersPayload = { timezone: cfg.timezone, generatedAt: new Date(host.now()).toISOString(), meters };
    (msg as BatchMessage).payload = payload;
    host.send([msg, null]);
  }
  const summary = metersSummary(done, say);
  return say(phrase("meter-interpolate:status.incremental", "__summary__ (incremental)", { summary }));
}

function runMeter(
  def: PhysicalDef,
  cfg: EngineConfig,
  clock: ReturnType<typeof zoneClock>,
  store: StateStore,
): MeterResult {
  const increasing = (def.counterMode ?? cfg.counterMode) !== "net";
  const norm = normalizeReadings(def.id, def.readings, { allowNegative: !increasing });
  const profile = Array.isArray(def.profile) ? def.profile : undefined;
  const meter = new LiveMeter(cfg, clock, {
    increasing,
    resetRatio: def.resetRatio ?? cfg.resetRatio,
    ...(profile ? { profile } : {}),
  });
  const key = stateKey(def.id);
  let state = storedState(store.get(key));
  const emitted = new Map<Unit, IntervalResult[]>();
  for (let i = 0; i < norm.t.length; i++) {
    if (state && norm.t[i] <= state.t) continue; // applied by an earlier run
    const out = meter.push(state, norm.t[i], norm.v[i]);
    state = out.state;
    if (out.kind === "ignored") continue;
    for (const iv of out.emitted) {
      let list = emitted.get(iv.unit);
      if (!list) emitted.set(iv.unit, (list = []));
      list.push(iv);
    }
  }
  if (state) store.set(key, state);
  const baselines = (store.get(baselineKey(def.id)) as Baselines | undefined) ?? {};
  const next: Baselines = {};
  const result: MeterResult = {
    id: def.id,
    type: "physical",
    intervals: {},
    stats: {
      raw: norm.raw,
      dropped: norm.dropped,
      duplicates: norm.duplicates,
      resets: state?.resets ?? 0,
      glitches: state?.glitches ?? 0,
      warnings: [],
    },
  };
  if (def.unit !== undefined) result.unit = def.unit;
  for (const unit of cfg.intervals) {
    const iv = merge(unit, emitted.get(unit) ?? []);
    next[unit] = anomalies(cfg, unit, iv, baselines[unit]);
    result.intervals[unit] = iv;
  }
  store.set(baselineKey(def.id), next);
  return result;
}

/**
 * The batch engine: physical meters (R1–R7), masters (R8), virtual meters (R9) and anomalies (R10), one
 * meter per `step()` (or its parts, `stepSlices()`) so a caller can yield to the event loop in between.
 */
import { english, phrase, phraseOf, ValidationError, type Phrase } from "../../../shared/errors";
import { voteAnomalies, seasonalMadAnomalies, ratioAnomalies } from "./anomaly";
import { consumptionOf } from "./consumption";
import { evaluateOnGrid, valueHeldAt } from "./evaluate";
import type { EvalOptions } from "./evaluate";
import { normalizeReadings, ReadingError } from "./normalize";
import type { NormalizedReadings } from "./normalize";
import { autoProfile, profileError, profileSumWarning, SeasonalWeight } from "./profile";
import { correctResets } from "./resets";
import type { CorrectedSeries } from "./resets";
import { requireTime } from "./time";
import { F_CLAMPED, F_PARTIAL, Q_EXACT, Q_NONE, worseQuality } from "./types";
import type {
  AnomalyRecord,
  ConsumptionSeries,
  EngineConfig,
  IntervalResult,
  MasterDef,
  MeterDef,
  MeterResult,
  MeterStats,
  PhysicalDef,
  Unit,
  VirtualDef,
} from "./types";
import { zoneClock } from "./zone";
import type { ZoneClock } from "./zone";

/** An error that belongs to one meter; the others are still computed. `said` keeps its catalog key. */
export class MeterError extends Error {
  readonly meterId: string;
  readonly said?: Phrase;
  constructor(meterId: string, message: string | Phrase) {
    super(typeof message === "string" ? message : english(message));
    this.meterId = meterId;
    if (typeof message !== "string") this.said = message;
  }
}

interface PhysicalState {
  def: PhysicalDef;
  norm: NormalizedReadings;
  series: CorrectedSeries;
  opts: EvalOptions;
  resetRatio: number;
  increasing: boolean;
  range: [number, number];
}

export interface RangeOverride {
  start?: number;
  end?: number;
}

/**
 * Most readings one batch message may carry (all meters together). Measured: a run keeps about 50 bytes
 * per reading in flight beyond the message itself; above this a message is refused with how to split it
 * rather than taking Node-RED's memory.
 */
export const MAX_READINGS_PER_RUN = 5_000_000;

/** Shortest hour, day and month there is (DST days of 23 h, February): an upper bound of a grid's size. */
const SHORTEST_MS: Record<Unit, number> = { hour: 30 * 60_000, day: 23 * 3_600_000, month: 28 * 86_400_000 };

/** At most how many boundaries the intervals have from lo to hi, computed without building them. */
export function boundariesUpperBound(units: readonly Unit[], lo: number, hi: number): number {
  if (!(hi >= lo)) return 0;
  let n = 0;
  for (const unit of units) n += Math.floor((hi - lo) / (unit === "hour" ? 3_600_000 : SHORTEST_MS[unit])) + 2;
  return n;
}

function readingsOf(d: MeterDef): number {
  if (d.type === "master" || d.type === "virtual") return 0;
  const r: unknown = d.readings;
  if (Array.isArray(r)) return r.length;
  const t = (r as { t?: { length?: unknown } } | null)?.t?.length;
  return typeof t === "number" ? t : 0;
}

const isoOrNumber = (t: number): string =>
  Number.isFinite(t) && Math.abs(t) < 8.64e15 ? new Date(t).toISOString() : String(t);

function emptyStats(): MeterStats {
  return { raw: 0, dropped: 0, duplicates: 0, resets: 0, glitches: 0, warnings: [] };
}

export class BatchRun {
  readonly cfg: EngineConfig;
  readonly clock: ZoneClock;
  /** Meters in dependency order: sources before masters, terms before virtual meters. */
  readonly order: MeterDef[];
  readonly results = new Map<string, MeterResult>();
  readonly errors: MeterError[] = [];
  /** The run's own warnings (a meter defined twice); a meter's are in its stats. */
  readonly warnings: Phrase[] = [];
  /** Each English warning of a meter's stats with its phrase, so the node says it in the runtime's language. */
  private readonly said = new Map<string, Phrase>();
  private readonly defs = new Map<string, MeterDef>();
  private readonly physical = new Map<string, PhysicalState>();
  private readonly failed = new Set<string>();
  private readonly rangeStart?: number;
  private readonly rangeEnd?: number;

  /** Ids whose physical state a master needs, and ids whose result a virtual meter needs. */
  private readonly sourcesOfMasters = new Set<string>();
  private readonly termsOfVirtuals = new Set<string>();
  private readonly retainAll: boolean;
  /** Boundaries this run may still build (cfg.maxBoundaries, shared by all its meters). */
  private boundariesLeft: number;

  /**
   * `retainAll: false` keeps only what later meters need, so memory stays at about one meter's worth
   * plus the output; `results` then holds only meters that virtual meters refer to.
   */
  constructor(defs: MeterDef[], cfg: EngineConfig, range?: RangeOverride, options: { retainAll?: boolean } = {}) {
    this.cfg = cfg;
    this.retainAll = options.retainAll !== false;
    this.clock = zoneClock(cfg.timezone);
    this.rangeStart = range?.start ?? cfg.rangeStart;
    this.rangeEnd = range?.end ?? cfg.rangeEnd;
    for (const d of defs) {
      if (this.defs.has(d.id))
        this.warnings.push(
          phrase(
            "meter-interpolate:warnings.twice",
            'meter "__meter__" is defined twice; the last definition is used',
            {
              meter: d.id,
            },
          ),
        );
      this.defs.set(d.id, d);
    }
    this.boundariesLeft = cfg.maxBoundaries;
    this.refuseOversized();
    this.order = this.dependencyOrder();
    for (const d of this.defs.values()) {
      if (d.type === "master")
        for (const p of d.periods)
          for (const id of Array.isArray(p.sources) ? p.sources : []) this.sourcesOfMasters.add(id);
      if (d.type === "virtual") for (const t of d.terms) this.termsOfVirtuals.add(t.meter);
    }
  }

  /**
   * Refuses at once, before any reading is looked at, a run that could not fit: too many readings, or a
   * configured range whose grids for every meter exceed the boundary limit.
   */
  private refuseOversized(): void {
    let readings = 0;
    for (const d of this.defs.values()) readings += readingsOf(d);
    if (readings > MAX_READINGS_PER_RUN)
      throw new ValidationError(
        phrase(
          "meter-interpolate:errors.tooManyReadings",
          "the message carries __count__ readings, more than the __max__ one run takes; split it into several messages (by meter, or by time range: a reading before and after each range keeps its edges exact)",
          { count: readings, max: MAX_READINGS_PER_RUN },
        ),
      );
    if (this.rangeStart === undefined || this.rangeEnd === undefined) return;
    const per = boundariesUpperBound(this.cfg.intervals, this.rangeStart, this.rangeEnd);
    if (per * this.defs.size > this.boundariesLeft)
      throw new ValidationError(this.tooManyBoundaries(this.rangeStart, this.rangeEnd, per * this.defs.size));
  }

  private tooManyBoundaries(lo: number, hi: number, needed: number): Phrase {
    return phrase(
      "meter-interpolate:errors.tooManyBoundaries",
      'the range __from__ to __to__ needs up to __needed__ __intervals__ boundaries, more than the __max__ one run may compute ("Max. boundaries"); split the readings into shorter ranges or fewer meters per message, leave out the hour interval, or raise the limit',
      {
        from: isoOrNumber(lo),
        to: isoOrNumber(hi),
        needed,
        intervals: this.cfg.intervals.join("/"),
        max: this.cfg.maxBoundaries,
      },
    );
  }

  /** Takes a meter's grids from the run's boundary budget, or fails the meter before building them. */
  private reserveBoundaries(owner: string, lo: number, hi: number): void {
    const needed = boundariesUpperBound(this.cfg.intervals, lo, hi);
    if (needed > this.boundariesLeft)
      throw new MeterError(owner, meterSays(owner, this.tooManyBoundaries(lo, hi, needed)));
    this.boundariesLeft -= needed;
  }

  private dependencyOrder(): MeterDef[] {
    const out: MeterDef[] = [];
    const state = new Map<string, 1 | 2>();
    const visit = (id: string, path: string[]): void => {
      const d = this.defs.get(id);
      if (!d || state.get(id) === 2) return;
      if (state.get(id) === 1) {
        const cycle = [...path, id].join(" → ");
        this.fail(
          id,
          phrase("meter-interpolate:errors.dependsOnItself", 'meter "__meter__" depends on itself (__cycle__)', {
            meter: id,
            cycle,
          }),
        );
        return;
      }
      state.set(id, 1);
      const deps =
        d.type === "master"
          ? d.periods.flatMap((p) => p.sources ?? [])
          : d.type === "virtual"
            ? d.terms.map((t) => t.meter)
            : [];
      for (const dep of deps) visit(dep, [...path, id]);
      state.set(id, 2);
      out.push(d);
    };
    for (const id of this.defs.keys()) visit(id, []);
    return out;
  }

  /**
   * A meter's warning: in English in its stats (the result object is data, the same in every language),
   * and remembered as a phrase for the node's warning.
   */
  private note(stats: MeterStats, p: Phrase): void {
    const text = english(p);
    stats.warnings.push(text);
    this.said.set(text, p);
  }

  /** A warning of a meter's stats as a phrase; the text itself for one the run did not write. */
  warningPhrase(text: string): Phrase | string {
    return this.said.get(text) ?? text;
  }

  private fail(id: string, message: string | Phrase): void {
    if (this.failed.has(id)) return;
    this.failed.add(id);
    this.errors.push(new MeterError(id, message));
  }

  /** Computes meter `order[i]`; returns its result, or undefined when it failed (see `errors`). */
  step(i: number): MeterResult | undefined {
    const steps = this.stepSlices(i);
    for (;;) {
      const s = steps.next();
      if (s.done) return s.value;
    }
  }

  /**
   * Like `step`, pausing (yield) between the parts of a physical meter (its readings, then each interval)
   * so a caller can give the event loop a turn inside one large meter.
   */
  *stepSlices(i: number): Generator<void, MeterResult | undefined> {
    const def = this.order[i];
    if (this.failed.has(def.id)) return undefined;
    try {
      const r =
        def.type === "master"
          ? this.master(def)
          : def.type === "virtual"
            ? this.virtual(def)
            : yield* this.physicalMeter(def);
      if (this.retainAll || this.termsOfVirtuals.has(def.id)) this.results.set(def.id, r);
      return r;
    } catch (e) {
      this.fail(def.id, meterFailure(def.id, e));
      return undefined;
    }
  }

  /** Computes every meter at once (tests and small inputs). */
  runAll(): Map<string, MeterResult> {
    for (let i = 0; i < this.order.length; i++) this.step(i);
    return this.results;
  }

  private extension(): number {
    return this.cfg.extrapolate === "none" ? 0 : this.cfg.maxExtrapolation;
  }

  private rangeFor(first: number, last: number): [number, number] {
    const ext = this.extension();
    return [this.rangeStart ?? first - ext, this.rangeEnd ?? last + ext];
  }

  private evalOptions(increasing: boolean, def?: PhysicalDef): EvalOptions {
    const o: EvalOptions = {
      maxGap: this.cfg.maxGap,
      extrapolate: this.cfg.extrapolate,
      maxExtrapolation: this.cfg.maxExtrapolation,
      rateWindow: this.cfg.rateWindow,
      increasing,
    };
    if (def?.removedAt !== undefined) o.removedAt = requireTime(def.removedAt, "removedAt");
    return o;
  }

  private *physicalState(def: PhysicalDef, stats: MeterStats): Generator<void, PhysicalState> {
    const increasing = (def.counterMode ?? this.cfg.counterMode) !== "net";
    const resetRatio = def.resetRatio ?? this.cfg.resetRatio;
    let synthetic: { t: number; v: number } | undefined;
    if (def.installedAt !== undefined && def.initialValue !== undefined) {
      synthetic = { t: requireTime(def.installedAt, "installedAt"), v: def.initialValue };
    }
    const norm = normalizeReadings(def.id, def.readings, { allowNegative: !increasing, synthetic });
    yield;
    const series = correctResets(norm.t, norm.v, resetRatio, increasing);
    const opts = this.evalOptions(increasing, def);
    if (def.profile !== undefined) {
      const err = profileError(def.id, def.profile);
      if (err) throw new MeterError(def.id, err);
      const shares = def.profile === "auto" ? autoProfile(series.t, series.C, this.clock) : def.profile;
      if (shares) opts.weight = new SeasonalWeight(shares, this.clock);
      else
        this.note(
          stats,
          phrase(
            "meter-interpolate:warnings.autoProfile",
            'meter "__meter__": not enough data for an automatic profile; gaps are filled linearly',
            { meter: def.id },
          ),
        );
      if (Array.isArray(def.profile)) {
        const w = profileSumWarning(def.id, def.profile);
        if (w) this.note(stats, w);
      }
    }
    const n = series.t.length;
    const range: [number, number] = n ? this.rangeFor(series.t[0], series.t[n - 1]) : [NaN, NaN];
    return { def, norm, series, opts, resetRatio, increasing, range };
  }

  private *physicalMeter(def: PhysicalDef): Generator<void, MeterResult> {
    const stats = emptyStats();
    const st = yield* this.physicalState(def, stats);
    yield;
    if (this.retainAll || this.sourcesOfMasters.has(def.id)) this.physical.set(def.id, st);
    else this.releaseReadings(def);
    Object.assign(stats, {
      raw: st.norm.raw,
      dropped: st.norm.dropped,
      duplicates: st.norm.duplicates,
      resets: st.series.resets,
      glitches: st.series.glitches,
    });
    const result: MeterResult = { id: def.id, type: "physical", intervals: {}, stats };
    if (def.unit !== undefined) result.unit = def.unit;
    if (st.series.t.length === 0) {
      for (const unit of this.cfg.intervals)
        result.intervals[unit] = this.intervalResult(
          unit,
          new Float64Array(0),
          new Float64Array(0),
          new Uint8Array(0),
          st.series.resetTimes,
        );
      return result;
    }
    this.reserveBoundaries(def.id, st.range[0], st.range[1]);
    for (const unit of this.cfg.intervals) {
      // Grid, values, then consumption and anomalies: each a part of its own, the first meter's hour grid
      // (zone offsets from ICU, code not yet optimised) being the largest.
      const grid = this.clock.boundariesShared(unit, st.range[0], st.range[1]);
      yield;
      const ev = evaluateOnGrid(st.series, grid, st.opts);
      yield;
      result.intervals[unit] = this.intervalResult(unit, grid, ev.value, ev.quality, st.series.resetTimes);
      yield;
    }
    return result;
  }

  /** A meter no later one reads: the run keeps its typed arrays only, not the input's readings. */
  private releaseReadings(def: PhysicalDef): void {
    const released: PhysicalDef = { ...def, readings: [] };
    this.defs.set(def.id, released);
    const i = this.order.indexOf(def);
    if (i >= 0) this.order[i] = released;
  }

  private intervalResult(
    unit: Unit,
    grid: Float64Array,
    value: Float64Array,
    quality: Uint8Array,
    resetTimes: Float64Array,
  ): IntervalResult {
    const consumption = consumptionOf(grid, value, quality, resetTimes);
    return { unit, grid, value, quality, consumption, anomalies: this.anomalies(unit, consumption) };
  }

  private anomalies(unit: Unit, c: ConsumptionSeries): AnomalyRecord[] {
    switch (this.cfg.anomalyMethod) {
      case "vote":
        return voteAnomalies(c.value);
      case "seasonal-mad":
        return seasonalMadAnomalies(c.value, c.start, unit, this.clock, this.cfg.madLookback, this.cfg.madMinRefs);
      case "ratio":
        return ratioAnomalies(c.value);
      default:
        return [];
    }
  }

  /** The state of a source meter, or undefined when it is not in the input (a hole, not a zero). */
  private sourceState(owner: string, id: string): PhysicalState | undefined {
    if (this.failed.has(id)) throw new MeterError(owner, usesFailed(owner, id));
    const d = this.defs.get(id);
    if (d && d.type !== "physical")
      throw new MeterError(
        owner,
        phrase(
          "meter-interpolate:errors.sourceNotPhysical",
          'meter "__meter__": source "__source__" must be a physical meter',
          {
            meter: owner,
            source: id,
          },
        ),
      );
    return this.physical.get(id);
  }

  private checkUnits(
    owner: string,
    ownUnit: string | undefined,
    units: (string | undefined)[],
    what: () => Phrase,
  ): void {
    const known = [ownUnit, ...units].filter((u): u is string => u !== undefined);
    const mixed = known.find((u) => u !== known[0]);
    if (mixed !== undefined) {
      throw new MeterError(
        owner,
        phrase(
          "meter-interpolate:errors.mixedUnits",
          'meter "__meter__": __what__ mixes units "__unit__" and "__other__" without a factor (R11); set a factor that converts them',
          { meter: owner, what: what(), unit: known[0], other: mixed },
        ),
      );
    }
  }

  /** A period bound: a time, or a date "YYYY-MM-DD" meaning 00:00 of that day in the configured zone. */
  private periodTime(x: unknown, what: Phrase): number {
    const date = typeof x === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(x) : null;
    if (date) return this.clock.toInstant(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])));
    return requireTime(x, what);
  }

  private master(def: MasterDef): MeterResult {
    const stats = emptyStats();
    if (!Array.isArray(def.periods) || def.periods.length === 0)
      throw new MeterError(
        def.id,
        phrase("meter-interpolate:errors.noPeriod", 'meter "__meter__": a master needs at least one period', {
          meter: def.id,
        }),
      );
    const meter = { meter: def.id };
    const startName = phrase("meter-interpolate:errors.where.periodStart", 'meter "__meter__": period start', meter);
    const endName = phrase("meter-interpolate:errors.where.periodEnd", 'meter "__meter__": period end', meter);
    const periods = def.periods
      .map((p) => ({ p, start: this.periodTime(p.start, startName) }))
      .sort((a, b) => a.start - b.start);
    const ends = periods.map((x, k) =>
      x.p.end !== undefined
        ? this.periodTime(x.p.end, endName)
        : k + 1 < periods.length
          ? periods[k + 1].start
          : Infinity,
    );
    // Each period's source series, with the period's initialValue as an extra reading where it applies.
    const srcSeries: (CorrectedSeries | undefined)[][] = [];
    const srcOpts: EvalOptions[][] = [];
    let first = Infinity;
    let last = -Infinity;
    const resetTimes: number[] = [];
    periods.forEach(({ p, start }, k) => {
      const ids =
        !Array.isArray(p.sources) || p.sources.length === 0 ? [] : p.combine === "sum" ? p.sources : [p.sources[0]];
      if (ids.length === 0)
        throw new MeterError(
          def.id,
          phrase("meter-interpolate:errors.noSources", 'meter "__meter__": period __n__ has no sources', {
            meter: def.id,
            n: k + 1,
          }),
        );
      const states = ids.map((id) => this.sourceState(def.id, id));
      if (p.factor === undefined)
        this.checkUnits(
          def.id,
          def.unit,
          states.map((s) => s?.def.unit),
          () => phrase("meter-interpolate:errors.where.period", "period __n__", { n: k + 1 }),
        );
      srcSeries.push(
        states.map((st) => {
          if (!st) return undefined;
          let s = st.series;
          if (p.initialValue !== undefined && ids.length === 1) {
            const norm = normalizeReadings(st.def.id, st.def.readings, {
              allowNegative: !st.increasing,
              synthetic: { t: start, v: p.initialValue },
            });
            s = correctResets(norm.t, norm.v, st.resetRatio, st.increasing);
          }
          if (s.t.length) {
            const r = this.rangeFor(s.t[0], s.t[s.t.length - 1]);
            first = Math.min(first, Math.max(r[0], start));
            last = Math.max(last, Math.min(r[1], ends[k]));
          }
          for (const rt of s.resetTimes) if (rt >= start && rt < ends[k]) resetTimes.push(rt);
          return s;
        }),
      );
      srcOpts.push(states.map((st) => st?.opts ?? this.evalOptions(true)));
      for (const st of states) {
        if (!st) {
          this.note(
            stats,
            phrase(
              "meter-interpolate:warnings.periodHole",
              'meter "__meter__": period __n__ has a source that is not in the input; it is a hole',
              { meter: def.id, n: k + 1 },
            ),
          );
          continue;
        }
        stats.raw += st.norm.raw;
        stats.dropped += st.norm.dropped;
        stats.duplicates += st.norm.duplicates;
        stats.resets += st.series.resets;
        stats.glitches += st.series.glitches;
      }
    });
    // S_k(x) = factor · Σ sources, each held beyond its data, for the offset at the exact period start.
    const heldSum = (k: number, x: number): number => {
      let sum = 0;
      for (let j = 0; j < srcSeries[k].length; j++) {
        const s = srcSeries[k][j];
        if (!s) return NaN;
        sum += valueHeldAt(s, x, srcOpts[k][j]);
      }
      return (periods[k].p.factor ?? 1) * sum;
    };
    const offsets = [0];
    for (let k = 1; k < periods.length; k++) {
      if (!periods[k].p.offsetFromPrevious) {
        offsets.push(0);
        continue;
      }
      const start = periods[k].start;
      const previous = heldSum(k - 1, start) + offsets[k - 1];
      const o = previous - heldSum(k, start);
      if (!Number.isFinite(o)) {
        this.note(
          stats,
          phrase(
            "meter-interpolate:warnings.noOffset",
            'meter "__meter__": no value at the start of period __n__, so its offset is 0',
            { meter: def.id, n: k + 1 },
          ),
        );
        offsets.push(0);
        continue;
      }
      if (Math.abs(o) > 0.2 * previous)
        this.note(
          stats,
          phrase(
            "meter-interpolate:warnings.bigOffset",
            'meter "__meter__": offset __offset__ at period __n__ is more than 20 % of the previous value __previous__',
            { meter: def.id, offset: o, n: k + 1, previous },
          ),
        );
      offsets.push(o);
    }
    stats.offsets = offsets;
    resetTimes.sort((a, b) => a - b);
    const resets = Float64Array.from(resetTimes);
    const result: MeterResult = { id: def.id, type: "master", intervals: {}, stats };
    if (def.unit !== undefined) result.unit = def.unit;
    const [lo, hi] = [this.rangeStart ?? first, this.rangeEnd ?? last];
    if (Number.isFinite(lo) && Number.isFinite(hi)) this.reserveBoundaries(def.id, lo, hi);
    for (const unit of this.cfg.intervals) {
      const grid =
        Number.isFinite(lo) && Number.isFinite(hi) ? this.clock.boundariesShared(unit, lo, hi) : new Float64Array(0);
      const value = new Float64Array(grid.length).fill(NaN);
      const quality = new Uint8Array(grid.length).fill(Q_NONE);
      let from = 0;
      for (let k = 0; k < periods.length; k++) {
        const start = periods[k].start;
        while (from < grid.length && grid[from] < start) from++;
        let to = from;
        while (to < grid.length && grid[to] < ends[k]) to++;
        if (to === from) continue;
        const sub = grid.subarray(from, to);
        const sum = new Float64Array(sub.length);
        const q = new Uint8Array(sub.length).fill(Q_EXACT);
        for (let j = 0; j < srcSeries[k].length; j++) {
          const s = srcSeries[k][j];
          if (!s) {
            q.fill(Q_NONE);
            break;
          }
          const ev = evaluateOnGrid(s, sub, srcOpts[k][j]);
          for (let i = 0; i < sub.length; i++) {
            sum[i] += ev.value[i];
            q[i] = ev.quality[i] === Q_NONE || q[i] === Q_NONE ? Q_NONE : worseQuality(q[i], ev.quality[i]);
          }
        }
        const factor = periods[k].p.factor ?? 1;
        for (let i = 0; i < sub.length; i++) {
          if (q[i] === Q_NONE) continue;
          value[from + i] = factor * sum[i] + offsets[k];
          quality[from + i] = q[i]!;
        }
        from = to;
      }
      result.intervals[unit] = this.intervalResult(unit, grid, value, quality, resets);
    }
    return result;
  }

  private virtual(def: VirtualDef): MeterResult {
    const stats = emptyStats();
    if (!Array.isArray(def.terms) || def.terms.length === 0)
      throw new MeterError(
        def.id,
        phrase("meter-interpolate:errors.virtualNoTerms", 'meter "__meter__": a virtual meter needs terms', {
          meter: def.id,
        }),
      );
    const terms = def.terms.map((t) => {
      if (typeof t.factor !== "number" || !Number.isFinite(t.factor))
        throw new MeterError(
          def.id,
          phrase("meter-interpolate:errors.termFactor", 'meter "__meter__": term "__term__" needs a numeric factor', {
            meter: def.id,
            term: t.meter,
          }),
        );
      if (this.failed.has(t.meter)) throw new MeterError(def.id, usesFailed(def.id, t.meter));
      const r = this.results.get(t.meter);
      if (!r)
        this.note(
          stats,
          phrase("meter-interpolate:warnings.termMissing", 'meter "__meter__": term "__term__" is not in the input', {
            meter: def.id,
            term: t.meter,
          }),
        );
      return { ...t, result: r };
    });
    // A factor of ±1 between different units is a conversion someone forgot (R11).
    const plain = terms.filter((t) => Math.abs(t.factor) === 1).map((t) => t.result?.unit);
    this.checkUnits(def.id, def.unit, plain, () => phrase("meter-interpolate:errors.where.terms", "its terms"));
    const clamp = def.clampNegative !== false;
    const result: MeterResult = { id: def.id, type: "virtual", intervals: {}, stats };
    if (def.unit !== undefined) result.unit = def.unit;
    for (const unit of this.cfg.intervals) {
      let lo = Infinity;
      let hi = -Infinity;
      const lookups = terms.map((t) => {
        const iv = t.result?.intervals[unit];
        const map = new Map<number, number>();
        if (!iv) return map;
        if (iv.grid.length) {
          lo = Math.min(lo, iv.grid[0]);
          hi = Math.max(hi, iv.grid[iv.grid.length - 1]);
        }
        const c = iv.consumption;
        for (let i = 0; i < c.count; i++) map.set(c.start[i], i);
        return map;
      });
      if (this.rangeStart !== undefined) lo = this.rangeStart;
      if (this.rangeEnd !== undefined) hi = this.rangeEnd;
      const grid =
        Number.isFinite(lo) && Number.isFinite(hi) ? this.clock.boundariesShared(unit, lo, hi) : new Float64Array(0);
      const m = Math.max(grid.length - 1, 0);
      const c: ConsumptionSeries = {
        count: 0,
        start: new Float64Array(m),
        end: new Float64Array(m),
        value: new Float64Array(m),
        quality: new Uint8Array(m),
        flags: new Uint8Array(m),
      };
      const value = new Float64Array(grid.length).fill(NaN);
      const quality = new Uint8Array(grid.length).fill(Q_NONE);
      if (grid.length) {
        value[0] = 0;
        quality[0] = Q_EXACT;
      }
      let running = 0;
      for (let k = 0; k < m; k++) {
        let sum = 0;
        let q: number = Q_EXACT;
        let flags = 0;
        let missing = false;
        for (let j = 0; j < terms.length; j++) {
          const idx = lookups[j].get(grid[k]);
          const cons = terms[j].result?.intervals[unit]?.consumption;
          if (idx === undefined || !cons || cons.end[idx] !== grid[k + 1]) {
            if (terms[j].factor > 0) {
              missing = true;
              break;
            }
            flags |= F_PARTIAL;
            continue;
          }
          sum += terms[j].factor * cons.value[idx];
          q = worseQuality(q, cons.quality[idx]);
        }
        if (missing) continue;
        if (clamp && sum < 0) {
          sum = 0;
          flags |= F_CLAMPED;
        }
        const i = c.count++;
        c.start[i] = grid[k]!;
        c.end[i] = grid[k + 1]!;
        c.value[i] = sum;
        c.quality[i] = q;
        c.flags[i] = flags;
        running += sum;
        value[k + 1] = running;
        quality[k + 1] = q;
      }
      c.start = c.start.subarray(0, c.count);
      c.end = c.end.subarray(0, c.count);
      c.value = c.value.subarray(0, c.count);
      c.quality = c.quality.subarray(0, c.count);
      c.flags = c.flags.subarray(0, c.count);
      result.intervals[unit] = { unit, grid, value, quality, consumption: c, anomalies: this.anomalies(unit, c) };
    }
    return result;
  }
}

/** Parses a time from the input's `range`, accepting the same forms as readings. */
export function optionalTime(x: unknown, what: string): number | undefined {
  if (x === undefined || x === null || x === "") return undefined;
  return requireTime(x, what);
}

/** What a failed meter says: the reading or meter error as it is, anything else after the meter's name. */
function meterFailure(id: string, e: unknown): string | Phrase {
  if (e instanceof ReadingError) return phraseOf(e) ?? e.message;
  if (e instanceof MeterError) return e.said ?? e.message;
  return meterSays(id, phraseOf(e) ?? (e as Error).message);
}

/** `meter "x": <reason>`. */
function meterSays(id: string, reason: string | Phrase): Phrase {
  return phrase("meter-interpolate:errors.meter", 'meter "__meter__": __reason__', { meter: id, reason });
}

function usesFailed(owner: string, id: string): Phrase {
  return phrase("meter-interpolate:errors.usesFailed", 'meter "__meter__" uses meter "__source__", which failed', {
    meter: owner,
    source: id,
  });
}

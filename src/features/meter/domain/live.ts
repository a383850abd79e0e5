/**
 * Live mode: one reading at a time, per meter, with a small JSON state (it lives in node context, so a
 * persistent store survives restarts). Every boundary crossed between two readings is emitted with the
 * same value, quality, consumption and reset flag as a batch run over the same readings (extrapolate
 * `none`, automatic range), because both use the same neighbouring readings and the same R3 step.
 */
import type { EvalOptions } from "./evaluate";
import { evaluateOnGrid } from "./evaluate";
import { SeasonalWeight } from "./profile";
import { Q_EXACT, Q_NONE, F_RESET, worseQuality } from "./types";
import type { ConsumptionSeries, EngineConfig, IntervalResult, Unit } from "./types";
import type { ZoneClock } from "./zone";
import { phrase, type Phrase } from "../../../shared/errors";

export interface LiveIntervalState {
  /** Last emitted boundary, its value and quality. */
  g: number;
  v: number;
  q: number;
  /** A reset happened after `g`, so the next interval carries the flag. */
  resetPending: boolean;
}

export interface LiveMeterState {
  version: 1;
  t: number;
  C: number;
  last: number;
  offset: number;
  raw: number;
  resets: number;
  glitches: number;
  ignored: number;
  intervals: Partial<Record<Unit, LiveIntervalState>>;
}

export interface LiveMeterOptions {
  increasing: boolean;
  resetRatio: number;
  profile?: number[];
}

export type LiveOutcome =
  | { kind: "first"; state: LiveMeterState; emitted: IntervalResult[] }
  | { kind: "ok"; state: LiveMeterState; emitted: IntervalResult[] }
  | { kind: "ignored"; state: LiveMeterState; reason: Phrase };

function emptyConsumption(): ConsumptionSeries {
  const z = new Float64Array(0);
  return { count: 0, start: z, end: z, value: z, quality: new Uint8Array(0), flags: new Uint8Array(0) };
}

/** An IntervalResult holding one new boundary and, if the previous one is known, its interval. */
function single(
  unit: Unit,
  prev: LiveIntervalState | undefined,
  g: number,
  v: number,
  q: number,
  resetFlag: boolean,
): IntervalResult {
  let consumption = emptyConsumption();
  if (prev) {
    consumption = {
      count: 1,
      start: Float64Array.of(prev.g),
      end: Float64Array.of(g),
      value: Float64Array.of(v - prev.v),
      quality: Uint8Array.of(worseQuality(prev.q, q)),
      flags: Uint8Array.of(resetFlag ? F_RESET : 0),
    };
  }
  return {
    unit,
    grid: prev ? Float64Array.of(prev.g, g) : Float64Array.of(g),
    value: prev ? Float64Array.of(NaN, v) : Float64Array.of(v),
    quality: prev ? Uint8Array.of(Q_NONE, q) : Uint8Array.of(q),
    consumption,
    anomalies: [],
  };
}

// Why a live reading is ignored; made once, the live path runs per message.
const SAME_TIME = phrase("meter-interpolate:warnings.sameTime", "same time as the previous reading");
const OLDER = phrase("meter-interpolate:warnings.older", "older than the previous reading");

export class LiveMeter {
  private readonly cfg: EngineConfig;
  private readonly clock: ZoneClock;
  private readonly opts: LiveMeterOptions;
  private readonly evalOpts: EvalOptions;

  constructor(cfg: EngineConfig, clock: ZoneClock, opts: LiveMeterOptions) {
    this.cfg = cfg;
    this.clock = clock;
    this.opts = opts;
    this.evalOpts = {
      maxGap: cfg.maxGap,
      extrapolate: "none",
      maxExtrapolation: 0,
      rateWindow: cfg.rateWindow,
      increasing: opts.increasing,
    };
    if (opts.profile) this.evalOpts.weight = new SeasonalWeight(opts.profile, clock);
  }

  /** Applies one reading (t in ms, raw value v) to `state` (undefined for the first reading ever). */
  push(state: LiveMeterState | undefined, t: number, v: number): LiveOutcome {
    if (!state) {
      const s: LiveMeterState = {
        version: 1,
        t,
        C: v,
        last: v,
        offset: 0,
        raw: 1,
        resets: 0,
        glitches: 0,
        ignored: 0,
        intervals: {},
      };
      const emitted: IntervalResult[] = [];
      for (const unit of this.cfg.intervals) {
        const b = this.clock.boundaries(unit, t, t);
        if (b.length) {
          s.intervals[unit] = { g: t, v, q: Q_EXACT, resetPending: false };
          emitted.push(single(unit, undefined, t, v, Q_EXACT, false));
        }
      }
      return { kind: "first", state: s, emitted };
    }
    if (!(t > state.t)) {
      const s = { ...state, ignored: state.ignored + 1 };
      return {
        kind: "ignored",
        state: s,
        reason: t === state.t ? SAME_TIME : OLDER,
      };
    }
    // R3, one step.
    const s: LiveMeterState = { ...state, intervals: { ...state.intervals }, raw: state.raw + 1 };
    let C: number;
    let reset = false;
    if (!this.opts.increasing || v >= s.last) {
      C = this.opts.increasing ? v + s.offset : v;
      s.last = v;
    } else if (v >= this.opts.resetRatio * s.last) {
      C = s.last + s.offset;
      s.glitches++;
    } else {
      s.offset += s.last;
      C = v + s.offset;
      s.last = v;
      s.resets++;
      reset = true;
    }
    const series = {
      t: Float64Array.of(state.t, t),
      C: Float64Array.of(state.C, C),
      resetTimes: new Float64Array(0),
      resets: 0,
      glitches: 0,
    };
    const emitted: IntervalResult[] = [];
    for (const unit of this.cfg.intervals) {
      const crossed = this.clock.boundaries(unit, state.t + 1, t);
      let prev = s.intervals[unit];
      let pending = prev?.resetPending ?? false;
      if (crossed.length) {
        const ev = evaluateOnGrid(series, crossed, this.evalOpts);
        for (let i = 0; i < crossed.length; i++) {
          const g = crossed[i];
          // The reset at t belongs to the interval (g_k, g_{k+1}] that contains t.
          const flag = pending || (reset && g === t);
          const iv = single(unit, prev, g, ev.value[i], ev.quality[i], flag);
          emitted.push(iv);
          prev = { g, v: ev.value[i], q: ev.quality[i], resetPending: false };
          pending = false;
        }
        if (reset && crossed[crossed.length - 1] < t) prev!.resetPending = true;
        s.intervals[unit] = prev!;
      } else if (reset && prev) {
        s.intervals[unit] = { ...prev, resetPending: true };
      }
    }
    s.t = t;
    s.C = C;
    return { kind: "ok", state: s, emitted };
  }
}

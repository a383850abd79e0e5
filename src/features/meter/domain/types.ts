/** Shared types of the meter engine (docs/meter-interpolate-spec.md). Times are epoch milliseconds (UTC) throughout. */

export type Unit = "hour" | "day" | "month";
export const UNITS: readonly Unit[] = ["hour", "day", "month"];

export type CounterMode = "increasing" | "net";
export type ExtrapolateMode = "none" | "hold" | "rate";
export type AnomalyMethod = "vote" | "seasonal-mad" | "ratio" | "none";
export type ConsumptionTimestamp = "start" | "end";

/** A time as users send it: epoch ms, a Date, or an ISO-8601 string with `Z` or an offset. */
export type TimeInput = number | string | Date;

/**
 * Quality codes, stored in Uint8Arrays. The numeric order is not the severity order:
 * gap and seasonal rank equally (see `worseQuality`).
 */
export const Q_EXACT = 0;
export const Q_INTERPOLATED = 1;
export const Q_GAP = 2;
export const Q_SEASONAL = 3;
export const Q_EXTRAPOLATED = 4;
export const Q_NONE = 255;
export const QUALITY_NAMES = ["exact", "interpolated", "gap", "seasonal", "extrapolated"] as const;
export type QualityName = (typeof QUALITY_NAMES)[number];

const QUALITY_RANK = [0, 1, 2, 2, 3];

/** R7: the worse of two qualities, exact < interpolated < gap = seasonal < extrapolated. */
export function worseQuality(a: number, b: number): number {
  return QUALITY_RANK[b] > QUALITY_RANK[a] ? b : a;
}

/** Flags of a consumption interval, as bits. */
export const F_RESET = 1;
export const F_PARTIAL = 2;
export const F_CLAMPED = 4;

export interface EngineConfig {
  intervals: Unit[];
  timezone: string;
  rangeStart?: number;
  rangeEnd?: number;
  counterMode: CounterMode;
  resetRatio: number;
  maxGap: number;
  extrapolate: ExtrapolateMode;
  maxExtrapolation: number;
  rateWindow: number;
  anomalyMethod: AnomalyMethod;
  consumptionTimestamp: ConsumptionTimestamp;
  meterTag: string;
  /** seasonal-mad: how many previous same-phase values to compare with, and how many are needed. */
  madLookback: number;
  madMinRefs: number;
  /**
   * Most hour/day/month boundaries one run may compute, over all its meters and intervals: a run over
   * more is refused before any grid is built (memory grows with the boundaries, measured at about 65 bytes each).
   */
  maxBoundaries: number;
}

export interface PhysicalDef {
  id: string;
  type: "physical";
  unit?: string;
  /** An array of readings, or columns `{t: number[]|Float64Array, v: number[]|Float64Array}`. */
  readings: unknown;
  counterMode?: CounterMode;
  resetRatio?: number;
  profile?: number[] | "auto";
  installedAt?: TimeInput;
  initialValue?: number;
  removedAt?: TimeInput;
}

export interface MasterPeriodDef {
  start: TimeInput;
  end?: TimeInput;
  sources: string[];
  combine?: "single" | "sum";
  factor?: number;
  offsetFromPrevious?: boolean;
  initialValue?: number;
}

export interface MasterDef {
  id: string;
  type: "master";
  unit?: string;
  periods: MasterPeriodDef[];
}

export interface VirtualTerm {
  meter: string;
  factor: number;
}

export interface VirtualDef {
  id: string;
  type: "virtual";
  unit?: string;
  terms: VirtualTerm[];
  clampNegative?: boolean;
}

export type MeterDef = PhysicalDef | MasterDef | VirtualDef;

export interface MeterStats {
  raw: number;
  dropped: number;
  duplicates: number;
  resets: number;
  glitches: number;
  offsets?: number[];
  warnings: string[];
}

/** Consumption of adjacent boundary pairs that both have a value (R7), column-wise. */
export interface ConsumptionSeries {
  count: number;
  start: Float64Array;
  end: Float64Array;
  value: Float64Array;
  quality: Uint8Array;
  flags: Uint8Array;
}

/** What the anomaly methods measured; the record and its §2.6 output carry the same fields. */
export interface AnomalyScores {
  votes?: number;
  z?: number;
  rollingZ?: number;
  iqrLow?: number;
  iqrHigh?: number;
  score?: number;
  median?: number;
  mad?: number;
  mean7?: number;
}

export interface AnomalyRecord extends AnomalyScores {
  /** Position in the consumption series. */
  index: number;
  method: Exclude<AnomalyMethod, "none">;
}

/** One interval unit of one meter: boundary values and their consumption. */
export interface IntervalResult {
  unit: Unit;
  /** The meter's boundaries in its range, ascending. */
  grid: Float64Array;
  /** V at each boundary; NaN where there is none (quality Q_NONE). */
  value: Float64Array;
  quality: Uint8Array;
  consumption: ConsumptionSeries;
  anomalies: AnomalyRecord[];
}

export interface MeterResult {
  id: string;
  type: MeterDef["type"];
  unit?: string;
  intervals: Partial<Record<Unit, IntervalResult>>;
  stats: MeterStats;
}

/** §2.3 node configuration: defaults, and validation of what users type into the form. */
import { phrase, ValidationError } from "../../../shared/errors";
import { parseDuration, requireTime, DAY_MS } from "./time";
import type { EngineConfig, Unit } from "./types";
import { UNITS } from "./types";
import { zoneClock } from "./zone";

export const DEFAULT_CONFIG: Readonly<EngineConfig> = Object.freeze({
  intervals: ["day", "month"] as Unit[],
  timezone: "UTC",
  counterMode: "increasing",
  resetRatio: 0.9,
  maxGap: 7 * DAY_MS,
  extrapolate: "none",
  maxExtrapolation: 7 * DAY_MS,
  rateWindow: 30 * DAY_MS,
  anomalyMethod: "vote",
  consumptionTimestamp: "start",
  meterTag: "entity_id",
  madLookback: 8,
  madMinRefs: 4,
  maxBoundaries: 10_000_000,
});

/** The configuration as stored on the node (strings from the form), or as a test writes it. */
export interface RawConfig {
  intervals?: unknown;
  timezone?: unknown;
  rangeStart?: unknown;
  rangeEnd?: unknown;
  counterMode?: unknown;
  resetRatio?: unknown;
  maxGap?: unknown;
  extrapolate?: unknown;
  maxExtrapolation?: unknown;
  rateWindow?: unknown;
  anomalyMethod?: unknown;
  anomaly?: { method?: unknown };
  consumptionTimestamp?: unknown;
  meterTag?: unknown;
  maxBoundaries?: unknown;
}

function isBlank(x: unknown): boolean {
  return x === undefined || x === null || x === "";
}

function oneOf<T extends string>(x: unknown, allowed: readonly T[], fallback: T, what: string): T {
  if (isBlank(x)) return fallback;
  if (typeof x === "string" && (allowed as readonly string[]).includes(x)) return x as T;
  const vars = { what, allowed: allowed.map((a) => `"${a}"`).join(", "), value: String(JSON.stringify(x)) };
  throw new ValidationError(
    phrase("meter-interpolate:errors.oneOf", "__what__ must be one of __allowed__, not __value__", vars),
  );
}

function parseIntervals(x: unknown): Unit[] {
  if (isBlank(x)) return [...DEFAULT_CONFIG.intervals];
  const list =
    typeof x === "string"
      ? x
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : x;
  if (!Array.isArray(list) || list.length === 0)
    throw new ValidationError(
      phrase("meter-interpolate:errors.noIntervals", 'intervals must list at least one of "hour", "day", "month"'),
    );
  const out: Unit[] = [];
  for (const u of list) {
    if (!UNITS.includes(u as Unit))
      throw new ValidationError(
        phrase("meter-interpolate:errors.interval", 'intervals: __value__ is not "hour", "day" or "month"', {
          value: String(JSON.stringify(u)),
        }),
      );
    if (!out.includes(u as Unit)) out.push(u as Unit);
  }
  return UNITS.filter((u) => out.includes(u));
}

function parseCount(x: unknown, fallback: number, what: string): number {
  if (isBlank(x)) return fallback;
  const n = typeof x === "string" ? Number(x) : x;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1)
    throw new ValidationError(
      phrase("meter-interpolate:errors.count", "__what__ must be a whole number above 0, not __value__", {
        what,
        value: String(JSON.stringify(x)),
      }),
    );
  return n;
}

function parseRatio(x: unknown): number {
  if (isBlank(x)) return DEFAULT_CONFIG.resetRatio;
  const n = typeof x === "string" ? Number(x) : x;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0 || n > 1)
    throw new ValidationError(
      phrase("meter-interpolate:errors.resetRatio", "resetRatio must be a number from 0 to 1, not __value__", {
        value: String(JSON.stringify(x)),
      }),
    );
  return n;
}

/** Validates and completes a configuration; throws a ValidationError whose message names the property. */
export function engineConfig(raw: RawConfig): EngineConfig {
  const timezone = isBlank(raw.timezone) ? DEFAULT_CONFIG.timezone : String(raw.timezone);
  zoneClock(timezone);
  const cfg: EngineConfig = {
    ...DEFAULT_CONFIG,
    intervals: parseIntervals(raw.intervals),
    timezone,
    counterMode: oneOf(raw.counterMode, ["increasing", "net"], DEFAULT_CONFIG.counterMode, "counterMode"),
    resetRatio: parseRatio(raw.resetRatio),
    maxGap: isBlank(raw.maxGap) ? DEFAULT_CONFIG.maxGap : parseDuration(raw.maxGap, "maxGap"),
    extrapolate: oneOf(raw.extrapolate, ["none", "hold", "rate"], DEFAULT_CONFIG.extrapolate, "extrapolate"),
    maxExtrapolation: isBlank(raw.maxExtrapolation)
      ? DEFAULT_CONFIG.maxExtrapolation
      : parseDuration(raw.maxExtrapolation, "maxExtrapolation"),
    rateWindow: isBlank(raw.rateWindow) ? DEFAULT_CONFIG.rateWindow : parseDuration(raw.rateWindow, "rateWindow"),
    anomalyMethod: oneOf(
      raw.anomalyMethod ?? raw.anomaly?.method,
      ["vote", "seasonal-mad", "ratio", "none"],
      DEFAULT_CONFIG.anomalyMethod,
      "anomalyMethod",
    ),
    consumptionTimestamp: oneOf(
      raw.consumptionTimestamp,
      ["start", "end"],
      DEFAULT_CONFIG.consumptionTimestamp,
      "consumptionTimestamp",
    ),
    meterTag: isBlank(raw.meterTag) ? DEFAULT_CONFIG.meterTag : String(raw.meterTag),
    maxBoundaries: parseCount(raw.maxBoundaries, DEFAULT_CONFIG.maxBoundaries, "maxBoundaries"),
  };
  if (!isBlank(raw.rangeStart)) cfg.rangeStart = requireTime(raw.rangeStart, "rangeStart");
  if (!isBlank(raw.rangeEnd)) cfg.rangeEnd = requireTime(raw.rangeEnd, "rangeEnd");
  if (cfg.rangeStart !== undefined && cfg.rangeEnd !== undefined && cfg.rangeEnd < cfg.rangeStart)
    throw new ValidationError(phrase("meter-interpolate:errors.rangeOrder", "rangeEnd is before rangeStart"));
  return cfg;
}

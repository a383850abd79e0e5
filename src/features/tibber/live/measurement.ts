import { fields, point, reading, seriesName, tags, type Reading } from "../../../shared/reading";
import { tryParseInstant } from "../../../shared/time/instant";

/**
 * `liveMeasurement` as tibber-live asks for it and sends it on (reference A7 field list): every numeric
 * field Tibber publishes, under the reading contract as `tibber_live` with the home in the tag `home_id`
 * and the currency of `accumulatedCost` in `currency`. Phase values Tibber leaves null are no field.
 */

export const LIVE_NUMBER_FIELDS = [
  "power",
  "powerProduction",
  "minPower",
  "averagePower",
  "maxPower",
  "minPowerProduction",
  "maxPowerProduction",
  "powerReactive",
  "powerProductionReactive",
  "powerFactor",
  "accumulatedConsumption",
  "accumulatedProduction",
  "accumulatedConsumptionLastHour",
  "accumulatedProductionLastHour",
  "accumulatedCost",
  "accumulatedReward",
  "lastMeterConsumption",
  "lastMeterProduction",
  "voltagePhase1",
  "voltagePhase2",
  "voltagePhase3",
  "currentL1",
  "currentL2",
  "currentL3",
  "signalStrength",
] as const;

export type LiveField = (typeof LIVE_NUMBER_FIELDS)[number];

export const LIVE_SUBSCRIPTION = `subscription Live($homeId: ID!) {
  liveMeasurement(homeId: $homeId) { timestamp currency ${LIVE_NUMBER_FIELDS.join(" ")} }
}`;

export const LIVE_MEASUREMENT = "tibber_live";

/** One measurement as a reading, or undefined when it carries no usable timestamp. */
export function toLiveReading(homeId: string, raw: unknown): Reading | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const m = raw as Record<string, unknown>;
  const at = tryParseInstant(m.timestamp);
  if (at === undefined) return undefined;
  const values: Record<string, number | undefined> = {};
  for (const key of LIVE_NUMBER_FIELDS) {
    const v = m[key];
    if (typeof v === "number") values[key] = v;
  }
  const currency = typeof m.currency === "string" ? m.currency : undefined;
  const p = point(LIVE_MEASUREMENT, tags({ home_id: homeId, currency }), fields(values), at);
  return reading(p, seriesName(LIVE_MEASUREMENT, homeId));
}

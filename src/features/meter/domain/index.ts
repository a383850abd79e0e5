/**
 * The meter engine's public surface (no Node-RED, no I/O). Its comments cite the rules (R1–R12) and
 * sections (§2.x) of docs/meter-interpolate-spec.md.
 */
export * from "./types";
export { BatchRun, MeterError } from "./engine";
export type { RangeOverride } from "./engine";
export { engineConfig, DEFAULT_CONFIG } from "./config";
export type { RawConfig } from "./config";
export { checkMeterId, MAX_METER_ID_LENGTH, parseInput, parseMeterDefinitions } from "./input";
export {
  IsoCache,
  sharedIsoCache,
  meterOut,
  intervalOut,
  intervalOutSteps,
  pointChunks,
  INTERVAL_NAMES,
} from "./format";
export type { MeterOut, IntervalOut } from "./format";
export { zoneClock, ZoneClock } from "./zone";
export { parseDuration, parseTime, requireTime, isoString } from "./time";
export { correctResets } from "./resets";
export { normalizeReadings } from "./normalize";
export { voteAnomalies, seasonalMadAnomalies, ratioAnomalies } from "./anomaly";
export { LiveMeter } from "./live";
export type { LiveMeterState, LiveOutcome, LiveMeterOptions } from "./live";

import { english, phrase, type Phrase } from "../../../shared/errors";
import { describeKey, toEpochMs, toNumber } from "../domain/obis";

/** One value of the latest-measurements answer, named and converted (reference D2, D4). */
export interface Measurement {
  /** The key as energyLIVE sends it, e.g. `0100010700` or `batteryVoltage`. */
  key: string;
  /** `1-0:1.7.0` for electrical keys. */
  obis?: string;
  /** Field name in msg.payload, e.g. `power_import_w`. */
  name: string;
  unit: string;
  value: number;
  /** When energyLIVE recorded the value (epoch ms); each measurement has its own. */
  timestamp: number;
}

/** An entry that was not a usable reading, kept so the node can say what it left out. */
export interface SkippedEntry {
  key: string;
  /** In English; `said` is the same with its catalog key. */
  reason: string;
  said: Phrase;
}

function skip(key: string, said: Phrase): SkippedEntry {
  return { key, reason: english(said), said };
}

export interface ParsedLatest {
  measurements: Measurement[];
  skipped: SkippedEntry[];
}

/**
 * Turns the raw array `[{measurement, timestamp, value}]` into measurements. Unknown keys are kept; entries
 * without a usable number are skipped with a reason; a missing timestamp falls back to `receivedAt`.
 */
export function parseLatest(raw: unknown[], receivedAt: number): ParsedLatest {
  const measurements: Measurement[] = [];
  const skipped: SkippedEntry[] = [];
  for (const entry of raw) {
    if (typeof entry !== "object" || entry === null) {
      skipped.push(skip("?", phrase("energylive-reader:reasons.notObject", "not an object")));
      continue;
    }
    const { measurement, timestamp, value } = entry as Record<string, unknown>;
    if (typeof measurement !== "string" || measurement === "") {
      skipped.push(skip("?", phrase("energylive-reader:reasons.noKey", "no measurement key")));
      continue;
    }
    const number = toNumber(value);
    if (number === undefined) {
      const shown = { value: describeValue(value) };
      skipped.push(
        skip(measurement, phrase("energylive-reader:reasons.notNumber", "value is not a number (__value__)", shown)),
      );
      continue;
    }
    const info = describeKey(measurement);
    measurements.push({
      key: measurement,
      ...(info.obis ? { obis: info.obis } : {}),
      name: info.name,
      unit: info.unit,
      value: info.convert ? info.convert(number) : number,
      timestamp: toEpochMs(timestamp) ?? receivedAt,
    });
  }
  return { measurements, skipped };
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string") return JSON.stringify(value.slice(0, 20));
  return typeof value;
}

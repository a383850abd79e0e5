import type { LatestReadings } from "./client";
import type { Measurement } from "./parse";
import { fields, point, reading, seriesName, tags, type Reading } from "../../../shared/reading";

/**
 * What a reader emits for one answer: one reading in the reading contract (`energylive`, the device
 * in the tag `device_uid`, the newest measurement's time as the timestamp), plus `readings` with each
 * measurement's own time and unit for flows that need them; and which answers are new.
 */
export type ReaderOutput = Reading & { readings: Measurement[] };

export function toReaderOutput(latest: LatestReadings): ReaderOutput | undefined {
  if (latest.measurements.length === 0) return undefined;
  const newest = Math.max(...latest.measurements.map((m) => m.timestamp));
  const values: Record<string, number> = {};
  for (const m of latest.measurements) values[m.name] = m.value;
  const p = point("energylive", tags({ device_uid: latest.deviceUid }), fields(values), newest);
  return { ...reading(p, seriesName("energylive", latest.deviceUid)), readings: latest.measurements };
}

/**
 * Remembers the timestamp of every key per device, so polling the same answer twice emits once: an answer
 * is new when any of its measurements is newer than the one seen before (or was not seen before).
 */
export class NewReadingFilter {
  private readonly seen = new Map<string, Map<string, number>>();

  /** Whether `latest` holds anything new; records it either way. */
  admit(latest: LatestReadings): boolean {
    let known = this.seen.get(latest.deviceUid);
    if (!known) this.seen.set(latest.deviceUid, (known = new Map<string, number>()));
    let advanced = false;
    for (const m of latest.measurements) {
      const before = known.get(m.key);
      if (before === undefined || m.timestamp > before) {
        advanced = true;
        known.set(m.key, m.timestamp);
      }
    }
    return advanced;
  }
}

/** A short power figure for the status line: `1.38 kW`, `138 W`, `export 0.45 kW`, or how many values came. */
export function powerSummary(payload: Readonly<Record<string, number | boolean>>): string {
  const importW = typeof payload.power_import_w === "number" ? payload.power_import_w : undefined;
  const exportW = typeof payload.power_export_w === "number" ? payload.power_export_w : 0;
  if (importW === undefined) {
    const values = Object.keys(payload).length;
    return `${values} value${values === 1 ? "" : "s"}`;
  }
  if (importW === 0 && exportW > 0) return `export ${watts(exportW)}`;
  return watts(importW);
}

function watts(w: number): string {
  return Math.abs(w) >= 1000 ? `${(w / 1000).toFixed(2)} kW` : `${Math.round(w)} W`;
}

/**
 * Flume speaks two kinds of time: ISO UTC for events (`last_seen`, `created_datetime`) and
 * "YYYY-MM-DD HH:mm:ss" without an offset for flow and usage, meaning wall-clock time at the
 * device's location. These helpers write and read the second kind; the zone arithmetic and the rule for
 * DST gaps and overlaps are the package's shared ones (src/shared/time).
 */
import { parseInstant } from "../../../shared/time/instant";
import { localParts, type LocalParts } from "../../../shared/time/zone";

export { isValidTimeZone, localParts, type LocalParts, zoneOffsetMs as tzOffsetMs } from "../../../shared/time/zone";

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

export function formatParts(p: LocalParts): string {
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** Epoch ms → "YYYY-MM-DD HH:mm:ss" on the wall clock of `tz`. */
export function formatLocal(ms: number, tz: string): string {
  return formatParts(localParts(ms, tz));
}

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** True for a Flume-style local time string (no offset). */
export function isLocalDateTime(text: string): boolean {
  return LOCAL_PATTERN.test(text.trim());
}

/** "YYYY-MM-DD HH:mm:ss" on the wall clock of `tz` → epoch ms; NaN when it is not that format. */
export function parseLocal(text: string, tz: string): number {
  if (!isLocalDateTime(text)) return Number.NaN;
  try {
    return parseInstant(text, { timeZone: tz });
  } catch {
    return Number.NaN;
  }
}

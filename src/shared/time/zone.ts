/**
 * IANA time-zone arithmetic with Intl only, shared by every domain that reads or writes local wall-clock
 * time (Flume's offset-less times, Tibber's local days, the meter's hour/day/month boundaries, VoiceMonkey's
 * quiet hours). Every conversion from wall time to an instant goes through `resolveWallTime`.
 *
 * A "wall time" here is a local date and time written as if it were UTC epoch ms
 * (`Date.UTC(year, month - 1, day, hour, minute, second)`), so plain arithmetic works on it.
 */

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The formatter of a zone, built once: building one costs far more than using it. Throws RangeError for an unknown zone. */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows the zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    zoneFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local calendar and clock fields of instant `ms` in `timeZone`, to the whole second. */
export function localParts(ms: number, timeZone: string): LocalParts {
  const offset = hourOffset(ms, timeZone);
  if (offset === undefined) return formattedParts(ms, timeZone);
  const d = new Date(Math.floor(ms / 1000) * 1000 + offset);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

const HOUR_MS = 3_600_000;
/** Per zone, the offset of each UTC hour asked about (NaN: the offset changes within that hour). */
const hourOffsets = new Map<string, Map<number, number>>();
const MAX_CACHED_HOURS = 200_000;

/**
 * The zone's offset for the whole UTC hour of `ms`, when one offset holds from its first to its last
 * second (every hour but the few a year in which a zone changes its offset). Asking Intl costs a few µs
 * a call, and a bill of 5,000 hours asked it 150 times an hour: 0.8 s in one event-loop block.
 */
function hourOffset(ms: number, timeZone: string): number | undefined {
  const hour = Math.floor(ms / HOUR_MS);
  let byHour = hourOffsets.get(timeZone);
  if (!byHour) hourOffsets.set(timeZone, (byHour = new Map<number, number>()));
  let offset = byHour.get(hour);
  if (offset === undefined) {
    const first = hour * HOUR_MS;
    const last = first + HOUR_MS - 1000;
    const atFirst = wallTimeOf(formattedParts(first, timeZone)) - first;
    const atLast = wallTimeOf(formattedParts(last, timeZone)) - last;
    offset = atFirst === atLast ? atFirst : NaN;
    if (byHour.size >= MAX_CACHED_HOURS) byHour.clear();
    byHour.set(hour, offset);
  }
  return Number.isNaN(offset) ? undefined : offset;
}

/** `localParts` as Intl writes them. */
function formattedParts(ms: number, timeZone: string): LocalParts {
  const p: LocalParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of zoneFormatter(timeZone).formatToParts(ms)) {
    switch (part.type) {
      case "year":
        p.year = Number(part.value);
        break;
      case "month":
        p.month = Number(part.value);
        break;
      case "day":
        p.day = Number(part.value);
        break;
      case "hour":
        // Some ICU versions write midnight as 24 even with h23.
        p.hour = Number(part.value) % 24;
        break;
      case "minute":
        p.minute = Number(part.value);
        break;
      case "second":
        p.second = Number(part.value);
        break;
      default:
        break;
    }
  }
  return p;
}

/** The wall time (see the module comment) of local fields. */
export function wallTimeOf(p: LocalParts): number {
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** Offset (local − UTC) of `timeZone` at instant `ms`, in ms: −7 h for Los Angeles in summer. */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallTimeOf(localParts(whole, timeZone)) - whole;
}

/** A zone's offset (local − UTC, ms) at an instant: `zoneOffsetMs` or a cached equivalent. */
export type OffsetAt = (t: number) => number;

/**
 * The package's one rule for wall times the clock skips or shows twice (RFC 5545, and Temporal's
 * disambiguation "compatible"): a time in a spring-forward gap is read with the offset from before the
 * gap, so it moves forward by the gap (Los Angeles 2026-03-08 02:30 → 10:30Z, i.e. 03:30 PDT); a time in
 * a fall-back overlap takes the earlier instant (Berlin 2026-10-25 02:30 → 00:30Z, still CEST).
 */
export function resolveWallTime(wall: number, offsetAt: OffsetAt): number {
  // A zone changes its offset at most once a day, so the offsets a day either side are the candidates.
  const before = offsetAt(wall - DAY_MS);
  const after = offsetAt(wall + DAY_MS);
  const early = wall - before;
  const late = wall - after;
  const earlyFits = offsetAt(early) === before;
  const lateFits = before !== after && offsetAt(late) === after;
  if (earlyFits && lateFits) return Math.min(early, late);
  if (earlyFits) return early;
  if (lateFits) return late;
  // In a gap: take the offset from before the change (the smaller one), which lands after it.
  return wall - Math.min(before, after);
}

/** The instant at which the wall clock of `timeZone` reads `wall` (see `resolveWallTime`). */
export function instantOfWallTime(wall: number, timeZone: string): number {
  return resolveWallTime(wall, (t) => zoneOffsetMs(t, timeZone));
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** ISO-8601 with milliseconds and the zone's offset at that instant: "2026-10-25T02:30:00.000+01:00". */
export function formatLocalIso(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  const off = Math.round(zoneOffsetMs(ms, timeZone) / 60_000);
  const abs = Math.abs(off);
  const millis = pad(((ms % 1000) + 1000) % 1000, 3);
  return (
    `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}.${millis}` +
    `${off < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** The zone the Node-RED host runs in (its TZ): only for what people read off the host's own clock. */
export function hostTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

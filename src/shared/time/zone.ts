/**
 * IANA time-zone arithmetic with Intl only, shared by every domain that reads or writes local wall-clock
 * time (Flume's offset-less times, Tibber's local days, the meter's hour/day/month boundaries).
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
 * How a wall time maps to an instant when the clock skips it (spring-forward gap) or shows it twice
 * (fall-back overlap). Both agree for every wall time that occurs exactly once.
 *
 * - `"compatible"` (as Temporal's disambiguation of that name): a repeated time gives the earlier
 *   instant; a skipped time is moved forward by the gap, as a clock set forward would read.
 * - `"two-pass"`: `wall − offset(wall − offset(wall))`. Exact for times that occur once; inside a gap or
 *   an overlap the answer depends on the side of UTC: east of it a repeated time gives the later instant
 *   and a skipped time moves forward, west of it the earlier instant and backward.
 */
export type WallTimeRule = "compatible" | "two-pass";

/** The instant at which the wall clock of a zone reads `wall`, under `rule`, given the zone's offsets. */
export function resolveWallTime(wall: number, offsetAt: OffsetAt, rule: WallTimeRule): number {
  if (rule === "two-pass") return wall - offsetAt(wall - offsetAt(wall));
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

/** The instant at which the wall clock of `timeZone` reads `wall`, under `rule` (see `WallTimeRule`). */
export function instantOfWallTime(wall: number, timeZone: string, rule: WallTimeRule): number {
  return resolveWallTime(wall, (t) => zoneOffsetMs(t, timeZone), rule);
}

/**
 * Local wall-clock helpers for announcement rules. Quiet hours and "today" are what the person at home
 * reads on the kitchen clock, so they use the zone the runtime runs in (TZ) unless one is given; the
 * arithmetic, DST included, is the package's shared one (src/shared/time).
 */
import { localDateKey, localMinutesOfDay, nextLocalTime as nextAt } from "../../../shared/time/calendar";
import { hostTimeZone } from "../../../shared/time/zone";

const CLOCK = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** Minutes after local midnight for "HH:MM"; undefined for a blank value; throws for junk. */
export function parseClockTime(value: string | undefined, field = "time"): number | undefined {
  const text = (value ?? "").trim();
  if (text === "") return undefined;
  const m = CLOCK.exec(text);
  if (!m) throw new RangeError(`${field} "${text}" is not a time of day: use HH:MM, e.g. 22:00`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** "HH:MM" for minutes after midnight. */
export function formatClockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** Minutes after local midnight of an instant. */
export function minuteOfDay(at: number, timeZone = hostTimeZone()): number {
  return localMinutesOfDay(at, timeZone);
}

/** The local calendar day of an instant, "YYYY-MM-DD": the key the daily cap counts under. */
export function localDay(at: number, timeZone = hostTimeZone()): string {
  return localDateKey(at, timeZone);
}

/**
 * Whether a minute of the day falls in the window [start, end). A window whose start is after its end
 * runs across midnight (22:00–07:00); start equal to end means no window at all.
 */
export function inWindow(minute: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The next instant after `at` at which the local clock reads `minutes` after midnight. */
export function nextLocalTime(at: number, minutes: number, timeZone = hostTimeZone()): number {
  return nextAt(at, minutes, timeZone);
}

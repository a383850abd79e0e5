/**
 * Local calendar days in an IANA zone: date keys, day arithmetic, local midnights and times of day.
 * Days are found by their local date, never by adding 24 hours, because DST days last 23 or 25 hours.
 * Wall times become instants with the package's one rule (`resolveWallTime` in zone.ts).
 */
import { instantOfWallTime, localParts } from "./zone";

const pad = (n: number): string => String(n).padStart(2, "0");

/** The local calendar date of instant `ms`, as "YYYY-MM-DD". */
export function localDateKey(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** The date `days` after `dateKey` ("2026-10-25" + 1 = "2026-10-26"); pure calendar arithmetic. */
export function addDays(dateKey: string, days: number): string {
  const [y, m, d] = dateKey.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** The instant at which the clock of `timeZone` on `dateKey` reads `minutesOfDay` (780 = 13:00). */
export function atLocalTime(dateKey: string, minutesOfDay: number, timeZone: string): number {
  const [y, m, d] = dateKey.split("-").map(Number);
  return instantOfWallTime(Date.UTC(y, m - 1, d, 0, minutesOfDay), timeZone);
}

/** Local midnight that starts `dateKey`. */
export function startOfLocalDay(dateKey: string, timeZone: string): number {
  return atLocalTime(dateKey, 0, timeZone);
}

/** How long the local day `dateKey` lasts, in ms: 23 or 25 hours on DST days. */
export function localDayLengthMs(dateKey: string, timeZone: string): number {
  return startOfLocalDay(addDays(dateKey, 1), timeZone) - startOfLocalDay(dateKey, timeZone);
}

/** Minutes since local midnight at instant `ms` (wall clock, so 13:00 is 780 on any day). */
export function localMinutesOfDay(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return p.hour * 60 + p.minute;
}

/** The next instant after `at` at which the local clock reads `minutesOfDay`, today or tomorrow. */
export function nextLocalTime(at: number, minutesOfDay: number, timeZone: string): number {
  const today = localDateKey(at, timeZone);
  const candidate = atLocalTime(today, minutesOfDay, timeZone);
  return candidate > at ? candidate : atLocalTime(addDays(today, 1), minutesOfDay, timeZone);
}

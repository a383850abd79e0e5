/**
 * Local wall-clock arithmetic in a home's IANA time zone, with Intl only. Tibber's days run from local
 * midnight to local midnight of the home's `timeZone`, whatever zone the Node-RED host runs in, and DST
 * days are 23 or 25 hours long: so days are found by their local date, never by adding 24 hours.
 */
import { localParts, resolveWallTime, zoneOffsetMs } from "../../../shared/time/zone";

export { isValidTimeZone, localParts, type LocalParts } from "../../../shared/time/zone";

/** The zone's UTC offset at instant `ms`, in minutes (Oslo in winter: 60). */
export function offsetMinutes(ms: number, timeZone: string): number {
  return Math.round(zoneOffsetMs(ms, timeZone) / 60_000);
}

/** The local calendar date of instant `ms`, as "YYYY-MM-DD". */
export function localDateKey(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** The date `days` after `dateKey` ("2025-10-26" + 1 = "2025-10-27"). */
export function addDays(dateKey: string, days: number): string {
  const [y, m, d] = dateKey.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/**
 * The instant at which the local wall clock of `dateKey` reads `minutesOfDay` (0 = midnight, 780 =
 * 13:00). Meant for wall times that exist once: Tibber's zones change clocks at 02:00 or 03:00.
 */
export function atLocalTime(dateKey: string, minutesOfDay: number, timeZone: string): number {
  const [y, m, d] = dateKey.split("-").map(Number);
  // Tibber's days have always been found with the "two-pass" rule on offsets in whole minutes (as
  // `startsAt` writes them); the rounding only matters for the seconds-offsets of zones before 1972.
  const wholeMinuteOffset = (t: number): number => offsetMinutes(t, timeZone) * 60_000;
  return resolveWallTime(Date.UTC(y, m - 1, d, 0, minutesOfDay), wholeMinuteOffset, "two-pass");
}

/** Local midnight that starts `dateKey`. */
export function startOfLocalDay(dateKey: string, timeZone: string): number {
  return atLocalTime(dateKey, 0, timeZone);
}

/** Minutes since local midnight at instant `ms` (wall-clock, so 13:00 is 780 on any day). */
export function localMinutesOfDay(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return p.hour * 60 + p.minute;
}

/** ISO-8601 with milliseconds and the zone's offset, as Tibber writes `startsAt`. */
export function formatLocalIso(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  const off = offsetMinutes(ms, timeZone);
  const sign = off < 0 ? "-" : "+";
  const abs = Math.abs(off);
  const millis = String(((ms % 1000) + 1000) % 1000).padStart(3, "0");
  return (
    `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}.${millis}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

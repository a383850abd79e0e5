/**
 * Local wall-clock helpers for announcement rules. Quiet hours and "today" are what the person at home
 * reads on the kitchen clock, so they use the runtime's local time zone (TZ), DST included.
 */

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
export function minuteOfDay(at: number): number {
  const d = new Date(at);
  return d.getHours() * 60 + d.getMinutes();
}

/** The local calendar day of an instant, "YYYY-MM-DD": the key the daily cap counts under. */
export function localDay(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
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
export function nextLocalTime(at: number, minutes: number): number {
  const d = new Date(at);
  const candidate = new Date(d.getFullYear(), d.getMonth(), d.getDate(), Math.floor(minutes / 60), minutes % 60);
  if (candidate.getTime() > at) return candidate.getTime();
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, Math.floor(minutes / 60), minutes % 60).getTime();
}

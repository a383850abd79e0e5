/**
 * Flume speaks two kinds of time: ISO UTC for events (`last_seen`, `created_datetime`) and
 * "YYYY-MM-DD HH:mm:ss" without an offset for flow and usage, meaning wall-clock time at the
 * device's location. These helpers convert between the two for an IANA time zone.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True when `tz` is a time zone this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function localParts(ms: number, tz: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== "literal") out[p.type] = Number(p.value);
  return {
    year: out.year,
    month: out.month,
    day: out.day,
    hour: out.hour === 24 ? 0 : out.hour,
    minute: out.minute,
    second: out.second,
  };
}

/** Offset of `tz` from UTC at instant `ms`, in ms (e.g. -7 h for Los Angeles in summer). */
export function tzOffsetMs(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

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
  const m = LOCAL_PATTERN.exec(text.trim());
  if (!m) return Number.NaN;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
  // Two passes settle the offset on the right side of a daylight-saving change.
  let guess = asUtc - tzOffsetMs(asUtc, tz);
  guess = asUtc - tzOffsetMs(guess, tz);
  return guess;
}

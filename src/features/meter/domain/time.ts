/** Parsing of instants and durations as users write them (§2.2, §2.3). */
import { phrase, ValidationError, type Phrase } from "../../../shared/errors";
import { isMisplacedTime, parseInstant, type InstantError } from "../../../shared/time/instant";

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * A reading time: `t` when it is an instant; otherwise `error` when it is a time that cannot be placed
 * (no offset, out of range: the meter fails, naming it), and no error for values that are no time at all
 * (null, "not a date": the reading is dropped and counted, R1). The rules are the shared parser's.
 */
export type TimeParse = { ok: true; t: number } | { ok: false; error?: InstantError };

/** Parses one reading time with the package's instant parser; `name` starts its message. */
export function parseTime(x: unknown, name?: string): TimeParse {
  try {
    return { ok: true, t: parseInstant(x, name === undefined ? {} : { name }) };
  } catch (err) {
    return isMisplacedTime(err) ? { ok: false, error: err as InstantError } : { ok: false };
  }
}

/** A configuration or message time (`what` names it); throws a ValidationError when it is none. */
export function requireTime(x: unknown, what: string | Phrase, options: { numericStrings?: boolean } = {}): number {
  return parseInstant(x, { ...options, name: what });
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: SECOND_MS,
  m: MINUTE_MS,
  min: MINUTE_MS,
  h: HOUR_MS,
  d: DAY_MS,
  w: 7 * DAY_MS,
};

/** Parses "7d", "36h", "1d12h", "90m" or a number of ms. Throws on anything else. */
export function parseDuration(x: unknown, what: string): number {
  if (typeof x === "number" && Number.isFinite(x) && x >= 0) return x;
  if (typeof x === "string") {
    const s = x.trim();
    if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
    const part = /(\d+(?:\.\d+)?)\s*(ms|min|s|m|h|d|w)/gy;
    let total = 0;
    let consumed = 0;
    let m: RegExpExecArray | null;
    while ((m = part.exec(s)) !== null) {
      total += Number(m[1]) * DURATION_UNITS[m[2]];
      consumed = part.lastIndex;
    }
    if (consumed > 0 && consumed === s.length) return total;
  }
  throw new ValidationError(
    phrase(
      "meter-interpolate:errors.duration",
      '__what__ __value__ is not a duration (write e.g. "7d", "36h" or "90m")',
      {
        what,
        value: String(JSON.stringify(x)),
      },
    ),
  );
}

const ZERO = 48;

/**
 * ISO-8601 in UTC without the ".000" of whole seconds, as the spec's examples show. Written digit by
 * digit (civil-from-days arithmetic) because Date#toISOString plus slicing costs about 2 µs, which adds up
 * over 35,000 hourly boundaries, and fromCharCode gives a flat string rather than a concatenation tree.
 */
export function isoString(t: number): string {
  const days = Math.floor(t / DAY_MS);
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999 || !Number.isFinite(t)) {
    const s = new Date(t).toISOString();
    return s.endsWith(".000Z") ? s.slice(0, -5) + "Z" : s;
  }
  let rest = t - days * DAY_MS;
  const hh = Math.floor(rest / HOUR_MS);
  rest -= hh * HOUR_MS;
  const mi = Math.floor(rest / MINUTE_MS);
  rest -= mi * MINUTE_MS;
  const ss = Math.floor(rest / SECOND_MS);
  const ms = Math.floor(rest - ss * SECOND_MS);
  const f = String.fromCharCode;
  const date = f(
    ZERO + Math.floor(y / 1000),
    ZERO + (Math.floor(y / 100) % 10),
    ZERO + (Math.floor(y / 10) % 10),
    ZERO + (y % 10),
    45,
    ZERO + Math.floor(m / 10),
    ZERO + (m % 10),
    45,
    ZERO + Math.floor(d / 10),
    ZERO + (d % 10),
    84,
    ZERO + Math.floor(hh / 10),
    ZERO + (hh % 10),
    58,
    ZERO + Math.floor(mi / 10),
    ZERO + (mi % 10),
    58,
    ZERO + Math.floor(ss / 10),
    ZERO + (ss % 10),
    90,
  );
  if (ms === 0) return date;
  return `${date.slice(0, 19)}.${String(ms).padStart(3, "0")}Z`;
}

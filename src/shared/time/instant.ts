/**
 * The one parser that turns a value from a user or an API into an instant (epoch ms). Every node reads
 * times with it, so the same value lands on the same instant everywhere (README "Times"):
 *  - numbers: |n| ≥ 1e11 are epoch ms, smaller ones epoch seconds (1e11 ms is 1973-03-03, 1e11 s is 5138);
 *  - Dates, also from another realm (a vm context or a function node's sandbox);
 *  - ISO-8601 with `Z` or an offset: that instant;
 *  - ISO-8601 without an offset: the wall time in `timeZone` (compatible rule, see zone.ts), else an error.
 *    Never the host's zone: a flow must store the same instants on every machine;
 *  - anything before 1900 or from 2200 on is an error that says what the value was read as (epoch ms or
 *    seconds, µs, ns), the instant that gives, and the accepted range.
 */
import { phrase, ValidationError, type Phrase } from "../errors";
import { isDate } from "../shape";
import { instantOfWallTime } from "./zone";

export interface InstantOptions {
  /** IANA zone for strings without an offset; without one they are an error. */
  timeZone?: string;
  /** Also read numeric strings ("1709251200") as numbers: only where a node always accepted them. */
  numericStrings?: boolean;
  /** What the value is, to start the message: `msg.timestamp`, or a phrase in the user's language. */
  name?: string | Phrase;
  /** Where the user sets the zone, offered in the message for offset-less strings: `the node's Time zone`. */
  zoneSetting?: string;
}

/** Epoch numbers below this magnitude are seconds. */
export const SECONDS_BELOW = 1e11;
/** The accepted range, [1900-01-01, 2200-01-01) UTC: wider than any meter, narrower than a unit mix-up. */
export const MIN_INSTANT_MS = Date.UTC(1900, 0, 1);
export const MAX_INSTANT_MS = Date.UTC(2200, 0, 1);

// Date, optional time with fraction, optional zone (Z, ±hh:mm, ±hhmm, ±hh).
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const NUMERIC = /^[+-]?\d+(?:\.\d+)?$/;

const inRange = (ms: number): boolean => ms >= MIN_INSTANT_MS && ms < MAX_INSTANT_MS;
/** The largest |epoch ms| a Date holds (ECMA-262 time values: ±100,000,000 days). */
const DATE_LIMIT_MS = 8.64e15;
const DAY_MS = 86_400_000;

/** The instant of `value` under the rules above; throws a ValidationError naming the value. */
export function parseInstant(value: unknown, options: InstantOptions = {}): number {
  if (typeof value === "number") return fromNumber(value, value, options);
  if (typeof value === "bigint") return fromNumber(Number(value), value, options);
  if (isDate(value)) {
    const ms = Date.prototype.getTime.call(value);
    if (Number.isNaN(ms))
      throw fail(
        phrase("shared.instant.notTimeAtAll", "__subject__ is not a time", { subject: subject(options, INVALID_DATE) }),
      );
    return checked(ms, value, options);
  }
  if (typeof value === "string") {
    const text = value.trim();
    if (options.numericStrings && NUMERIC.test(text)) return fromNumber(Number(text), value, options);
    return fromString(text, value, options);
  }
  throw notTime(options, describe(value));
}

/** Like `parseInstant`, but undefined instead of an error: for API fields where a bad time means "none". */
export function tryParseInstant(value: unknown, options: InstantOptions = {}): number | undefined {
  try {
    return parseInstant(value, options);
  } catch {
    return undefined;
  }
}

/** True when `parseInstant` fails for a value that is a time but cannot be placed (no offset, out of range). */
export function isMisplacedTime(err: unknown): boolean {
  return err instanceof InstantError && err.misplaced;
}

/**
 * The parser's ValidationError; `misplaced` tells a wrong time from a value that is no time at all. Its
 * texts are `shared.instant.*`: every node reads times with this parser. `said` is its text as a phrase,
 * for a caller that puts it inside its own (a meter's reading).
 */
export class InstantError extends ValidationError {
  readonly misplaced: boolean;
  readonly said: Phrase;
  constructor(message: Phrase, misplaced: boolean) {
    super(message);
    this.misplaced = misplaced;
    this.said = message;
  }
}

const INVALID_DATE = phrase("shared.instant.invalidDate", "an invalid Date");

function notTime(options: InstantOptions, shown: string | Phrase): InstantError {
  return fail(
    phrase(
      "shared.instant.notTime",
      '__subject__ is not a time: use epoch ms or seconds, a Date, or ISO-8601 with "Z" or an offset, e.g. "2026-03-08T02:30:00Z"',
      { subject: subject(options, shown) },
    ),
  );
}

function fromNumber(n: number, original: unknown, options: InstantOptions): number {
  if (!Number.isFinite(n)) throw notTime(options, String(n));
  const ms = Math.round(Math.abs(n) >= SECONDS_BELOW ? n : n * 1000);
  if (inRange(ms)) return ms;
  throw new InstantError(outOfRange(n, subject(options, describe(original))), true);
}

/**
 * Why a number is out of range: what it was read as, the instant that gives and the accepted range, so a
 * year-1 time reads as year 1 and not as a unit mix-up. Only values past 2199 can be a finer unit (µs, ns).
 */
function outOfRange(n: number, subject: string | Phrase): Phrase {
  if (n >= MAX_INSTANT_MS && inRange(n / 1e3))
    return phrase(
      "shared.instant.microseconds",
      "__subject__ looks like microseconds (as µs it is __at__; as epoch ms it would be after 2199): send epoch ms or seconds",
      { subject, at: shownInstant(n / 1e3) },
    );
  if (n >= MAX_INSTANT_MS && inRange(n / 1e6))
    return phrase(
      "shared.instant.nanoseconds",
      "__subject__ looks like nanoseconds (as ns it is __at__; as epoch ms it would be after 2199): send epoch ms or seconds",
      { subject, at: shownInstant(n / 1e6) },
    );
  if (Math.abs(n) < SECONDS_BELOW)
    return phrase(
      "shared.instant.secondsOutside",
      "__subject__ read as epoch seconds (numbers below 1e11 are seconds) is __at__, outside 1900–2199: accepted are times from 1900-01-01T00:00:00Z to 2199-12-31T23:59:59Z",
      { subject, at: shownInstant(n * 1000) },
    );
  return phrase(
    "shared.instant.msOutside",
    "__subject__ read as epoch ms is __at__, outside 1900–2199: accepted are times from 1900-01-01T00:00:00Z to 2199-12-31T23:59:59Z",
    { subject, at: shownInstant(n) },
  );
}

/** An instant as ISO-8601, or which side of every calendar date it lies when no Date can hold it. */
function shownInstant(ms: number): string | Phrase {
  if (Math.abs(ms) <= DATE_LIMIT_MS) return new Date(ms).toISOString();
  return ms > 0
    ? phrase("shared.instant.later", "later than any calendar date")
    : phrase("shared.instant.earlier", "earlier than any calendar date");
}

/** Epoch ms of a UTC wall time; unlike `Date.UTC`, years 0–99 stay years 0–99 (not 1900–1999). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
}

function fromString(text: string, original: string, options: InstantOptions): number {
  const m = ISO.exec(text);
  const shown = describe(original);
  if (!m) throw notTime(options, shown);
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((x) => (x === undefined ? undefined : Number(x)));
  const wall = utc(y!, mo! - 1, d!, h, mi, s, m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0);
  // Date.UTC rolls 2024-02-30 over to March: a field that does not read back is not a date.
  const back = new Date(wall);
  if (back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    throw notTime(options, shown);
  const zone = m[8];
  let ms: number;
  if (zone !== undefined) {
    ms = wall - offsetOf(zone);
  } else if (options.timeZone !== undefined) {
    // A wall time a day or more outside the range is outside in every zone; the zone rules stop at the range.
    if (wall < MIN_INSTANT_MS - DAY_MS || wall >= MAX_INSTANT_MS + DAY_MS)
      throw new InstantError(
        phrase(
          "shared.instant.localOutside",
          "__subject__ is the local time __at__ in __zone__, outside 1900–2199: accepted are times from 1900-01-01T00:00:00Z to 2199-12-31T23:59:59Z",
          { subject: subject(options, shown), at: localShown(wall), zone: options.timeZone },
        ),
        true,
      );
    ms = instantOfWallTime(wall, options.timeZone);
  } else {
    const vars = { subject: subject(options, shown) };
    throw new InstantError(
      options.zoneSetting
        ? phrase(
            "shared.instant.noOffsetOrZone",
            '__subject__ has no offset: add "Z" for UTC or an offset such as "+01:00", or set __setting__',
            { ...vars, setting: options.zoneSetting },
          )
        : phrase(
            "shared.instant.noOffset",
            '__subject__ has no offset: add "Z" for UTC or an offset such as "+01:00"',
            vars,
          ),
      true,
    );
  }
  if (!inRange(ms))
    throw new InstantError(
      phrase(
        "shared.instant.outside",
        "__subject__ is __at__, outside 1900–2199: accepted are times from 1900-01-01T00:00:00Z to 2199-12-31T23:59:59Z",
        { subject: subject(options, shown), at: shownInstant(ms) },
      ),
      true,
    );
  return ms;
}

/** ms of "Z", "+01:00", "-0530" or "+02". */
function offsetOf(zone: string): number {
  if (zone === "Z" || zone === "z") return 0;
  const digits = zone.slice(1).replace(":", "");
  const minutes = Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2)) : 0);
  return (zone[0] === "-" ? -1 : 1) * minutes * 60_000;
}

function checked(ms: number, original: unknown, options: InstantOptions): number {
  if (inRange(ms)) return ms;
  throw new InstantError(
    phrase(
      "shared.instant.dateOutside",
      "__subject__ is outside 1900–2199: accepted are times from 1900-01-01T00:00:00Z to 2199-12-31T23:59:59Z",
      { subject: subject(options, describe(original)) },
    ),
    true,
  );
}

/** A wall time as ISO-8601 without the zone letter ("2300-01-01T00:00:00"), or its side of the calendar. */
function localShown(wall: number): string | Phrase {
  const shown = shownInstant(wall);
  return typeof shown === "string" ? shown.slice(0, -5) : shown;
}

/** A value that is no time at all (not misplaced). */
const fail = (message: Phrase): InstantError => new InstantError(message, false);

/** The value as the message shows it, after its name when the caller gave one. */
function subject(options: InstantOptions, shown: string | Phrase): string | Phrase {
  const name = options.name;
  return name ? phrase("shared.instant.subject", "__name__ __value__", { name, value: shown }) : shown;
}

function describe(value: unknown): string | Phrase {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (isDate(value))
    return phrase("shared.instant.aDate", "the Date __at__", {
      at: new Date(Date.prototype.getTime.call(value)).toISOString(),
    });
  if (Array.isArray(value)) return phrase("shared.instant.anArray", "an array");
  return typeof value === "object"
    ? phrase("shared.instant.anObject", "an object")
    : phrase("shared.instant.aType", "a __type__", { type: typeof value });
}

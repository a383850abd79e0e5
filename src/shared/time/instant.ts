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
import { ValidationError } from "../errors";
import { isDate } from "../shape";
import { instantOfWallTime } from "./zone";

export interface InstantOptions {
  /** IANA zone for strings without an offset; without one they are an error. */
  timeZone?: string;
  /** Also read numeric strings ("1709251200") as numbers: only where a node always accepted them. */
  numericStrings?: boolean;
  /** What the value is, to start the message: `msg.timestamp`. */
  name?: string;
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
const ACCEPTED_RANGE = "accepted are times from 1900-01-01T00:00:00Z to 2199-12-31T23:59:59Z";
/** The largest |epoch ms| a Date holds (ECMA-262 time values: ±100,000,000 days). */
const DATE_LIMIT_MS = 8.64e15;
const DAY_MS = 86_400_000;

/** The instant of `value` under the rules above; throws a ValidationError naming the value. */
export function parseInstant(value: unknown, options: InstantOptions = {}): number {
  if (typeof value === "number") return fromNumber(value, value, options);
  if (typeof value === "bigint") return fromNumber(Number(value), value, options);
  if (isDate(value)) {
    const ms = Date.prototype.getTime.call(value);
    if (Number.isNaN(ms)) throw fail(options, "an invalid Date", "is not a time");
    return checked(ms, value, options);
  }
  if (typeof value === "string") {
    const text = value.trim();
    if (options.numericStrings && NUMERIC.test(text)) return fromNumber(Number(text), value, options);
    return fromString(text, value, options);
  }
  throw fail(options, describe(value), `is not a time: ${ACCEPTED}`);
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

/** The parser's ValidationError; `misplaced` tells a wrong time from a value that is no time at all. */
export class InstantError extends ValidationError {
  readonly misplaced: boolean;
  constructor(message: string, misplaced: boolean) {
    super(message);
    this.misplaced = misplaced;
  }
}

const ACCEPTED = 'use epoch ms or seconds, a Date, or ISO-8601 with "Z" or an offset, e.g. "2026-03-08T02:30:00Z"';

function fromNumber(n: number, original: unknown, options: InstantOptions): number {
  if (!Number.isFinite(n)) throw fail(options, String(n), `is not a time: ${ACCEPTED}`);
  const ms = Math.round(Math.abs(n) >= SECONDS_BELOW ? n : n * 1000);
  if (inRange(ms)) return ms;
  throw new InstantError(`${prefix(options)}${describe(original)} ${outOfRange(n)}`, true);
}

/**
 * Why a number is out of range: what it was read as, the instant that gives and the accepted range, so a
 * year-1 time reads as year 1 and not as a unit mix-up. Only values past 2199 can be a finer unit (µs, ns).
 */
function outOfRange(n: number): string {
  if (n >= MAX_INSTANT_MS && inRange(n / 1e3))
    return `looks like microseconds (as µs it is ${shownInstant(n / 1e3)}; as epoch ms it would be after 2199): send epoch ms or seconds`;
  if (n >= MAX_INSTANT_MS && inRange(n / 1e6))
    return `looks like nanoseconds (as ns it is ${shownInstant(n / 1e6)}; as epoch ms it would be after 2199): send epoch ms or seconds`;
  const seconds = Math.abs(n) < SECONDS_BELOW;
  const as = seconds ? "epoch seconds (numbers below 1e11 are seconds)" : "epoch ms";
  return `read as ${as} is ${shownInstant(seconds ? n * 1000 : n)}, outside 1900–2199: ${ACCEPTED_RANGE}`;
}

/** An instant as ISO-8601, or which side of every calendar date it lies when no Date can hold it. */
function shownInstant(ms: number): string {
  if (Math.abs(ms) <= DATE_LIMIT_MS) return new Date(ms).toISOString();
  return ms > 0 ? "later than any calendar date" : "earlier than any calendar date";
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
  if (!m) throw fail(options, shown, `is not a time: ${ACCEPTED}`);
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((x) => (x === undefined ? undefined : Number(x)));
  const wall = utc(y!, mo! - 1, d!, h, mi, s, m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0);
  // Date.UTC rolls 2024-02-30 over to March: a field that does not read back is not a date.
  const back = new Date(wall);
  if (back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    throw fail(options, shown, `is not a time: ${ACCEPTED}`);
  const zone = m[8];
  let ms: number;
  if (zone !== undefined) {
    ms = wall - offsetOf(zone);
  } else if (options.timeZone !== undefined) {
    // A wall time a day or more outside the range is outside in every zone; the zone rules stop at the range.
    if (wall < MIN_INSTANT_MS - DAY_MS || wall >= MAX_INSTANT_MS + DAY_MS)
      throw new InstantError(
        `${prefix(options)}${shown} is the local time ${shownInstant(wall).slice(0, -5)} in ${options.timeZone}, outside 1900–2199: ${ACCEPTED_RANGE}`,
        true,
      );
    ms = instantOfWallTime(wall, options.timeZone);
  } else {
    const or = options.zoneSetting ? `, or set ${options.zoneSetting}` : "";
    throw new InstantError(
      `${prefix(options)}${shown} has no offset: add "Z" for UTC or an offset such as "+01:00"${or}`,
      true,
    );
  }
  if (!inRange(ms))
    throw new InstantError(
      `${prefix(options)}${shown} is ${shownInstant(ms)}, outside 1900–2199: ${ACCEPTED_RANGE}`,
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
  throw new InstantError(`${prefix(options)}${describe(original)} is outside 1900–2199: ${ACCEPTED_RANGE}`, true);
}

function fail(options: InstantOptions, shown: string, problem: string): InstantError {
  return new InstantError(`${prefix(options)}${shown} ${problem}`, false);
}

const prefix = (options: InstantOptions): string => (options.name ? `${options.name} ` : "");

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (isDate(value)) return `the Date ${new Date(Date.prototype.getTime.call(value)).toISOString()}`;
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

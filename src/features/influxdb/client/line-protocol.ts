import { phrase, ValidationError, type Phrase } from "../../../shared/errors";

/**
 * InfluxDB line protocol for one point, built by hand rather than with the client's `Point` class: the
 * spool stores lines, so we need the text anyway, and doing it here lets us reject a bad value with a
 * message that names the field instead of silently writing a broken line.
 */

export type FieldValue = number | string | boolean | bigint;

export interface InfluxPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Milliseconds since the epoch; every spooled point has one so a replay lands at the original time. */
  timestamp: number;
}

/**
 * What one point may hold (the help lists these): a measurement, tag key, tag value or field key of at
 * most 1,024 characters, a string field of at most 64 Ki characters (InfluxDB's own documented limit
 * for strings). A fuzz run sent 4 MB measurements; each would have been spooled, remembered in the
 * escape memo and sent once per point.
 */
export const MAX_NAME_LENGTH = 1024;
export const MAX_STRING_FIELD_LENGTH = 64 * 1024;

/**
 * A point InfluxDB would refuse, and why. Its phrase is made only when a point is refused; `kinds` are
 * the words its vars name a value with (`an array`), said in the node's language with the reason.
 */
export class PointRefused extends ValidationError {
  constructor(
    message: Phrase,
    readonly kinds?: Record<string, Phrase>,
  ) {
    super(message);
  }
}

type TooLong = "name" | "measurement" | "field";

function tooLong(what: TooLong, s: string, max: number, key = ""): PointRefused {
  const vars = { text: JSON.stringify(`${s.slice(0, 20)}…`), length: s.length, max, key };
  if (what === "name")
    return new PointRefused(
      phrase(
        "meter-influxdb-write:points.nameTooLong",
        "the name or tag __text__ is __length__ characters long, more than the __max__ a point may have",
        vars,
      ),
    );
  if (what === "measurement")
    return new PointRefused(
      phrase(
        "meter-influxdb-write:points.measurementTooLong",
        "its measurement __text__ is __length__ characters long, more than the __max__ a point may have",
        vars,
      ),
    );
  return new PointRefused(
    phrase(
      "meter-influxdb-write:points.fieldTooLong",
      'field "__key__" __text__ is __length__ characters long, more than the __max__ a point may have',
      vars,
    ),
  );
}

const MEASUREMENT_SPECIAL = /[, ]/g;
const KEY_SPECIAL = /[,= ]/g;
const LINE_BREAK = /[\r\n]/;

/**
 * Names and tag values repeat from point to point, so their escaped forms are remembered: escaping
 * was most of the cost of a point. The memo is bounded; it starts over when full.
 */
const MEMO_LIMIT = 10_000;
const measurementMemo = new Map<string, string>();
const keyMemo = new Map<string, string>();

function memoised(memo: Map<string, string>, special: RegExp, s: string): string {
  if (s.length > MAX_NAME_LENGTH) throw tooLong("name", s, MAX_NAME_LENGTH);
  let escaped = memo.get(s);
  if (escaped === undefined) {
    if (LINE_BREAK.test(s))
      throw new PointRefused(
        phrase("meter-influxdb-write:points.nameLineBreak", "the name or tag __text__ contains a line break", {
          text: JSON.stringify(s),
        }),
      );
    // A trailing backslash would escape the comma, equals sign or space after it: InfluxDB refuses the line.
    if (s.endsWith("\\"))
      throw new PointRefused(
        phrase(
          "meter-influxdb-write:points.nameBackslash",
          "the name or tag __text__ ends in a backslash, which InfluxDB cannot read",
          { text: JSON.stringify(s) },
        ),
      );
    // Backslashes are literal in names and tags (InfluxDB only unescapes the special characters).
    escaped = s.replace(special, "\\$&");
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(s, escaped);
  }
  return escaped;
}
const escapeString = (s: string): string => s.replace(/[\\"]/g, "\\$&");

/** `"5i"`: node-red-contrib-influxdb's way of asking for an integer field, kept for flows moving over. */
const INTEGER_STRING = /^-?\d+i$/;

/**
 * One line of line protocol with a millisecond timestamp. JavaScript numbers become floats (so 2 and 2.5
 * in the same field never conflict), fields named in `integerFields` become integers.
 */
export function toLine(point: InfluxPoint, integerFields: ReadonlySet<string> = new Set()): string {
  return lineOf(point.measurement, point.tags, point.fields, point.timestamp, integerFields);
}

/**
 * `toLine` on a message's own objects, whose values the caller has checked to be field values (fields)
 * or strings, numbers and booleans (tags); `null`/`undefined` values and a field named `time` are
 * skipped. Building straight from them spares a copy of every point, which was a good part of the cost
 * of a large message.
 */
export function lineOf(
  measurement: string,
  tags: Readonly<Record<string, string | number | boolean | null | undefined>> | undefined,
  fields: Readonly<Record<string, FieldValue | null | undefined>>,
  timestamp: number,
  integerFields: ReadonlySet<string>,
  skipTimeField = false,
): string {
  if (!measurement)
    throw new PointRefused(
      phrase(
        "meter-influxdb-write:points.noMeasurement",
        "it has no measurement: set msg.measurement or the node's one",
      ),
    );
  if (measurement.length > MAX_NAME_LENGTH) throw tooLong("measurement", measurement, MAX_NAME_LENGTH);
  // InfluxDB reads a line starting with # as a comment: it would answer 204 and store nothing.
  if (measurement.startsWith("#"))
    throw new PointRefused(
      phrase(
        "meter-influxdb-write:points.measurementComment",
        "its measurement __text__ starts with #, which InfluxDB ignores as a comment",
        { text: JSON.stringify(measurement) },
      ),
    );
  let line = memoised(measurementMemo, MEASUREMENT_SPECIAL, measurement);
  if (tags) {
    const tagKeys = Object.keys(tags);
    if (tagKeys.length > 1) tagKeys.sort();
    for (const key of tagKeys) {
      const raw = tags[key];
      if (raw === null || raw === undefined) continue;
      if (typeof raw === "number" && !Number.isFinite(raw))
        throw new PointRefused(
          phrase(
            "meter-influxdb-write:points.tagNotFinite",
            'tag "__key__" is __value__, which is not a value InfluxDB can store',
            { key, value: String(raw) },
          ),
        );
      const value = typeof raw === "string" ? raw : String(raw);
      // InfluxDB refuses the whole line for an empty tag value ("missing tag value"); leave the tag out.
      if (value === "")
        throw new PointRefused(
          phrase(
            "meter-influxdb-write:points.tagEmpty",
            'tag "__key__" is empty, which InfluxDB refuses; leave the tag out or give it a value',
            { key },
          ),
        );
      if (key === "")
        throw new PointRefused(phrase("meter-influxdb-write:points.tagNoName", "a tag has an empty name"));
      line += `,${memoised(keyMemo, KEY_SPECIAL, key)}=${memoised(keyMemo, KEY_SPECIAL, value)}`;
    }
  }
  let body = "";
  for (const key in fields) {
    const value = fields[key];
    if (value === null || value === undefined || (skipTimeField && key === "time")) continue;
    if (key === "")
      throw new PointRefused(phrase("meter-influxdb-write:points.fieldNoName", "a field has an empty name"));
    const name = memoised(keyMemo, KEY_SPECIAL, key);
    body += `${body ? "," : ""}${name}=${fieldValue(key, value, integerFields.has(key))}`;
  }
  if (!body) throw new PointRefused(phrase("meter-influxdb-write:points.noFields", "it has no fields to write"));
  if (!Number.isFinite(timestamp))
    throw new PointRefused(phrase("meter-influxdb-write:points.badTime", "its timestamp is not a valid time"));
  return `${line} ${body} ${Math.trunc(timestamp)}`;
}

function fieldValue(key: string, value: FieldValue, asInteger: boolean): string {
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value))
        throw new PointRefused(
          phrase(
            "meter-influxdb-write:points.fieldNotFinite",
            'field "__key__" is __value__, which InfluxDB cannot store',
            {
              key,
              value: String(value),
            },
          ),
        );
      if (asInteger) {
        if (!Number.isSafeInteger(value))
          throw new PointRefused(
            phrase(
              "meter-influxdb-write:points.notInteger",
              'field "__key__" is listed as an integer field but holds __value__',
              { key, value: String(value) },
            ),
          );
        return `${value}i`;
      }
      return String(value);
    case "bigint":
      return `${value}i`;
    case "boolean":
      return value ? "true" : "false";
    case "string":
      if (value.length > MAX_STRING_FIELD_LENGTH) throw tooLong("field", value, MAX_STRING_FIELD_LENGTH, key);
      if (INTEGER_STRING.test(value)) return value;
      if (asInteger && /^-?\d+$/.test(value)) return `${value}i`;
      if (LINE_BREAK.test(value))
        throw new PointRefused(
          phrase("meter-influxdb-write:points.fieldLineBreak", 'field "__key__" contains a line break', { key }),
        );
      return `"${escapeString(value)}"`;
  }
}

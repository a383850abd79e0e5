import { ValidationError } from "../../core/errors";

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

const MEASUREMENT_SPECIAL = /[, ]/g;
const KEY_SPECIAL = /[,= ]/g;
const LINE_BREAK = /[\r\n]/;

// Backslashes are literal in names and tags (InfluxDB only unescapes the special characters).
const escapeMeasurement = (s: string): string => s.replace(MEASUREMENT_SPECIAL, "\\$&");
const escapeKey = (s: string): string => s.replace(KEY_SPECIAL, "\\$&");
const escapeString = (s: string): string => s.replace(/[\\"]/g, "\\$&");

/** `"5i"`: node-red-contrib-influxdb's way of asking for an integer field, kept for flows moving over. */
const INTEGER_STRING = /^-?\d+i$/;

/**
 * One line of line protocol with a millisecond timestamp. JavaScript numbers become floats (so 2 and 2.5
 * in the same field never conflict), fields named in `integerFields` become integers.
 */
export function toLine(point: InfluxPoint, integerFields: ReadonlySet<string> = new Set()): string {
  if (!point.measurement) throw new ValidationError("it has no measurement: set msg.measurement or the node's one");
  if (LINE_BREAK.test(point.measurement)) throw new ValidationError("its measurement contains a line break");
  let line = escapeMeasurement(point.measurement);
  for (const key of Object.keys(point.tags).sort()) {
    const value = point.tags[key];
    if (value === "") continue; // InfluxDB refuses empty tag values; an empty tag is the same as none
    if (LINE_BREAK.test(key) || LINE_BREAK.test(value)) throw new ValidationError(`tag "${key}" contains a line break`);
    line += `,${escapeKey(key)}=${escapeKey(value)}`;
  }
  const fields: string[] = [];
  for (const [key, value] of Object.entries(point.fields)) {
    if (LINE_BREAK.test(key)) throw new ValidationError(`field name "${key}" contains a line break`);
    fields.push(`${escapeKey(key)}=${fieldValue(key, value, integerFields.has(key))}`);
  }
  if (fields.length === 0) throw new ValidationError("it has no fields to write");
  if (!Number.isFinite(point.timestamp)) throw new ValidationError("its timestamp is not a valid time");
  return `${line} ${fields.join(",")} ${Math.trunc(point.timestamp)}`;
}

function fieldValue(key: string, value: FieldValue, asInteger: boolean): string {
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) throw new ValidationError(`field "${key}" is ${value}, which InfluxDB cannot store`);
      if (asInteger) {
        if (!Number.isSafeInteger(value))
          throw new ValidationError(`field "${key}" is listed as an integer field but holds ${value}`);
        return `${value}i`;
      }
      return String(value);
    case "bigint":
      return `${value}i`;
    case "boolean":
      return value ? "true" : "false";
    case "string":
      if (INTEGER_STRING.test(value)) return value;
      if (asInteger && /^-?\d+$/.test(value)) return `${value}i`;
      if (LINE_BREAK.test(value)) throw new ValidationError(`field "${key}" contains a line break`);
      return `"${escapeString(value)}"`;
  }
}

import { isPlainObject } from "./shape";

/**
 * The reading contract between every reader and `meter-influxdb-write` (DESIGN.md, "The reading
 * contract"). A message is either one reading or a batch of points; the writer stores one point per
 * reading. Identity (device, home, meter, unit, currency) lives in tags and the time in the timestamp,
 * never in fields, so series stay small and Grafana can group and filter by tag.
 */

/** Who or what was measured, and in which unit: string values only (InfluxDB tags are texts). */
export type Tags = Readonly<Record<string, string>>;

/** What was measured: numbers and booleans only. */
export type Fields = Readonly<Record<string, number | boolean>>;

/** One InfluxDB point; the element of a batch. */
export interface Point {
  measurement: string;
  tags: Tags;
  fields: Fields;
  /** Epoch milliseconds. */
  timestamp: number;
}

/**
 * One reading: the point spread over the message, so a debug node shows the values as the payload.
 * (Message shapes are type aliases, not interfaces, so they fit Node-RED's indexable message type.)
 */
export type Reading = {
  payload: Fields;
  measurement: string;
  tags: Tags;
  /** Epoch milliseconds. */
  timestamp: number;
  /** The series, e.g. `flume_flow/<device>`: what a chart or a `meter-interpolate` in live mode keys on. */
  topic: string;
};

/** Several points in one message; the writer stores each element as one point. */
export type Batch = {
  payload: Point[];
  topic: string;
};

/** Tags without the empty ones: InfluxDB refuses an empty tag value, and an absent one means the same. */
export function tags(values: Readonly<Record<string, string | null | undefined>>): Tags {
  const out: Record<string, string> = {};
  for (const key of Object.keys(values)) {
    const v = values[key];
    if (typeof v === "string" && v !== "") out[key] = v;
  }
  return out;
}

/** Fields without the missing values (null, undefined, NaN): a reading that was not taken is not a zero. */
export function fields(values: Readonly<Record<string, number | boolean | null | undefined>>): Fields {
  const out: Record<string, number | boolean> = {};
  for (const key of Object.keys(values)) {
    const v = values[key];
    if (typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v))) out[key] = v;
  }
  return out;
}

/**
 * One point. `tags` and `fields` are taken as they are (build them once per series with `tags()`), so
 * a reader that makes thousands of points shares one tags object among them.
 */
export function point(measurement: string, pointTags: Tags, pointFields: Fields, timestamp: number): Point {
  return { measurement, tags: pointTags, fields: pointFields, timestamp };
}

/** The series name of a point: its measurement and the values of the tags that identify it. */
export function seriesName(measurement: string, ...identity: (string | undefined)[]): string {
  return [measurement, ...identity.filter((s): s is string => typeof s === "string" && s !== "")].join("/");
}

/** A point as one reading message. */
export function reading(p: Point, topic: string): Reading {
  return { payload: p.fields, measurement: p.measurement, tags: p.tags, timestamp: p.timestamp, topic };
}

/** Points as one batch message. */
export function batch(points: Point[], topic: string): Batch {
  return { payload: points, topic };
}

/**
 * Whether a value is meant as a batch element: an object with a `fields` property. Its parts are
 * checked when it is written, so a bad point is refused by its position rather than taken for
 * something else.
 */
export function isPointLike(
  value: unknown,
): value is { measurement?: unknown; tags?: unknown; fields: unknown; timestamp?: unknown } {
  return isPlainObject(value) && "fields" in value;
}

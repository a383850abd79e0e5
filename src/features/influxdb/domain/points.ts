import { parseInstant } from "../../../shared/time/instant";
import { lineOf, PointRefused, type FieldValue } from "../client/line-protocol";
import { english, phrase, phraseOf, ValidationError, type Phrase } from "../../../shared/errors";
import { isPointLike } from "../../../shared/reading";
import { isDate, isPlainObject } from "../../../shared/shape";

/**
 * Turns a message into line-protocol lines. Three shapes are accepted:
 *  (a) a reading (src/shared/reading.ts): `msg.payload` an object of fields, plus `msg.measurement`,
 *      `msg.tags`, `msg.timestamp`;
 *  (b) node-red-contrib-influxdb's "influxdb out": a fields object, `[fields, tags]`, an array of those,
 *      or a bare value (written as the field `value`), with `msg.measurement`;
 *  (c) a batch, also its "influxdb batch": `[{ measurement, tags, fields, timestamp }, ...]`, one point each.
 * A field named `time` is the point's timestamp, as in node-red-contrib-influxdb. Any other array is
 * refused as a whole (ValidationError): read as (b) it would become one garbled point.
 * Objects from a function node's sandbox are as plain as our own (src/shared/shape.ts).
 */

export interface PointMessage {
  payload?: unknown;
  measurement?: unknown;
  tags?: unknown;
  timestamp?: unknown;
}

export interface PointDefaults {
  /** Used when neither the message nor the point names a measurement. */
  measurement?: string;
  integerFields?: ReadonlySet<string>;
  /** The time given to points without one, so a later replay still lands at the time they arrived. */
  now?: number;
}

export interface Rejection {
  /** 1-based position of the point in the message. */
  index: number;
  reason: string;
  /** The reason with its catalog key, and the words its vars name values with (made only for a refused point). */
  said?: Phrase;
  kinds?: Record<string, Phrase>;
}

export interface BuiltLines {
  lines: string[];
  rejected: Rejection[];
  /** How many points the message held (accepted + rejected). */
  total: number;
}

type Candidate = { measurement: unknown; tags: unknown; fields: unknown; timestamp: unknown };

const NO_INTEGER_FIELDS: ReadonlySet<string> = new Set();

/**
 * Most points one message may carry: a message is spooled in one write and held in memory until then
 * (readers send one point, meter-interpolate 5,000 per message). Larger ones are refused as a whole.
 */
export const MAX_POINTS_PER_MESSAGE = 500_000;
/**
 * Most line protocol one message may make (32 MiB, about 500,000 points of 60 characters): tags of the
 * message are repeated in every point, so without it a message of modest size could build gigabytes.
 * Building stops at the bound and the message is refused as a whole.
 */
export const MAX_CHARS_PER_MESSAGE = 32 * 1024 * 1024;

export function linesFromMessage(msg: PointMessage, defaults: PointDefaults = {}): BuiltLines {
  const candidates = candidatesOf(msg);
  const now = defaults.now ?? Date.now();
  const integerFields = defaults.integerFields ?? NO_INTEGER_FIELDS;
  const lines: string[] = [];
  const rejected: Rejection[] = [];
  let chars = 0;
  for (let i = 0; i < candidates.length; i++) {
    let line: string;
    try {
      line = toLineChecked(candidates[i], defaults.measurement, now, integerFields);
    } catch (err) {
      rejected.push(rejection(i + 1, err));
      continue;
    }
    chars += line.length + 1;
    if (chars > MAX_CHARS_PER_MESSAGE)
      throw new ValidationError(
        phrase(
          "meter-influxdb-write:errors.tooManyChars",
          "msg.payload makes more than __mib__ MiB of line protocol by point __index__ of __total__, more than one message may; send the points in several messages. Nothing of this message was stored.",
          { mib: MAX_CHARS_PER_MESSAGE / 1024 / 1024, index: i + 1, total: candidates.length },
        ),
      );
    lines.push(line);
  }
  return { lines, rejected, total: candidates.length };
}

function rejection(index: number, err: unknown): Rejection {
  const reason = err instanceof Error ? err.message : String(err);
  const said = phraseOf(err);
  return {
    index,
    reason,
    ...(said ? { said } : {}),
    ...(err instanceof PointRefused && err.kinds ? { kinds: err.kinds } : {}),
  };
}

/** A rejection's reason in the words of `say`: its phrase, with the values it names said first. */
function reasonOf(r: Rejection, say: (p: Phrase) => string): string {
  if (!r.said) return r.reason;
  const kinds = r.kinds ? Object.fromEntries(Object.entries(r.kinds).map(([k, p]) => [k, say(p)])) : {};
  return say({ ...r.said, vars: { ...r.said.vars, ...kinds } });
}

/** `Rejected point 2 of 3: it has no fields to write.` — for done(err), in the words of `say`. */
export function describeRejections(built: BuiltLines, say: (p: Phrase) => string = english): string {
  const { total } = built;
  const shown = built.rejected
    .slice(0, 3)
    .map((r) =>
      say(
        phrase("meter-influxdb-write:rejections.point", "point __index__ of __total__: __reason__", {
          index: r.index,
          total,
          reason: reasonOf(r, say),
        }),
      ),
    )
    .join("; ");
  const more = built.rejected.length - 3;
  const text = say(
    more > 0
      ? phrase("meter-influxdb-write:rejections.more", "Rejected __points__; and __more__ more.", {
          points: shown,
          more,
        })
      : phrase("meter-influxdb-write:rejections.some", "Rejected __points__.", { points: shown }),
  );
  const kept = built.lines.length;
  if (kept === 0) return text;
  const stored = phrase("meter-influxdb-write:rejections.kept", "The other __count__ point(s) were stored.", {
    count: kept,
  });
  return `${text} ${say(stored)}`;
}

function candidatesOf(msg: PointMessage): Candidate[] {
  const { payload } = msg;
  const fromMessage = (fields: unknown, tags: unknown): Candidate => ({
    measurement: msg.measurement,
    tags: mergeTags(msg.tags, tags),
    fields,
    timestamp: msg.timestamp,
  });
  if (Array.isArray(payload)) {
    if (payload.length === 0) return [];
    if (payload.length > MAX_POINTS_PER_MESSAGE)
      throw new ValidationError(
        phrase(
          "meter-influxdb-write:errors.tooManyPoints",
          "msg.payload holds __count__ points, more than the __max__ one message may carry; send them in several messages.",
          { count: payload.length, max: MAX_POINTS_PER_MESSAGE },
        ),
      );
    const points = payload.filter(isPointLike).length;
    if (points === payload.length) {
      return payload.map((p: { measurement?: unknown; tags?: unknown; fields: unknown; timestamp?: unknown }) => ({
        measurement: p.measurement ?? msg.measurement,
        tags: mergeTags(msg.tags, p.tags),
        fields: p.fields,
        timestamp: p.timestamp ?? msg.timestamp,
      }));
    }
    if (points > 0)
      throw new ValidationError(
        phrase(
          "meter-influxdb-write:errors.mixed",
          "msg.payload mixes __points__ point(s) {measurement, tags, fields, timestamp} with __others__ other value(s); send an array of points only.",
          { points, others: payload.length - points },
        ),
      );
    if (Array.isArray(payload[0])) {
      return payload.map((pair) =>
        Array.isArray(pair) ? fromMessage(pair[0], pair[1]) : fromMessage(pair, undefined),
      );
    }
    refuseUnlessFieldsAndTags(payload);
    return [fromMessage(payload[0], payload[1])];
  }
  if (isPlainObject(payload)) return [fromMessage(payload, undefined)];
  return [fromMessage(payload === undefined ? {} : { value: payload }, undefined)];
}

/**
 * Checks a candidate's shapes and types first (so the first problem reported is the same as it always
 * was), then builds its line from the message's own objects, without copying them.
 */
function toLineChecked(
  c: Candidate,
  defaultMeasurement: string | undefined,
  now: number,
  integerFields: ReadonlySet<string>,
): string {
  const measurement = nonEmptyString(c.measurement) ?? defaultMeasurement ?? "";
  if (!isPlainObject(c.fields))
    throw new PointRefused(
      phrase("meter-influxdb-write:points.fieldsNotObject", "its fields are __value__, not an object", {
        value: describe(c.fields),
      }),
      { value: kindOf(c.fields) },
    );
  let fieldTime: unknown;
  let hasTime = false;
  for (const key in c.fields) {
    const value = c.fields[key];
    if (key === "time") {
      fieldTime = value;
      hasTime = true;
      continue;
    }
    if (value === null || value === undefined) continue; // a missing reading, not an error
    const type = typeof value;
    if (type !== "number" && type !== "string" && type !== "boolean" && type !== "bigint")
      throw new PointRefused(
        phrase(
          "meter-influxdb-write:points.fieldType",
          'field "__key__" is __value__; fields must be numbers, strings or booleans',
          { key, value: describe(value) },
        ),
        { value: kindOf(value) },
      );
  }
  let tags: Record<string, unknown> | undefined;
  if (c.tags !== undefined && c.tags !== null) {
    if (!isPlainObject(c.tags))
      throw new PointRefused(
        phrase("meter-influxdb-write:points.tagsNotObject", "its tags are __value__, not an object", {
          value: describe(c.tags),
        }),
        { value: kindOf(c.tags) },
      );
    tags = c.tags;
    for (const key in tags) {
      const value = tags[key];
      if (value === null || value === undefined) continue;
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean")
        throw new PointRefused(
          phrase("meter-influxdb-write:points.tagType", 'tag "__key__" is __value__, not a text', {
            key,
            value: describe(value),
          }),
          { value: kindOf(value) },
        );
    }
  }
  const given = c.timestamp ?? fieldTime;
  const timestamp = given === undefined || given === null ? now : toEpochMs(given);
  // The loops above checked every value's type.
  const checkedTags = tags as Record<string, string | number | boolean | null | undefined> | undefined;
  return lineOf(
    measurement,
    checkedTags,
    c.fields as Record<string, FieldValue | null>,
    timestamp,
    integerFields,
    hasTime,
  );
}

/**
 * A point's time in ms, by the package's one instant parser (README "Times"): epoch ms or seconds
 * (numeric strings too, as node-red-contrib-influxdb takes them), a Date, or ISO-8601 with an offset.
 * Micro- and nanoseconds are refused rather than guessed; throws a message naming the value.
 */
export function toEpochMs(value: unknown): number {
  return parseInstant(value, { numericStrings: true, name: "its timestamp" });
}

function mergeTags(a: unknown, b: unknown): unknown {
  if (b === undefined || b === null) return a;
  if (a === undefined || a === null) return b;
  if (isPlainObject(a) && isPlainObject(b)) return { ...a, ...b };
  return b;
}

/**
 * node-red-contrib-influxdb's `[fields]` or `[fields, tags]`, and nothing that only looks like it: a list
 * of readings (`[{value, timestamp}, {value, timestamp}, …]`) would be stored as one point whose tags are
 * the second reading. Tags never repeat a field name, so two objects that share one are two readings.
 */
function refuseUnlessFieldsAndTags(payload: readonly unknown[]): void {
  const [fields, tags] = payload;
  const pair =
    payload.length <= 2 &&
    isPlainObject(fields) &&
    (tags === undefined || (isPlainObject(tags) && !Object.keys(tags).some((k) => k in fields)));
  if (!pair)
    throw new ValidationError(
      phrase(
        "meter-influxdb-write:errors.notPoints",
        "msg.payload is a list of __count__ value(s) that are not points: send one point per reading, [{measurement, tags, fields: {…}, timestamp}, …], or node-red-contrib-influxdb's [fields, tags].",
        { count: payload.length },
      ),
    );
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (isDate(value)) return "an invalid date";
  if (isPlainObject(value)) return "an object";
  if (typeof value === "object") {
    const tag = Object.prototype.toString.call(value).slice(8, -1);
    return tag === "Object" ? "an instance of a class" : `a ${tag}`;
  }
  if (typeof value === "string") return JSON.stringify(value.length > 30 ? `${value.slice(0, 29)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return typeof value;
}

/** `describe` as a phrase: the words for a kind of value, or the value itself as written. */
function kindOf(value: unknown): Phrase {
  if (value === null) return phrase("meter-influxdb-write:kinds.null", "null");
  if (Array.isArray(value)) return phrase("meter-influxdb-write:kinds.array", "an array");
  if (isDate(value)) return phrase("meter-influxdb-write:kinds.invalidDate", "an invalid date");
  if (isPlainObject(value)) return phrase("meter-influxdb-write:kinds.object", "an object");
  if (typeof value === "object") {
    const tag = Object.prototype.toString.call(value).slice(8, -1);
    if (tag === "Object") return phrase("meter-influxdb-write:kinds.instance", "an instance of a class");
    return phrase("meter-influxdb-write:kinds.other", "a __type__", { type: tag });
  }
  const shown = describe(value);
  return typeof value === "function" || typeof value === "symbol" || typeof value === "undefined"
    ? phrase("meter-influxdb-write:kinds.type", "__type__", { type: shown })
    : phrase("meter-influxdb-write:kinds.literal", "__text__", { text: shown });
}

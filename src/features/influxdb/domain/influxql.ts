/**
 * InfluxQL for reading meter history: quoting that no meter id or field name can break out of, time
 * bounds, and the query of the meter form. InfluxQL is what `/query` serves on InfluxDB 1.8+, 2.x (v1
 * compatibility) and 3.x alike; Flux is not used.
 */
import { phrase, ValidationError } from "../../../shared/errors";
import { parseInstant } from "../../../shared/time/instant";

/** An identifier in double quotes, `\` and `"` escaped (InfluxQL spec: identifiers). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** A string literal in single quotes, `\` and `'` escaped (InfluxQL spec: strings). */
export function quoteString(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** InfluxQL duration units (ns, u/µ, ms, s, m, h, d, w). */
const RELATIVE = /^([+-])\s*(\d+)\s*(ns|u|µ|ms|s|m|h|d|w)$/;

/**
 * A time bound as an InfluxQL expression: blank is no bound, `now`, a relative time like `-40d`, or an
 * instant (epoch ms, ISO-8601 with an offset, a Date) as integer epoch milliseconds.
 */
export function timeBound(value: unknown, what: "start" | "end"): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") {
    const text = value.trim();
    if (text === "") return undefined;
    if (/^now(\(\))?$/i.test(text)) return "now()";
    const rel = RELATIVE.exec(text);
    if (rel) return `now() ${rel[1]} ${rel[2]}${rel[3]}`;
  }
  try {
    return `${Math.round(parseInstant(value, { numericStrings: true }))}ms`;
  } catch {
    const vars = { value: JSON.stringify(value) ?? "undefined" };
    throw new ValidationError(
      what === "start"
        ? phrase(
            "meter-influxdb-query:errors.badStart",
            'start __value__ is not a time: use a relative time like -40d (units ns, u, ms, s, m, h, d, w), "now", epoch milliseconds or an ISO time with an offset.',
            vars,
          )
        : phrase(
            "meter-influxdb-query:errors.badEnd",
            'end __value__ is not a time: use a relative time like -40d (units ns, u, ms, s, m, h, d, w), "now", epoch milliseconds or an ISO time with an offset.',
            vars,
          ),
      {
        statusText:
          what === "start"
            ? phrase("meter-influxdb-query:status.badStart", "bad start")
            : phrase("meter-influxdb-query:status.badEnd", "bad end"),
      },
    );
  }
}

export interface MeterQuery {
  measurement: string;
  field: string;
  /** The tag whose value names the meter. */
  meterTag: string;
  /** Meter ids to read; empty means every meter of the measurement. */
  meters: readonly string[];
  start?: unknown;
  end?: unknown;
  /** Retention policy (InfluxDB 1.x); blank for the default one. */
  retentionPolicy?: string;
}

/**
 * `SELECT "field" FROM "measurement" WHERE time bounds AND ("tag" = 'a' OR …) GROUP BY "tag"`: one series
 * per meter, each in time order, which is what the reader needs to hand on one meter at a time.
 */
export function meterQuery(q: MeterQuery): string {
  if (!q.measurement)
    throw new ValidationError(
      phrase("meter-influxdb-query:errors.noMeasurement", "Set the measurement of the meter form."),
      { statusText: phrase("meter-influxdb-query:status.noMeasurement", "no measurement") },
    );
  if (!q.field)
    throw new ValidationError(phrase("meter-influxdb-query:errors.noField", "Set the field of the meter form."), {
      statusText: phrase("meter-influxdb-query:status.noField", "no field"),
    });
  if (!q.meterTag)
    throw new ValidationError(
      phrase("meter-influxdb-query:errors.noMeterTag", "Set the meter tag of the meter form."),
      {
        statusText: phrase("meter-influxdb-query:status.noMeterTag", "no meter tag"),
      },
    );
  const from = q.retentionPolicy
    ? `${quoteIdent(q.retentionPolicy)}.${quoteIdent(q.measurement)}`
    : quoteIdent(q.measurement);
  const where: string[] = [];
  const start = timeBound(q.start, "start");
  const end = timeBound(q.end, "end");
  if (start) where.push(`time >= ${start}`);
  if (end) where.push(`time < ${end}`);
  const tag = quoteIdent(q.meterTag);
  if (q.meters.length) where.push(`(${q.meters.map((m) => `${tag} = ${quoteString(m)}`).join(" OR ")})`);
  const filter = where.length ? ` WHERE ${where.join(" AND ")}` : "";
  return `SELECT ${quoteIdent(q.field)} FROM ${from}${filter} GROUP BY ${tag}`;
}

/** A list of meter ids from the form (comma- or newline-separated) or from a message (array or text). */
export function meterList(value: unknown): string[] {
  if (value === undefined || value === null || value === "") return [];
  const items = Array.isArray(value) ? value : typeof value === "string" ? value.split(/[,\n]/) : [value];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== "string" && typeof item !== "number")
      throw new ValidationError(
        phrase("meter-influxdb-query:errors.badMeter", "A meter id must be text, not __value__.", {
          value: JSON.stringify(item) ?? "undefined",
        }),
        { statusText: phrase("meter-influxdb-query:status.badMeter", "bad meter") },
      );
    const id = String(item).trim();
    if (id && !out.includes(id)) out.push(id);
  }
  return out;
}

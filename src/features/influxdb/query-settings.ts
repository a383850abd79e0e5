import { checkList, checkText } from "../../shared/bounds";
import { phrase, ValidationError, type Vars } from "../../shared/errors";
import { meterList, meterQuery } from "./domain/influxql";
import type { ReadingsShape } from "./history-reader";

/** The editor's properties of a meter-influxdb-query node, and how a message turns them into InfluxQL. */

export interface Typed {
  value: string;
  type: string;
}

export interface QuerySettings {
  server: string;
  database: string;
  mode: "form" | "raw";
  query: Typed;
  measurement: string;
  field: string;
  meterTag: string;
  meters: Typed;
  start: Typed;
  end: Typed;
  output: "meter" | "all";
  readings: ReadingsShape;
  chunkSize: number;
}

const text = (x: unknown, fallback = ""): string =>
  typeof x === "string" ? x : typeof x === "number" ? String(x) : fallback;
const typed = (value: unknown, type: unknown, fallback = "str"): Typed => ({
  value: text(value),
  type: text(type) || fallback,
});

const NOT_ONE_OF = {
  mode: (vars: Vars) =>
    phrase("meter-influxdb-query:errors.badMode", "Query mode must be one of __allowed__, not __value__.", vars),
  output: (vars: Vars) =>
    phrase("meter-influxdb-query:errors.badOutput", "Output must be one of __allowed__, not __value__.", vars),
  readings: (vars: Vars) =>
    phrase("meter-influxdb-query:errors.badReadings", "Readings must be one of __allowed__, not __value__.", vars),
};

function oneOf<T extends string>(x: unknown, allowed: readonly T[], what: keyof typeof NOT_ONE_OF): T {
  const s = text(x) || allowed[0];
  if ((allowed as readonly string[]).includes(s)) return s as T;
  throw new ValidationError(NOT_ONE_OF[what]({ allowed: allowed.join(", "), value: JSON.stringify(x) ?? "undefined" }));
}

export function parseQuerySettings(c: Record<string, unknown>): QuerySettings {
  const chunk = Number(c.chunkSize === "" || c.chunkSize === undefined ? 10000 : c.chunkSize);
  if (!Number.isInteger(chunk) || chunk < 1)
    throw new ValidationError(
      phrase("meter-influxdb-query:errors.badChunkSize", "Chunk size must be a whole number of rows, not __value__.", {
        value: JSON.stringify(c.chunkSize) ?? "undefined",
      }),
    );
  return {
    server: text(c.server),
    database: text(c.database).trim(),
    mode: oneOf(c.mode, ["form", "raw"], "mode"),
    query: typed(c.query, c.queryType),
    measurement: text(c.measurement).trim(),
    field: text(c.field, "value").trim(),
    meterTag: text(c.meterTag, "entity_id").trim(),
    meters: typed(c.meters, c.metersType),
    start: typed(c.start, c.startType),
    end: typed(c.end, c.endType),
    output: oneOf(c.output, ["meter", "all"], "output"),
    readings: oneOf(c.readings, ["columns", "objects"], "readings"),
    chunkSize: chunk,
  };
}

export type Evaluate = (t: Typed) => Promise<unknown>;

/** One query's text: far above any real InfluxQL, far below what would tie up the server. */
export const MAX_QUERY_CHARS = 65_536;
/** Meters one form query may name. */
export const MAX_QUERY_METERS = 10_000;

function boundedMeters(value: unknown): string[] {
  checkList(value, "meters", MAX_QUERY_METERS);
  const meters = meterList(value);
  checkList(meters, "meters", MAX_QUERY_METERS);
  meters.forEach((m, i) => checkText(m, `meters[${i}]`));
  return meters;
}

/** The InfluxQL of one message: the raw query (`msg.query` wins when it is text), or the meter form's. */
export async function queryOf(
  settings: QuerySettings,
  msg: Record<string, unknown>,
  evaluate: Evaluate,
  retentionPolicy?: string,
): Promise<string> {
  if (settings.mode === "raw") {
    const q = typeof msg.query === "string" && msg.query.trim() ? msg.query : await evaluate(settings.query);
    checkText(q, "query", MAX_QUERY_CHARS);
    if (typeof q !== "string" || !q.trim())
      throw new ValidationError(
        phrase("meter-influxdb-query:errors.noQuery", "Set the InfluxQL query on the node, or send it in msg.query."),
        { statusText: phrase("meter-influxdb-query:status.noQuery", "no query") },
      );
    return q;
  }
  const value = async (t: Typed): Promise<unknown> => (t.value === "" && t.type === "str" ? "" : evaluate(t));
  return meterQuery({
    measurement: settings.measurement,
    field: settings.field,
    meterTag: settings.meterTag,
    meters: boundedMeters(await value(settings.meters)),
    start: await value(settings.start),
    end: await value(settings.end),
    retentionPolicy,
  });
}

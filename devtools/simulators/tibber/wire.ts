import type { SimResponse } from "../server";
import { GraphQLFailure, type Operation } from "./graphql/parser";

/**
 * Tibber's answers on the wire (reference A6, E1): errors in the GraphQL `errors` list, their HTTP
 * statuses, the plain-text 429 of an IP ban, the proxy's HTML pages, and variables checked against
 * the schema's enums before a query runs.
 */

export const BAN_TEXT = "Too many requests. Your IP is now temporarily banned for calling API for a few minutes.";
export const PRICE_RESOLUTIONS = ["HOURLY", "QUARTER_HOURLY"];
export const ENERGY_RESOLUTIONS = ["HOURLY", "DAILY", "WEEKLY", "MONTHLY", "ANNUAL"];
/** Enum types a variable may be declared with, and their values (reference A2). */
const ENUMS: Record<string, string[]> = {
  PriceInfoResolution: PRICE_RESOLUTIONS,
  EnergyResolution: ENERGY_RESOLUTIONS,
  PriceInfoRangeResolution: ["DAILY", "HOURLY", "QUARTER_HOURLY"],
  PriceResolution: ["HOURLY", "DAILY"],
};

/** A faked HTTP status, answered the way Tibber or its proxy does. */
export function faultStatusResponse(status: number): SimResponse {
  if (status === 429) return banned();
  if (status === 400) return errorBody(400, "Syntax Error: Unexpected <EOF>.", "GRAPHQL_PARSE_FAILED");
  if (status >= 500) {
    const text = `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status}</h1></center></body></html>`;
    return { status, headers: { "Content-Type": "text/html" }, body: text };
  }
  return errorBody(status, `HTTP ${status}`, "INTERNAL_SERVER_ERROR");
}

export function banned(): SimResponse {
  return { status: 429, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: BAN_TEXT };
}

export function errorBody(status: number, message: string, code: string): SimResponse {
  return { status, body: { errors: [{ message, extensions: { code } }] } };
}

export function failureResponse(err: unknown): SimResponse {
  if (err instanceof GraphQLFailure) {
    return {
      status: 400,
      body: {
        errors: [
          { message: err.message, locations: [{ line: err.line, column: err.column }], extensions: { code: err.code } },
        ],
      },
    };
  }
  throw err;
}

/** The operation's declared variables from what was sent: defaults, required ones, enum values. */
export function coerceVariables(operation: Operation, given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of operation.variables) {
    let value = given[def.name];
    if (value === undefined && def.defaultValue)
      value = def.defaultValue.kind === "var" ? undefined : literalOf(def.defaultValue);
    if (value === undefined && def.type.endsWith("!")) {
      throw new GraphQLFailure(
        `Variable "$${def.name}" of required type "${def.type}" was not provided.`,
        "BAD_USER_INPUT",
      );
    }
    const base = def.type.replace(/[![\]]/g, "");
    const allowed = ENUMS[base];
    if (allowed && value !== undefined && !allowed.includes(text(value))) {
      throw new GraphQLFailure(
        `Variable "$${def.name}" got invalid value "${text(value)}"; Value "${text(value)}" does not exist in "${base}" enum.`,
        "BAD_USER_INPUT",
      );
    }
    out[def.name] = value;
  }
  return out;
}

function literalOf(value: { kind: string; value?: unknown }): unknown {
  return value.value;
}

export function text(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

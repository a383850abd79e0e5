import { formatLocal, formatParts, parseLocal, tzOffsetMs } from "../../../src/features/flume/domain/local-time";
import type { SimRequest, SimResponse } from "../server";
import { HOUR, invalid, type Json, MINUTE, round, text } from "./wire";

/**
 * Flume's water queries (reference A4 rows 5–6, A5): the current flow, and per-minute volumes summed
 * into buckets of the home's local time, grouped, converted, sorted or folded into one aggregate.
 */

export interface FlowSegment {
  deviceId?: string;
  startMs: number;
  endMs: number;
  gpm: number;
}

const UNITS: Record<string, number> = {
  GALLONS: 1,
  LITERS: 3.785411784,
  CUBIC_FEET: 0.133680556,
  CUBIC_METERS: 0.003785411784,
};
const BUCKETS = ["MIN", "HR", "DAY", "MON", "YR"];
const OPERATIONS = ["SUM", "AVG", "MIN", "MAX", "CNT"];
const YEAR = 366 * 24 * HOUR;

/** gal/min of a device at an instant. */
export type FlowAt = (deviceId: string, ms: number) => number;

/** `query/active`: whether water runs this minute, and how fast. */
export function activeFlow(flowAt: FlowAt, deviceId: string, now: number, tz: string): Json {
  const gpm = Math.round(flowAt(deviceId, now) * 100) / 100;
  return { active: gpm > 0, gpm, datetime: formatLocal(Math.floor(now / MINUTE) * MINUTE, tz) };
}

/** `POST …/query`: one answer per `request_id`, or 400 code 94 for the first invalid query. */
export function usageQuery(
  flowAt: FlowAt,
  deviceId: string,
  now: number,
  tz: string,
  req: SimRequest,
  ok: (data: unknown[]) => SimResponse,
): SimResponse {
  const queries = (req.body as Json | undefined)?.queries;
  if (!Array.isArray(queries) || queries.length === 0) return invalid("queries must be a non-empty array");
  const answer: Json = {};
  for (const raw of queries as Json[]) {
    const result = runQuery(flowAt, deviceId, now, tz, raw);
    if (typeof result === "string") return invalid(result);
    answer[String(raw.request_id)] = result;
  }
  return { status: 200, body: { ...(ok([answer]).body as Json), count: 0 } };
}

/** One usage query: per-minute volumes summed into local-time buckets, or one aggregate. */
function runQuery(flowAt: FlowAt, deviceId: string, now: number, tz: string, q: Json): Json[] | string {
  if (typeof q.request_id !== "string" || !q.request_id) return "request_id is required";
  const bucket = text(q.bucket);
  if (!BUCKETS.includes(bucket)) return "Bucket is not a valid bucket {MIN/HR/DAY/MON/YR}";
  const since = parseLocal(text(q.since_datetime), tz);
  if (!Number.isFinite(since)) return "since_datetime must be YYYY-MM-DD HH:mm:ss";
  const until = q.until_datetime === undefined ? now : parseLocal(text(q.until_datetime), tz);
  if (!Number.isFinite(until)) return "until_datetime must be YYYY-MM-DD HH:mm:ss";
  if (until - since > YEAR) return "Up to one year of data can be queried";
  const multiplier = q.group_multiplier === undefined ? 1 : Number(q.group_multiplier);
  if (!Number.isInteger(multiplier) || multiplier < 1 || multiplier > 100) return "group_multiplier must be 1 to 100";
  const units = text(q.units, "GALLONS");
  if (!(units in UNITS)) return "units is not valid {GALLONS/LITERS/CUBIC_FEET/CUBIC_METERS}";
  const operation = text(q.operation) || undefined;
  if (operation && !OPERATIONS.includes(operation)) return "operation is not valid {SUM/AVG/MIN/MAX/CNT}";

  const sums = new Map<string, number>();
  const offsets = new Map<number, number>();
  // Minutes that have not happened have no consumption: the range ends at the current minute.
  const end = Math.min(until, Math.floor(now / MINUTE) * MINUTE);
  for (let m = Math.floor(since / MINUTE) * MINUTE; m < end; m += MINUTE) {
    const hour = Math.floor(m / HOUR);
    let offset = offsets.get(hour);
    if (offset === undefined) offsets.set(hour, (offset = tzOffsetMs(m, tz)));
    const key = bucketKey(new Date(m + offset), bucket);
    sums.set(key, (sums.get(key) ?? 0) + flowAt(deviceId, m) * UNITS[units]);
  }
  let points = [...sums].map(([datetime, value]) => ({ datetime, value: round(value) }));
  if (multiplier > 1) {
    const grouped: typeof points = [];
    for (let i = 0; i < points.length; i += multiplier) {
      const group = points.slice(i, i + multiplier);
      grouped.push({ datetime: group[0].datetime, value: round(group.reduce((s, p) => s + p.value, 0)) });
    }
    points = grouped;
  }
  if (q.sort_direction === "DESC") points.reverse();
  if (!operation) return points;
  if (points.length === 0) return [];
  const values = points.map((p) => p.value);
  const aggregate: Record<string, number> = {
    SUM: values.reduce((s, v) => s + v, 0),
    AVG: values.reduce((s, v) => s + v, 0) / values.length,
    MIN: Math.min(...values),
    MAX: Math.max(...values),
    CNT: values.length,
  };
  return [{ value: round(aggregate[operation]) }];
}

function bucketKey(local: Date, bucket: string): string {
  const y = local.getUTCFullYear();
  const mo = local.getUTCMonth() + 1;
  const d = local.getUTCDate();
  const h = local.getUTCHours();
  const mi = local.getUTCMinutes();
  const parts = { year: y, month: mo, day: d, hour: h, minute: mi, second: 0 };
  if (bucket === "HR") parts.minute = 0;
  if (bucket === "DAY") Object.assign(parts, { hour: 0, minute: 0 });
  if (bucket === "MON") Object.assign(parts, { day: 1, hour: 0, minute: 0 });
  if (bucket === "YR") Object.assign(parts, { month: 1, day: 1, hour: 0, minute: 0 });
  return formatParts(parts);
}

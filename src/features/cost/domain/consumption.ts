import { phrase, type Phrase } from "../../../shared/errors";
import { isPlainObject, isRecord } from "../../../shared/shape";
import { addDays, localDateKey, startOfLocalDay } from "../../../shared/time/calendar";
import { tryParseInstant } from "../../../shared/time/instant";
import type { Interval, Parsed } from "./types";

/**
 * Intervals of consumption from a message, in kWh:
 *  - meter-interpolate's output 1 (`payload.meters.<id>.hour|day|month.consumption`, labelled at start
 *    `{t, end, v}` or at end `{t, start, v}`): the finest interval each meter has;
 *  - its output 2 (a batch of `meter_consumption` points, tag `interval`), timestamped at the start or
 *    the end of the interval as the meter-interpolate node's Label says (`label`);
 *  - Tibber's hourly consumption (`tibber_consumption` readings or points, with Tibber's own `cost`);
 *  - any series `[{t, v}]` (with `end`, or `start` and `t` as the end; else each lasts the shortest
 *    spacing of the series, so a missing interval stays missing).
 * Undefined when the message is none of these.
 */

export interface ConsumptionOptions {
  /** Unit of inputs that do not name one. */
  unit: string;
  /** Zone of daily and monthly points, whose length depends on the local calendar. */
  timeZone: string;
  label: "start" | "end";
  /** Series name for `{t, v}` lists without a topic. */
  topic?: string;
}

const HOUR_MS = 3_600_000;
const FINEST = ["hourly", "daily", "monthly"];
const KWH_PER: Record<string, number> = { wh: 0.001, kwh: 1, mwh: 1000 };

/** kWh per unit of `unit`, or undefined for a unit that is no energy (m³, gal). */
export function kwhFactor(unit: string): number | undefined {
  return KWH_PER[unit.trim().toLowerCase()];
}

export function parseConsumption(msg: Record<string, unknown>, o: ConsumptionOptions): Parsed<Interval> | undefined {
  const payload = msg.payload;
  if (msg.measurement === "tibber_consumption" && isRecord(payload)) {
    return tibberHours([{ fields: payload, tags: msg.tags, timestamp: msg.timestamp }], o);
  }
  if (Array.isArray(payload) && payload.length > 0 && payload.every((p) => isPlainObject(p) && "fields" in p)) {
    const points = payload as Record<string, unknown>[];
    if (points.every((p) => p.measurement === "tibber_consumption")) return tibberHours(points, o);
    const meter = points.filter((p) => p.measurement === "meter_consumption");
    return meter.length ? meterPoints(meter, o) : undefined;
  }
  if (isPlainObject(payload) && isPlainObject(payload.meters)) return meterObject(payload.meters, o);
  if (Array.isArray(payload) && payload.length > 0 && payload.every((p) => isPlainObject(p) && "t" in p && "v" in p)) {
    const series = typeof msg.topic === "string" && msg.topic ? msg.topic : (o.topic ?? "consumption");
    return series1(payload as Record<string, unknown>[], series, o.unit);
  }
  return undefined;
}

function meterObject(meters: Record<string, unknown>, o: ConsumptionOptions): Parsed<Interval> {
  const items: Interval[] = [];
  const warnings: Phrase[] = [];
  for (const [id, m] of Object.entries(meters)) {
    if (!isPlainObject(m)) continue;
    const unit = typeof m.unit === "string" ? m.unit : o.unit;
    const factor = kwhFactor(unit);
    if (factor === undefined) {
      warnings.push(
        phrase(
          "energy-cost:warnings.meterUnit",
          'meter "__id__" counts __unit__, not energy: set its unit to Wh or kWh',
          {
            id,
            unit: String(unit),
          },
        ),
      );
      continue;
    }
    const level = ["hour", "day", "month"].find((k) => isPlainObject(m[k]) && Array.isArray(m[k].consumption));
    if (!level) continue;
    for (const c of (m[level] as { consumption: unknown[] }).consumption) {
      if (!isPlainObject(c) || typeof c.v !== "number" || !Number.isFinite(c.v)) continue;
      const startMs = tryParseInstant(c.start ?? c.t);
      const endMs = tryParseInstant(c.end ?? c.t);
      if (startMs === undefined || endMs === undefined || !(endMs > startMs)) continue;
      items.push({ series: id, startMs, endMs, kwh: c.v * factor });
    }
  }
  return { items, warnings };
}

function meterPoints(points: Record<string, unknown>[], o: ConsumptionOptions): Parsed<Interval> {
  const items: Interval[] = [];
  const warnings: Phrase[] = [];
  // The finest interval per meter only: the coarser ones are sums of it and would count twice.
  const finest = new Map<string, number>();
  for (const p of points) {
    const t = isRecord(p.tags) ? p.tags : {};
    const rank = FINEST.indexOf(String(t.interval));
    const id = tagText(t.meter_id, "meter");
    if (rank >= 0) finest.set(id, Math.min(finest.get(id) ?? rank, rank));
  }
  for (const p of points) {
    const t = isRecord(p.tags) ? p.tags : {};
    const id = tagText(t.meter_id, "meter");
    const rank = FINEST.indexOf(String(t.interval));
    const f = isRecord(p.fields) ? p.fields.consumption : undefined;
    const at = tryParseInstant(p.timestamp);
    if (rank < 0 || rank !== finest.get(id) || typeof f !== "number" || at === undefined) continue;
    const factor = kwhFactor(typeof t.unit === "string" ? t.unit : o.unit);
    if (factor === undefined) {
      warnings.push(
        phrase("energy-cost:warnings.pointUnit", 'meter "__id__" counts __unit__, not energy', {
          id,
          unit: String(t.unit),
        }),
      );
      continue;
    }
    const [startMs, endMs] = span(at, FINEST[rank], o);
    items.push({ series: id, startMs, endMs, kwh: f * factor });
  }
  return { items, warnings };
}

/** An interval from its label instant: hours are 60 minutes, days and months follow the local calendar. */
function span(at: number, interval: string, o: ConsumptionOptions): [number, number] {
  if (interval === "hourly") return o.label === "start" ? [at, at + HOUR_MS] : [at - HOUR_MS, at];
  const tz = o.timeZone;
  const step = (key: string, n: number): string => (interval === "daily" ? addDays(key, n) : addMonths(key, n));
  // The label is a local midnight (the 1st for months); the other end is the next (or previous) one.
  const key = localDateKey(o.label === "start" ? at : at - 1, tz);
  const first = interval === "daily" ? key : `${key.slice(0, 8)}01`;
  return [startOfLocalDay(first, tz), startOfLocalDay(step(first, 1), tz)];
}

function tagText(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}

function addMonths(key: string, n: number): string {
  const [y, m] = key.split("-").map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}-01`;
}

function tibberHours(points: Record<string, unknown>[], o: ConsumptionOptions): Parsed<Interval> {
  const items: Interval[] = [];
  for (const p of points) {
    const f = isRecord(p.fields) ? p.fields : {};
    const t = isRecord(p.tags) ? p.tags : {};
    const startMs = tryParseInstant(p.timestamp);
    if (startMs === undefined || typeof f.consumption !== "number") continue;
    const factor = kwhFactor(typeof t.unit === "string" ? t.unit : o.unit) ?? 1;
    const item: Interval = {
      series: tagText(t.home_id, "tibber"),
      startMs,
      endMs: startMs + HOUR_MS,
      kwh: f.consumption * factor,
    };
    if (typeof f.cost === "number") item.tibberCost = f.cost;
    items.push(item);
  }
  return { items, warnings: [] };
}

function series1(list: Record<string, unknown>[], series: string, unit: string): Parsed<Interval> {
  const factor = kwhFactor(unit);
  if (factor === undefined) {
    const warning = phrase("energy-cost:warnings.unit", "unit __unit__ is no energy unit: use Wh, kWh or MWh", {
      unit,
    });
    return { items: [], warnings: [warning] };
  }
  const rows = list
    .map((p) => ({ p, t: tryParseInstant(p.t) }))
    .filter((r): r is { p: Record<string, unknown>; t: number } => r.t !== undefined && typeof r.p.v === "number")
    .sort((a, b) => a.t - b.t);
  const items: Interval[] = [];
  const warnings: Phrase[] = [];
  let spacing = Infinity;
  for (let i = 1; i < rows.length; i++)
    if (rows[i].t > rows[i - 1].t) spacing = Math.min(spacing, rows[i].t - rows[i - 1].t);
  const length = Number.isFinite(spacing) ? spacing : HOUR_MS;
  rows.forEach(({ p, t }) => {
    const end = tryParseInstant(p.end);
    const start = tryParseInstant(p.start);
    const [startMs, endMs] = end !== undefined ? [t, end] : start !== undefined ? [start, t] : [t, t + length];
    if (endMs > startMs) items.push({ series, startMs, endMs, kwh: (p.v as number) * factor });
    else
      warnings.push(
        phrase("energy-cost:warnings.emptyInterval", "an interval at __at__ that does not end after it starts", {
          at: new Date(t).toISOString(),
        }),
      );
  });
  return { items, warnings };
}

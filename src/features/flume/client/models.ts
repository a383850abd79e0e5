/**
 * Typed models of the Flume personal API (reference Part A6). Live responses drop fields now and then
 * (devices without `location`, minimal device payloads), so everything except ids and types is optional
 * and parsing never throws on a missing field.
 */

export const DEVICE_TYPE_BRIDGE = 1;
export const DEVICE_TYPE_SENSOR = 2;

export interface Location {
  id: number;
  name?: string;
  /** IANA time zone of the home; flow and usage times are wall-clock times there. */
  tz?: string;
  awayMode?: boolean;
}

export interface Device {
  /** 19-digit id, kept as a string because it exceeds 2^53. */
  id: string;
  /** 1 = bridge, 2 = sensor. */
  type: number;
  locationId?: number;
  bridgeId?: string;
  connected?: boolean;
  lastSeen?: string;
  /** "low", "medium" or "high" in every capture so far. */
  batteryLevel?: string;
  product?: string;
  location?: Location;
}

export interface FlowRate {
  active: boolean;
  /** Gallons per minute, as Flume reports it. */
  gpm: number;
  /** The reading's device-local time, "YYYY-MM-DD HH:mm:ss". */
  localTime?: string;
}

export interface Notification {
  id: number;
  deviceId?: string;
  type: number;
  title?: string;
  message?: string;
  read: boolean;
  /** ISO UTC. */
  createdAt?: string;
  /** `extra.event_rule_name` (or the older top-level `event_rule`). */
  ruleName?: string;
}

export interface UsageAlert {
  id: number;
  deviceId?: string;
  triggeredAt?: string;
  flumeLeak: boolean;
  ruleName?: string;
}

export interface UsagePoint {
  /** Device-local bucket start, "YYYY-MM-DD HH:mm:ss"; absent for whole-range operations. */
  localTime?: string;
  value: number;
}

export type UsageBucket = "MIN" | "HR" | "DAY" | "MON" | "YR";
export const USAGE_BUCKETS: readonly UsageBucket[] = ["MIN", "HR", "DAY", "MON", "YR"];
export type UsageUnits = "GALLONS" | "LITERS" | "CUBIC_FEET" | "CUBIC_METERS";

type Raw = Record<string, unknown>;

const str = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
const num = (v: unknown): number | undefined => {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};
const bool = (v: unknown): boolean | undefined =>
  typeof v === "boolean" ? v : v === 1 || v === "true" ? true : v === 0 || v === "false" ? false : undefined;
const obj = (v: unknown): Raw | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Raw) : undefined;

export function parseLocation(raw: unknown): Location | undefined {
  const r = obj(raw);
  const id = num(r?.id);
  if (!r || id === undefined) return undefined;
  return { id, name: str(r.name), tz: str(r.tz), awayMode: bool(r.away_mode) };
}

export function parseDevice(raw: unknown): Device | undefined {
  const r = obj(raw);
  const id = str(r?.id);
  const type = num(r?.type);
  if (!r || !id || type === undefined) return undefined;
  return {
    id,
    type,
    locationId: num(r.location_id),
    bridgeId: str(r.bridge_id),
    connected: bool(r.connected),
    lastSeen: str(r.last_seen),
    batteryLevel: str(r.battery_level),
    product: str(r.product),
    location: parseLocation(r.location),
  };
}

export function parseFlowRate(raw: unknown): FlowRate | undefined {
  const r = obj(raw);
  if (!r) return undefined;
  const gpm = num(r.gpm);
  if (gpm === undefined) return undefined;
  return { active: bool(r.active) ?? gpm > 0, gpm, localTime: str(r.datetime) };
}

export function parseNotification(raw: unknown): Notification | undefined {
  const r = obj(raw);
  const id = num(r?.id);
  if (!r || id === undefined) return undefined;
  const extra = obj(r.extra);
  return {
    id,
    deviceId: str(r.device_id),
    type: num(r.type) ?? 0,
    title: str(r.title),
    message: str(r.message),
    read: bool(r.read) ?? false,
    createdAt: str(r.created_datetime),
    ruleName: str(extra?.event_rule_name) ?? str(r.event_rule),
  };
}

export function parseUsageAlert(raw: unknown): UsageAlert | undefined {
  const r = obj(raw);
  const id = num(r?.id);
  if (!r || id === undefined) return undefined;
  return {
    id,
    deviceId: str(r.device_id),
    triggeredAt: str(r.triggered_datetime),
    flumeLeak: bool(r.flume_leak) ?? false,
    ruleName: str(r.event_rule_name),
  };
}

export function parseUsagePoints(raw: unknown): UsagePoint[] {
  if (!Array.isArray(raw)) return [];
  const out: UsagePoint[] = [];
  for (const item of raw) {
    const r = obj(item);
    const value = num(r?.value);
    if (!r || value === undefined) continue;
    out.push({ localTime: str(r.datetime), value });
  }
  return out;
}

/** Parses every item of `data` with `parse`, dropping the ones that lack the essentials. */
export function parseList<T>(data: unknown[], parse: (raw: unknown) => T | undefined): T[] {
  const out: T[] = [];
  for (const item of data) {
    const parsed = parse(item);
    if (parsed !== undefined) out.push(parsed);
  }
  return out;
}

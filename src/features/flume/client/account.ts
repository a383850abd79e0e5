import { createHash } from "node:crypto";
import { phrase, ValidationError } from "../../../shared/errors";
import { RateBudget } from "../../../shared/rate-budget";
import { tryParseInstant } from "../../../shared/time/instant";
import type { AlertNotification } from "../domain/flume-signals";
import { isValidTimeZone, parseLocal } from "../domain/local-time";
import { alertPeriodMs, leakStatePeriodMs, planPolling, type PollDemand, type PollPlan } from "../domain/poll-plan";
import { FlumeClient, HOUR_MS, type FlumeClientOptions, type SharedAccountState, type UsageQuery } from "./client";
import { DEVICE_TYPE_SENSOR, type Device, type Notification } from "./models";

/** Flume's own leak detection is slow by design; checking its alerts more often than this buys nothing. */
export const MIN_ALERT_PERIOD_MS = 5 * 60_000;
const DEVICE_CACHE_MS = HOUR_MS;

/** The current flow of a sensor, its time an instant. */
export interface FlowSample {
  active: boolean;
  /** Gallons per minute, as Flume reports it. */
  gpm: number;
  /** Epoch ms of the reading; undefined when Flume sent no readable time. */
  at?: number;
}

/** One usage bucket; `at` (epoch ms of the bucket start) is NaN when Flume sent no readable time. */
export interface UsageSample {
  at: number;
  value: number;
}

/**
 * Everything one Flume account shares between the nodes that use it (the flume-config node owns one):
 * the client with its token and call budget, the device list with the home's time zone, the unread
 * notifications (one fetch serves every sensor), and the polling plan that keeps all nodes together
 * within the budget.
 */
export class FlumeAccount {
  readonly client: FlumeClient;
  /** 1 in production; tests run budget windows and intervals this many times faster. */
  readonly timeScale: number;
  /** The polls of every node on this account, including nodes of other config nodes with the same login. */
  private readonly demands: Map<string, PollDemand>;
  /** The device list and the zones of its locations, kept with the account's token across redeploys. */
  private readonly cache: { devices?: DeviceCache };
  /** The flume-config node's `timezone`, for accounts whose locations carry none. */
  private readonly configuredZone: string | undefined;
  private notes: { at: number; list: Promise<Notification[]> } | undefined;

  constructor(options: FlumeClientOptions & { timeZone?: string }) {
    this.configuredZone = options.timeZone?.trim() || undefined;
    this.timeScale = options.timeScale && options.timeScale > 0 ? options.timeScale : 1;
    const shared = sharedState(options, this.timeScale);
    this.demands = shared.demands;
    this.cache = shared;
    this.client = new FlumeClient({
      timeoutMs: Math.max(1000, 15_000 / this.timeScale),
      shared,
      ...options,
    });
  }

  /** Scales a real duration (e.g. a 60 s interval) to this account's time scale. */
  scaled(ms: number): number {
    return ms / this.timeScale;
  }

  /** The account's sensors (bridges left out), fetched at most once an hour. */
  async sensors(signal?: AbortSignal, fresh = false): Promise<Device[]> {
    const now = Date.now();
    let cached = this.cache.devices;
    if (fresh || !cached || now - cached.at > this.scaled(DEVICE_CACHE_MS)) {
      const list = this.client.devices(signal);
      const entry: DeviceCache = (cached = { at: now, list, zones: new Map() });
      this.cache.devices = entry;
      list.catch(() => {
        if (this.cache.devices === entry) this.cache.devices = undefined;
      });
    }
    const all = await cached.list;
    return all.filter((d) => d.type === DEVICE_TYPE_SENSOR);
  }

  /** The sensor to read: the one asked for, or the only one; an error that names them otherwise. */
  async resolveSensor(deviceId: string | undefined, signal?: AbortSignal): Promise<Device> {
    const sensors = await this.sensors(signal);
    const wanted = deviceId?.trim();
    if (wanted) {
      const found = sensors.find((d) => d.id === wanted);
      if (found) return found;
      throw new ValidationError(
        phrase(
          "flume-flow:errors.sensorNotOnAccount",
          "Flume sensor __device__ is not on this account; its sensors are __sensors__. Pick one in the node.",
          { device: wanted, sensors: describeSensors(sensors) },
        ),
      );
    }
    if (sensors.length === 1) return sensors[0];
    if (sensors.length === 0) {
      throw new ValidationError(
        phrase(
          "flume-flow:errors.noSensor",
          "This Flume account has no water sensor yet; finish the set-up in the Flume app.",
        ),
      );
    }
    throw new ValidationError(
      phrase(
        "flume-flow:errors.whichSensor",
        "Which sensor? This Flume account has __count__: __sensors__. Choose one in the node's Device field, or send msg.device.",
        { count: sensors.length, sensors: describeSensors(sensors) },
      ),
    );
  }

  /**
   * The home's time zone for a device, which every usage and flow time is written in: its `location.tz`,
   * another device's at the same location, `GET /locations/{id}` (real device lists often carry no
   * `location`, HA #116798 and #77739; cached with the devices), the flume-config node's `timezone`, else
   * an error — a silent UTC would shift every time by the home's offset.
   */
  async timeZone(device: Device, signal?: AbortSignal): Promise<string> {
    if (device.location?.tz) return device.location.tz;
    if (!this.cache.devices) await this.sensors(signal);
    const cache = this.cache.devices!;
    const all = await cache.list;
    const sibling = all.find((d) => d.locationId === device.locationId && d.location?.tz);
    if (sibling?.location?.tz) return sibling.location.tz;
    if (device.locationId !== undefined) {
      let zone = cache.zones.get(device.locationId);
      if (!zone) {
        zone = this.client
          .location(device.locationId, signal)
          .then((l) => (l?.tz && isValidTimeZone(l.tz) ? l.tz : undefined));
        cache.zones.set(device.locationId, zone);
        zone.catch(() => cache.zones.delete(device.locationId!));
      }
      const tz = await zone;
      if (tz) return tz;
    }
    if (this.configuredZone) return this.configuredZone;
    throw new ValidationError(
      device.locationId !== undefined
        ? phrase(
            "flume-flow:errors.noZoneAtLocation",
            'Flume did not say which time zone sensor __device__ is in (no location in the device list and none at location __location__), and Flume writes usage times on the home\'s wall clock. Set "Time zone" in the Flume account node (e.g. America/Los_Angeles).',
            { device: device.id, location: device.locationId },
          )
        : phrase(
            "flume-flow:errors.noZone",
            'Flume did not say which time zone sensor __device__ is in (no location in the device list), and Flume writes usage times on the home\'s wall clock. Set "Time zone" in the Flume account node (e.g. America/Los_Angeles).',
            { device: device.id },
          ),
    );
  }

  /** The current flow; Flume writes its time on the home's wall clock, read here in the home's zone. */
  async readFlow(device: Device, signal?: AbortSignal): Promise<FlowSample> {
    const tz = await this.timeZone(device, signal);
    const flow = await this.client.currentFlow(device.id, signal);
    const at = flow.localTime ? parseLocal(flow.localTime, tz) : Number.NaN;
    return { active: flow.active, gpm: flow.gpm, at: Number.isFinite(at) ? at : undefined };
  }

  /** Water used per bucket, each bucket's wall-clock start read in the home's zone. */
  async readUsage(device: Device, query: UsageQuery, signal?: AbortSignal): Promise<UsageSample[]> {
    const tz = await this.timeZone(device, signal);
    const points = await this.client.usage(device.id, query, signal);
    return points.map((p) => ({ at: p.localTime ? parseLocal(p.localTime, tz) : Number.NaN, value: p.value }));
  }

  /** Unread notifications of the account, newest first, reused while younger than `maxAgeMs`. */
  async unreadNotifications(maxAgeMs: number, signal?: AbortSignal): Promise<Notification[]> {
    const now = Date.now();
    if (!this.notes || now - this.notes.at >= maxAgeMs) {
      const list = this.client.notifications({ unreadOnly: true, limit: 50 }, signal);
      this.notes = { at: now, list };
      list.catch(() => (this.notes = undefined));
    }
    return this.notes.list;
  }

  /**
   * Flume's own signals for a sensor: the account's unread notifications (one fetch shared by every sensor
   * while younger than `maxAgeMs`) and, when `wantLeakState` says so after seeing them, its `leaks/active`.
   */
  async flumeSignals(
    deviceId: string,
    maxAgeMs: number,
    signal?: AbortSignal,
    wantLeakState: (notifications: AlertNotification[]) => boolean = () => true,
  ): Promise<{ leakActive?: boolean; notifications: AlertNotification[] }> {
    const notes = await this.unreadNotifications(maxAgeMs, signal);
    const notifications = notes.map((n) => ({
      id: n.id,
      deviceId: n.deviceId,
      ruleName: n.ruleName,
      read: n.read,
      // Flume writes event times in UTC, with or without the "Z".
      createdAt: n.createdAt ? (tryParseInstant(n.createdAt, { timeZone: "UTC" }) ?? Number.NaN) : Number.NaN,
    }));
    if (!wantLeakState(notifications)) return { notifications };
    return { leakActive: await this.client.activeLeak(deviceId, signal), notifications };
  }

  // ----- polling plan -------------------------------------------------------------------------

  /** A node that polls on a timer says how; interval in real (unscaled) ms. */
  register(id: string, demand: PollDemand): PollPlan {
    this.demands.set(id, demand);
    return this.plan();
  }

  unregister(id: string): void {
    this.demands.delete(id);
  }

  plan(): PollPlan {
    return planPolling([...this.demands.values()], this.client.budget.limit, HOUR_MS, MIN_ALERT_PERIOD_MS);
  }

  /** Time between a node's polls, stretched if the account's nodes together would exceed the budget. */
  intervalMs(intervalMs: number): number {
    return this.scaled(intervalMs * this.plan().factor);
  }

  /** Time between checks of Flume's own alerts for a node polling every `intervalMs`. */
  alertPeriodMs(intervalMs: number): number {
    return this.scaled(alertPeriodMs(intervalMs, MIN_ALERT_PERIOD_MS) * this.plan().factor);
  }

  /** Time between `leaks/active` calls for a sensor with no leak raised or announced. */
  leakStatePeriodMs(intervalMs: number): number {
    return this.scaled(leakStatePeriodMs(intervalMs, MIN_ALERT_PERIOD_MS) * this.plan().factor);
  }
}

/** The account's devices (a promise, so concurrent nodes share one call) and its locations' zones. */
interface DeviceCache {
  at: number;
  list: Promise<Device[]>;
  zones: Map<number, Promise<string | undefined>>;
}

type AccountState = SharedAccountState & { demands: Map<string, PollDemand>; devices?: DeviceCache };

/**
 * Budgets, token, device list and polling plan per account, kept in the runtime across redeploys: a full
 * deploy restarts the config node, and without this every deploy would cost a login and a device list and
 * start a fresh budget while Flume's own hourly counters keep running. Keyed by a hash of the account's settings, so new credentials start
 * clean, and two config nodes for one login (two imported examples) plan their polls together.
 */
const sharedStates = new Map<string, AccountState>();

function sharedState(options: FlumeClientOptions, timeScale: number): AccountState {
  const c = options.credentials;
  const key = createHash("sha256")
    .update([options.baseUrl, c.clientId, c.clientSecret, c.username, c.password, timeScale].join("\u0000"))
    .digest("hex");
  const limit = options.budgetPerHour ?? 100;
  let state = sharedStates.get(key);
  if (!state || state.budget.limit !== limit) {
    state = {
      budget: new RateBudget(limit, HOUR_MS / timeScale),
      oauthBudget: state?.oauthBudget ?? new RateBudget(options.oauthBudgetPerHour ?? 30, HOUR_MS / timeScale),
      session: state?.session ?? {},
      demands: state?.demands ?? new Map<string, PollDemand>(),
      devices: state?.devices,
    };
    sharedStates.set(key, state);
  }
  return state;
}

function describeSensors(sensors: Device[]): string {
  if (sensors.length === 0) return "none";
  return sensors.map((d) => (d.location?.name ? `${d.id} (${d.location.name})` : d.id)).join(", ");
}

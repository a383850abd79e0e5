import { formatLocal } from "../../../src/features/flume/domain/local-time";
import type { SimClock } from "../clock";
import type { SimRequest } from "../server";
import type { SimAccount } from "./auth";
import { type Json, MINUTE, sortBy } from "./wire";

/**
 * Flume's own alerts (reference A6, A7; simulator spec C1): Smart Leak detection with its
 * `leaks/active` state, High Flow alerts, and the usage alerts and notifications both leave behind,
 * with the filters of `notifications` and `usage-alerts`.
 */

/** What the alerts read from the simulator when one is raised. */
export interface AlertState {
  readonly clock: SimClock;
  readonly tz: string;
  readonly accounts: readonly SimAccount[];
  readonly sensorId: string;
}

export class AlertBook {
  readonly notifications: Json[] = [];
  readonly usageAlerts: Json[] = [];
  private readonly leaks = new Map<string, boolean>();
  private nextId = 5_243_137;

  constructor(private readonly state: AlertState) {}

  leakActive(deviceId: string): boolean {
    return this.leaks.get(deviceId) === true;
  }

  /** Flume's Smart Leak detection fires: leaks/active, a usage alert and an unread notification. */
  raiseLeak(deviceId: string, at: number): void {
    this.leaks.set(deviceId, true);
    this.addUsageAlert(deviceId, "Flume Smart Leak Alert", true, at);
    this.addNotification({
      device_id: deviceId,
      type: 1,
      title: "Potential Leak Detected!",
      message: "Flume Smart Leak Alert triggered at Home. Water has been running continuously at a low rate.",
      created_datetime: new Date(at).toISOString(),
      extra: { event_rule_name: "Flume Smart Leak Alert", advanced_low_flow: true, query: this.alertQuery(at) },
    });
  }

  clearLeak(deviceId: string): void {
    this.leaks.set(deviceId, false);
  }

  /** Flume's High Flow Alert fires: a usage alert and an unread notification (no level endpoint). */
  raiseHighFlow(deviceId: string, at: number): void {
    this.addUsageAlert(deviceId, "High Flow Alert", false, at);
    this.addNotification({
      device_id: deviceId,
      type: 1,
      title: "Usage Alert!",
      message:
        "High Flow Alert triggered at Home. Water has been running for 15 minutes averaging 6 gallons every minute.",
      created_datetime: new Date(at).toISOString(),
      extra: { event_rule_name: "High Flow Alert", advanced_low_flow: false, query: this.alertQuery(at) },
    });
  }

  addNotification(fields: Json): Json {
    const n: Json = {
      id: this.nextId++,
      device_id: this.state.sensorId,
      user_id: this.state.accounts[0].userId,
      type: 4,
      message: "",
      created_datetime: new Date(this.state.clock.now()).toISOString(),
      title: "",
      read: false,
      extra: null,
      ...fields,
    };
    this.notifications.push(n);
    return n;
  }

  markAllRead(): void {
    for (const n of this.notifications) n.read = true;
  }

  /** `notifications` with its `read`, `type`, `types` (bitmask) and `device_id` filters. */
  filterNotifications(req: SimRequest): Json[] {
    const q = req.query;
    const types = q.get("types");
    return sortBy(
      this.notifications.filter(
        (n) =>
          (q.get("read") === null || String(n.read) === q.get("read")) &&
          (q.get("type") === null || String(n.type) === q.get("type")) &&
          (types === null || (Number(n.type) & Number(types)) !== 0) &&
          (q.get("device_id") === null || n.device_id === q.get("device_id")),
      ),
      q.get("sort_field") ?? "created_datetime",
      q.get("sort_direction"),
    );
  }

  /** `usage-alerts` with its `device_id` and `flume_leak` filters. */
  filterUsageAlerts(req: SimRequest): Json[] {
    const q = req.query;
    return sortBy(
      this.usageAlerts.filter(
        (a) =>
          (q.get("device_id") === null || a.device_id === q.get("device_id")) &&
          (q.get("flume_leak") === null || String(a.flume_leak) === q.get("flume_leak")),
      ),
      q.get("sort_field") ?? "id",
      q.get("sort_direction"),
    );
  }

  private addUsageAlert(deviceId: string, rule: string, flumeLeak: boolean, at: number): void {
    this.usageAlerts.push({
      id: this.nextId++,
      device_id: deviceId,
      triggered_datetime: new Date(at).toISOString(),
      flume_leak: flumeLeak,
      query: this.alertQuery(at),
      event_rule_name: rule,
    });
  }

  /** The query an alert carries: the fifteen minutes before it, in the home's time zone. */
  private alertQuery(at: number): Json {
    const { tz } = this.state;
    return {
      request_id: "SYSTEM_TRIGGERED_USAGE_ALERT",
      since_datetime: formatLocal(at - 15 * MINUTE, tz),
      until_datetime: formatLocal(at, tz),
      tz,
      bucket: "MIN",
    };
  }
}

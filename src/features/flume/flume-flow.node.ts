import { BudgetExceededError, USAGE_BUCKETS, type Device, type FlumeAccount, type UsageBucket } from "./client";
import { RateLimitError, ValidationError } from "../../shared/errors";
import {
  flowReading,
  formatLocal,
  initialSensorState,
  isLocalDateTime,
  observeSensor,
  parseLocal,
  sensorCondition,
  type FlowUnit,
  type SensorIdentity,
  type SensorState,
  usageBatch,
} from "./domain";
import { Poller } from "../../shared/poller";
import { parseInstant } from "../../shared/time/instant";
import { onInput } from "../../runtime/input";
import { getConfigNode, numberProp } from "../../runtime/props";
import { clock, shortReason, statusError, statusIdle, statusOk, statusWaiting } from "../../runtime/status";
import type { FlowMessage, Node, NodeAPI, NodeDef, NodeMessage } from "../../runtime/types";

/**
 * Polls one Flume sensor: output 1 is the current flow on every poll, output 2 an alert only when a
 * leak or high flow starts or ends (our rule, or Flume's own signals). A message in triggers a poll, or
 * with `payload.usage` a usage query. All nodes of one account share its client and call budget.
 */

interface FlumeFlowDef extends NodeDef {
  flume: string;
  device?: string;
  interval?: string | number;
  unit?: string;
  leakThreshold?: string | number;
  leakMinutes?: string | number;
  useFlumeAlerts?: boolean | string;
}

/** What this node needs of its flume-config node. */
interface FlumeConfigLike extends Node {
  account: FlumeAccount;
  notePlanChanged(): void;
}

interface SensorTracking {
  state: SensorState;
  /** When Flume's own signals were last fetched for this sensor (runtime clock). */
  lastAlertCheck: number;
}

const GALLON_IN_LITERS = 3.785411784;

export = function (RED: NodeAPI): void {
  function FlumeFlow(this: Node, config: FlumeFlowDef): void {
    RED.nodes.createNode(this, config);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the closures below outlive the constructor
    const node = this;
    const unit: FlowUnit = config.unit === "L" ? "L" : "gal";
    const intervalMs = Math.max(0, numberProp(config.interval, 60)) * 1000;
    const useFlumeAlerts = config.useFlumeAlerts !== false && config.useFlumeAlerts !== "false";
    const settings = {
      rule: { threshold: numberProp(config.leakThreshold, 0.1), minutes: numberProp(config.leakMinutes, 120) },
      useFlumeAlerts,
      unit,
    };
    const configuredDevice = (config.device ?? "").trim();
    const configNode = getConfigNode<FlumeConfigLike>(RED, config.flume);

    if (!configNode) {
      statusError(node, "no Flume account");
      onInput(node, () =>
        Promise.reject(new ValidationError("No Flume account: choose a Flume account node in this node, then deploy.")),
      );
      return;
    }
    const account = configNode.account;
    const sensors = new Map<string, SensorTracking>();
    const inflight = new Set<AbortController>();

    const sensorFor = (deviceId: string): SensorTracking => {
      let s = sensors.get(deviceId);
      if (!s) sensors.set(deviceId, (s = { state: initialSensorState(), lastAlertCheck: 0 }));
      return s;
    };
    const toUnit = (gpm: number): number => Math.round((unit === "L" ? gpm * GALLON_IN_LITERS : gpm) * 1000) / 1000;
    const sensorOf = (device: Device): SensorIdentity => ({
      id: device.id,
      location: device.location?.name ?? (device.locationId !== undefined ? String(device.locationId) : "unknown"),
    });

    /** One poll: the flow (sent at once on output 1), then the alert states (changes on output 2). */
    async function poll(
      deviceId: string | undefined,
      signal: AbortSignal,
      send: (m: unknown[]) => void,
      msg?: FlowMessage,
    ) {
      const device = await account.resolveSensor(deviceId || configuredDevice, signal);
      const tz = await account.timeZone(device, signal);
      const flow = await account.client.currentFlow(device.id, signal);
      const readAt = flow.localTime ? parseLocal(flow.localTime, tz) : Number.NaN;
      const at = Number.isFinite(readAt) ? readAt : Date.now();
      const rate = toUnit(flow.gpm);
      const out = Object.assign(msg ?? {}, flowReading(sensorOf(device), { active: flow.active, rate }, unit, at));
      send([out, null]);

      const sensor = sensorFor(device.id);
      let signals = {};
      const period = account.alertPeriodMs(intervalMs);
      if (useFlumeAlerts && Date.now() - sensor.lastAlertCheck >= period) {
        sensor.lastAlertCheck = Date.now();
        signals = await account.flumeSignals(device.id, period * 0.9, signal);
      }
      const observed = observeSensor(
        sensor.state,
        { deviceId: device.id, flowRate: rate, flowActive: flow.active, at, ...signals },
        settings,
      );
      sensor.state = observed.state;
      if (observed.alerts.length > 0) {
        send([null, observed.alerts.map((a) => ({ topic: a.type, payload: a }))]);
      }

      const value = `${rate} ${unit}/min`;
      const condition = sensorCondition(sensor.state);
      if (intervalMs > 0 && account.plan().factor > 1) {
        statusWaiting(node, `rate budget: next poll ${clock(new Date(Date.now() + account.intervalMs(intervalMs)))}`);
      } else if (condition) {
        node.status({ fill: "yellow", shape: "dot", text: `${condition} · ${value} · ${clock()}` });
      } else {
        statusOk(node, value);
      }
    }

    async function usage(msg: FlowMessage, query: Record<string, unknown>, signal: AbortSignal): Promise<void> {
      const bucket = String(typeof query.bucket === "string" ? query.bucket : "HR").toUpperCase() as UsageBucket;
      if (!USAGE_BUCKETS.includes(bucket)) {
        throw new ValidationError(
          `msg.payload.usage.bucket must be one of ${USAGE_BUCKETS.join(", ")}, not "${bucket}".`,
        );
      }
      const device = await account.resolveSensor(
        typeof msg.device === "string" ? msg.device : configuredDevice,
        signal,
      );
      const tz = await account.timeZone(device, signal);
      const since = localTime(query.since, tz, "since") ?? formatLocal(Date.now() - 24 * 3_600_000, tz);
      const until = localTime(query.until, tz, "until");
      const points = await account.client.usage(
        device.id,
        { bucket, since, until, units: unit === "L" ? "LITERS" : "GALLONS" },
        signal,
      );
      const values = points.map((p) => ({
        at: p.localTime ? parseLocal(p.localTime, tz) : Number.NaN,
        value: p.value,
      }));
      Object.assign(msg, usageBatch(sensorOf(device), values, unit, bucket));
      statusOk(node, `${points.length} ${bucket} values`);
    }

    const poller = new Poller(
      async (signal) => {
        try {
          await poll(undefined, signal, (m) => node.send(m as NodeMessage[]));
        } catch (err) {
          if (!(err instanceof RateLimitError)) throw err;
          const wait = Math.max(err.retryAfterMs, account.intervalMs(intervalMs));
          const what = err instanceof BudgetExceededError ? "rate budget" : "rate limited by Flume";
          statusWaiting(node, `${what}: next poll ${clock(new Date(Date.now() + wait))}`);
          return wait;
        }
        return account.intervalMs(intervalMs);
      },
      (err) => {
        statusError(node, shortReason(err));
        node.error(err.message, {});
      },
    );

    onInput(node, async (msg, send) => {
      const controller = new AbortController();
      inflight.add(controller);
      try {
        const query = (msg.payload as { usage?: unknown } | undefined)?.usage;
        if (query && typeof query === "object") {
          await usage(msg, query as Record<string, unknown>, controller.signal);
          send([msg, null]);
          return;
        }
        const deviceId = typeof msg.device === "string" ? msg.device : undefined;
        await poll(deviceId, controller.signal, (m) => send(m as NodeMessage[]), msg);
      } finally {
        inflight.delete(controller);
      }
    });

    if (intervalMs > 0) {
      account.register(node.id, { intervalMs, useFlumeAlerts });
      configNode.notePlanChanged();
      poller.start(account.intervalMs(intervalMs));
    } else {
      statusIdle(node, "polls on input");
    }

    node.on("close", (_removed: boolean, done: () => void) => {
      poller.stop();
      for (const c of inflight) c.abort();
      inflight.clear();
      account.unregister(node.id);
      done();
    });
  }

  RED.nodes.registerType("flume-flow", FlumeFlow);
};

/** A time for a usage query as Flume wants it: wall-clock time at the home, "YYYY-MM-DD HH:mm:ss". */
function localTime(value: unknown, tz: string, name: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string" && isLocalDateTime(value)) {
    const t = value.trim().replace("T", " ");
    return t.length === 16 ? `${t}:00` : t;
  }
  return formatLocal(parseInstant(value, { timeZone: tz, name: `msg.payload.usage.${name}` }), tz);
}

import {
  BudgetExceededError,
  sayCall,
  TokenRefused,
  USAGE_BUCKETS,
  type Device,
  type FlumeAccount,
  type UsageBucket,
} from "./client";
import {
  flowReading,
  formatLocal,
  initialSensorState,
  isLocalDateTime,
  observeSensor,
  sensorCondition,
  usageBatch,
  type FlowUnit,
  type RuleSettings,
  type SensorAlert,
  type SensorIdentity,
  type SensorState,
  type AlertNotification,
  LEAK_RULE_NAME,
  NOTIFICATION_FRESH_MS,
} from "./domain";
import { english, phrase, RateLimitError, ValidationError, type Phrase } from "../../shared/errors";
import type { Batch, Reading } from "../../shared/reading";
import { parseInstant } from "../../shared/time/instant";

/**
 * What a flume-flow node does with one Flume sensor, without Node-RED: a poll reads the flow (handed
 * out at once) and then, when due, Flume's own alert signals, and returns the alerts whose state
 * changed; a usage query answers with a batch of points. It tracks each sensor it has read.
 */

export interface FlowSettings {
  /** The configured sensor id; blank means the account's only sensor. */
  device: string;
  /** Real (unscaled) ms between polls; 0 = polls on input only. */
  intervalMs: number;
  unit: FlowUnit;
  rule: RuleSettings;
  useFlumeAlerts: boolean;
}

/** What the poller needs of the account (a FlumeAccount; tests give a stand-in). */
export type SensorAccount = Pick<
  FlumeAccount,
  | "resolveSensor"
  | "timeZone"
  | "readFlow"
  | "readUsage"
  | "flumeSignals"
  | "alertPeriodMs"
  | "leakStatePeriodMs"
  | "intervalMs"
  | "plan"
  | "register"
  | "unregister"
>;

/** How the status line should read after a poll. */
export type PollStatus =
  | { kind: "ok"; value: string }
  | { kind: "raised"; condition: "leak" | "high flow"; value: string }
  /** The account's polls are stretched to fit the budget: the next one is at `nextAt`. */
  | { kind: "stretched"; nextAt: number };

/** A poll held back (our budget, Flume's 429, or credentials Flume refused): when the next one may run. */
export interface PollHeld {
  what: "rate budget" | "rate limited by Flume" | "login refused";
  waitMs: number;
  nextAt: number;
  /** A refusal that starts an episode: the one to hand to Catch nodes (later ones only show in the status). */
  firstRefusal?: boolean;
}

/**
 * What a redeploy of the node carries over (the kernel's node state): each sensor's alert state and checks,
 * when the next timer poll is due and for which interval, and whether a refusal was already reported. So a
 * redeploy neither polls at once nor raises an alert again.
 */
export interface PollerCarry {
  sensors: [string, SensorTracking][];
  nextPollAt?: number;
  intervalMs: number;
  refusalSaid: boolean;
}

interface SensorTracking {
  state: SensorState;
  /** When Flume's own signals were last fetched for this sensor (runtime clock). */
  lastAlertCheck: number;
  /** When `leaks/active` was last asked for this sensor (runtime clock). */
  lastLeakCheck: number;
}

/**
 * Whether a check should ask `leaks/active` beside the notifications: while a leak is raised or Flume's
 * leak state was on (to see it end), or an unread, fresh leak notification newer than the last clear
 * announces one (to follow its state). Otherwise the notifications alone see a new leak.
 */
function followsLeak(flume: SensorState["flume"], notes: AlertNotification[], deviceId: string, at: number): boolean {
  if (flume.leak.raised || flume.leakActive === true) return true;
  return notes.some(
    (n) =>
      n.ruleName === LEAK_RULE_NAME &&
      !n.read &&
      (!n.deviceId || n.deviceId === deviceId) &&
      n.createdAt > flume.leakClearedAt &&
      !(at - n.createdAt > NOTIFICATION_FRESH_MS),
  );
}

const GALLON_IN_LITERS = 3.785411784;
const DAY_MS = 24 * 3_600_000;

export class SensorPoller {
  private readonly sensors = new Map<string, SensorTracking>();
  private nextPollAt: number | undefined;
  private carriedInterval: number | undefined;
  private refusalSaid = false;

  constructor(
    private readonly account: SensorAccount,
    readonly settings: FlowSettings,
    private readonly now: () => number,
    carried?: PollerCarry,
    /** Says a phrase in the runtime's language (the calls an error names); English without one. */
    private readonly say: (p: Phrase) => string = english,
  ) {
    if (!carried) return;
    for (const [id, tracking] of carried.sensors) this.sensors.set(id, revive(tracking));
    this.nextPollAt = carried.nextPollAt;
    this.carriedInterval = carried.intervalMs;
    this.refusalSaid = carried.refusalSaid;
  }

  /** What the next deploy of this node starts from. */
  carry(): PollerCarry {
    const { nextPollAt, refusalSaid } = this;
    return { sensors: [...this.sensors], nextPollAt, intervalMs: this.settings.intervalMs, refusalSaid };
  }

  /** Time until the first timer poll: when the previous deploy's next poll was due (sooner if the interval changed). */
  firstPollMs(): number {
    // After a refused login, a deploy is the user's "try again" (no call while the account still holds it).
    if (this.nextPollAt === undefined || this.refusalSaid) return 0;
    const due = this.nextPollAt - this.now();
    return Math.max(0, this.carriedInterval === this.settings.intervalMs ? due : Math.min(due, this.nextPollMs()));
  }

  /** Notes when the timer's next poll is (for the next deploy); returns `ms`. */
  scheduled(ms: number): number {
    this.nextPollAt = this.now() + ms;
    return ms;
  }

  /** Joins the account's polling plan (timer polling only); false when this node polls on input. */
  register(id: string): boolean {
    const { intervalMs, useFlumeAlerts } = this.settings;
    if (intervalMs <= 0) return false;
    this.account.register(id, { intervalMs, useFlumeAlerts });
    return true;
  }

  unregister(id: string): void {
    this.account.unregister(id);
  }

  /** Time until the next timer poll, stretched when the account's nodes would exceed the budget. */
  nextPollMs(): number {
    return this.account.intervalMs(this.settings.intervalMs);
  }

  /** One poll: the flow goes to `onReading` at once, then the alerts that changed are returned. */
  async poll(
    deviceId: string | undefined,
    signal: AbortSignal,
    onReading: (reading: Reading) => void,
  ): Promise<{ alerts: SensorAlert[]; status: PollStatus }> {
    return this.naming(this.pollOnce(deviceId, signal, onReading));
  }

  /** A failed call's error with the call it names said in the runtime's language. */
  private async naming<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (err) {
      sayCall(err, this.say);
      throw err;
    }
  }

  private async pollOnce(
    deviceId: string | undefined,
    signal: AbortSignal,
    onReading: (reading: Reading) => void,
  ): Promise<{ alerts: SensorAlert[]; status: PollStatus }> {
    const { unit, useFlumeAlerts, intervalMs } = this.settings;
    const device = await this.account.resolveSensor(deviceId || this.settings.device, signal);
    const flow = await this.account.readFlow(device, signal);
    this.refusalSaid = false; // Flume answered: a refusal episode is over
    const at = flow.at ?? this.now();
    const rate = this.toUnit(flow.gpm);
    onReading(flowReading(sensorOf(device), { active: flow.active, rate }, unit, at));

    const sensor = this.sensorFor(device.id);
    let signals = {};
    const period = this.account.alertPeriodMs(intervalMs);
    if (useFlumeAlerts && this.now() - sensor.lastAlertCheck >= period) {
      const checkAt = this.now();
      sensor.lastAlertCheck = checkAt;
      const stateDue = checkAt - sensor.lastLeakCheck >= this.account.leakStatePeriodMs(intervalMs);
      const fetched = await this.account.flumeSignals(
        device.id,
        period * 0.9,
        signal,
        (notes) => stateDue || followsLeak(sensor.state.flume, notes, device.id, at),
      );
      if (fetched.leakActive !== undefined) sensor.lastLeakCheck = checkAt;
      signals = fetched;
    }
    const reading = { deviceId: device.id, flowRate: rate, flowActive: flow.active, at, ...signals };
    const observed = observeSensor(sensor.state, reading, this.settings);
    sensor.state = observed.state;
    return { alerts: observed.alerts, status: this.statusAfterPoll(sensor.state, `${rate} ${unit}/min`) };
  }

  /** A usage query (`msg.payload.usage`): bucket and since/until as the help describes them. */
  async usage(
    query: Record<string, unknown>,
    deviceId: string | undefined,
    signal: AbortSignal,
  ): Promise<{ batch: Batch; count: number; bucket: UsageBucket }> {
    const bucket = String(typeof query.bucket === "string" ? query.bucket : "HR").toUpperCase() as UsageBucket;
    if (!USAGE_BUCKETS.includes(bucket)) {
      throw new ValidationError(
        phrase(
          "flume-flow:errors.usageBucket",
          'msg.payload.usage.bucket must be one of __buckets__, not "__bucket__".',
          { buckets: USAGE_BUCKETS.join(", "), bucket },
        ),
      );
    }
    const { unit } = this.settings;
    const device = await this.account.resolveSensor(deviceId ?? this.settings.device, signal);
    const tz = await this.account.timeZone(device, signal);
    const asked = usageRange(query, tz, this.now());
    const since = asked.since ?? formatLocal(this.now() - DAY_MS, tz);
    // Minutes that have not happened have no usage: the range ends at "now" on the home's wall clock, and
    // a range wholly in the future is empty without a call. (The strings compare in time order.)
    const now = formatLocal(this.now(), tz);
    if (since >= now) return { batch: usageBatch(sensorOf(device), [], unit, bucket), count: 0, bucket };
    const until = asked.until === undefined || asked.until > now ? now : asked.until;
    const units = unit === "L" ? "LITERS" : "GALLONS";
    const values = await this.naming(this.account.readUsage(device, { bucket, since, until, units }, signal));
    return { batch: usageBatch(sensorOf(device), values, unit, bucket), count: values.length, bucket };
  }

  /**
   * When a timer poll failed for the rate, or because the credentials are held back after Flume refused
   * them, how long to hold off; undefined for any other failure.
   */
  heldBy(err: unknown): PollHeld | undefined {
    if (err instanceof TokenRefused && err.retryInMs !== undefined) {
      const waitMs = Math.max(err.retryInMs, this.nextPollMs());
      const firstRefusal = !this.refusalSaid;
      this.refusalSaid = true;
      return { what: "login refused", waitMs, nextAt: this.now() + waitMs, firstRefusal };
    }
    if (!(err instanceof RateLimitError)) return undefined;
    const waitMs = Math.max(err.retryAfterMs, this.nextPollMs());
    const what = err instanceof BudgetExceededError ? "rate budget" : "rate limited by Flume";
    return { what, waitMs, nextAt: this.now() + waitMs };
  }

  private statusAfterPoll(state: SensorState, value: string): PollStatus {
    if (this.settings.intervalMs > 0 && this.account.plan().factor > 1) {
      return { kind: "stretched", nextAt: this.now() + this.nextPollMs() };
    }
    const condition = sensorCondition(state);
    return condition ? { kind: "raised", condition, value } : { kind: "ok", value };
  }

  private sensorFor(deviceId: string): SensorTracking {
    let s = this.sensors.get(deviceId);
    if (!s)
      this.sensors.set(
        deviceId,
        (s = { state: initialSensorState(), lastAlertCheck: 0, lastLeakCheck: Number.NEGATIVE_INFINITY }),
      );
    return s;
  }

  /** Flume reports gal/min; readings carry three decimals. */
  private toUnit(gpm: number): number {
    return Math.round((this.settings.unit === "L" ? gpm * GALLON_IN_LITERS : gpm) * 1000) / 1000;
  }
}

/** A sensor's tracking as a context store may give it back: its "never" times (-Infinity) written as null. */
function revive(t: SensorTracking): SensorTracking {
  const never = (v: unknown): number => (typeof v === "number" ? v : Number.NEGATIVE_INFINITY);
  const flume = t.state.flume;
  return {
    ...t,
    lastLeakCheck: never(t.lastLeakCheck),
    state: {
      ...t.state,
      flume: {
        ...flume,
        leakClearedAt: never(flume.leakClearedAt),
        highFlow: { ...flume.highFlow, clearedAt: never(flume.highFlow.clearedAt) },
      },
    },
  };
}

/** A flume-flow node without its account node. */
export function noAccount(): ValidationError {
  return new ValidationError(
    phrase("flume-flow:errors.noAccount", "No Flume account: choose a Flume account node in this node, then deploy."),
    { statusText: phrase("flume-flow:status.noAccount", "no Flume account") },
  );
}

/** The `msg.payload.usage` object of a message, when it asks for usage instead of a poll. */
export function usageQueryOf(payload: unknown): Record<string, unknown> | undefined {
  const query = (payload as { usage?: unknown } | undefined)?.usage;
  return query && typeof query === "object" ? (query as Record<string, unknown>) : undefined;
}

function sensorOf(device: Device): SensorIdentity {
  return {
    id: device.id,
    location: device.location?.name ?? (device.locationId !== undefined ? String(device.locationId) : "unknown"),
  };
}

/** Flume answers at most a year per query (reference A5, 400 code 94 beyond); a day's slack for DST. */
const MAX_RANGE_MS = 366 * DAY_MS;

/**
 * `since`/`until` of a usage query as Flume wants them, wall-clock time at the home ("YYYY-MM-DD HH:mm:ss"),
 * each read by the one instant parser (a "YYYY-MM-DD HH:mm" text at the home too), so a time that is no time
 * is refused here with the field's name instead of reaching Flume or a formatter.
 */
function usageRange(query: Record<string, unknown>, tz: string, now: number): { since?: string; until?: string } {
  const since = localTime(query.since, tz, "since");
  const until = localTime(query.until, tz, "until");
  if (since && until && until.at < since.at) {
    throw new ValidationError(
      phrase(
        "flume-flow:errors.usageReversed",
        'msg.payload.usage.until (__until__) is before since (__since__); swap them, or leave until blank for "now".',
        { until: until.text, since: since.text },
      ),
    );
  }
  const end = until ? Math.min(until.at, now) : now;
  if (since && end - since.at > MAX_RANGE_MS) {
    throw new ValidationError(
      until
        ? phrase(
            "flume-flow:errors.usageTooLong",
            "msg.payload.usage.until (__until__) is more than a year after since (__since__): Flume answers at most one year per query; split the range.",
            { until: until.text, since: since.text },
          )
        : phrase(
            "flume-flow:errors.usageTooLongToNow",
            "msg.payload.usage.until (now) is more than a year after since (__since__): Flume answers at most one year per query; split the range.",
            { since: since.text },
          ),
    );
  }
  return { since: since?.text, until: until?.text };
}

/** One time of a usage query: the wall-clock text Flume gets and its instant. */
function localTime(value: unknown, tz: string, name: string): { text: string; at: number } | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const at = parseInstant(value, { timeZone: tz, name: `msg.payload.usage.${name}` });
  // A text already on the home's clock goes as written (a time the clock shows twice keeps its meaning).
  if (typeof value === "string" && isLocalDateTime(value)) {
    const t = value.trim().replace("T", " ");
    return { text: t.length === 16 ? `${t}:00` : t, at };
  }
  return { text: formatLocal(at, tz), at };
}

import { phrase, RateLimitError, ValidationError, isTransient, type Phrase } from "../../../shared/errors";
import { RateBudget } from "../../../shared/rate-budget";
import { withRetry, type RetryPolicy } from "../../../shared/retry";
import { HttpTransport } from "../../../shared/http";
import { TokenManager, type FlumeCredentials, type TokenSession } from "./auth";
import { BudgetExceededError, CALLS, parseEnvelope, resourceError, type Envelope } from "./envelope";

export { BudgetExceededError };
import {
  parseDevice,
  parseFlowRate,
  parseList,
  parseLocation,
  parseNotification,
  parseUsageAlert,
  parseUsagePoints,
  type Device,
  type FlowRate,
  type Location,
  type Notification,
  type UsageAlert,
  type UsageBucket,
  type UsagePoint,
  type UsageUnits,
} from "./models";

export const FLUME_API = "https://api.flumewater.com";
export const HOUR_MS = 3_600_000;

export interface FlumeClientOptions {
  baseUrl: string;
  credentials: FlumeCredentials;
  /** Calls per hour this account's nodes may make to `/users/…` (Flume allows 120). */
  budgetPerHour?: number;
  /** Logins and refreshes per hour (a separate 120/hour limit at Flume). */
  oauthBudgetPerHour?: number;
  /**
   * How much faster than real time the budget windows and holds run: 1 in production; tests use e.g.
   * 1000, so that one budget hour lasts 3.6 s.
   */
  timeScale?: number;
  timeoutMs?: number;
  retry?: RetryPolicy;
  now?: () => number;
  /** State that outlives this client (budgets, token), shared with the next client of the same account. */
  shared?: SharedAccountState;
}

export interface SharedAccountState {
  budget: RateBudget;
  oauthBudget: RateBudget;
  session: TokenSession;
}

export interface UsageQuery {
  bucket: UsageBucket;
  /** Device-local "YYYY-MM-DD HH:mm:ss". */
  since: string;
  until?: string;
  units?: UsageUnits;
  operation?: "SUM" | "AVG" | "MIN" | "MAX" | "CNT";
}

/**
 * A typed client of the Flume personal API (reference A4): login and token upkeep, one rolling call
 * budget for `/users/…` shared by everything that uses this client, retries of passing faults, and
 * parsing into the models. It knows nothing of Node-RED.
 */
export class FlumeClient {
  readonly budget: RateBudget;
  readonly oauthBudget: RateBudget;
  readonly baseUrl: string;
  private readonly http: HttpTransport;
  private readonly auth: TokenManager;
  private readonly retry: RetryPolicy;

  constructor(options: FlumeClientOptions) {
    const scale = options.timeScale && options.timeScale > 0 ? options.timeScale : 1;
    const now = options.now ?? Date.now;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.http = new HttpTransport("Flume", { baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 15_000 });
    this.budget = options.shared?.budget ?? new RateBudget(options.budgetPerHour ?? 100, HOUR_MS / scale, now);
    this.oauthBudget =
      options.shared?.oauthBudget ?? new RateBudget(options.oauthBudgetPerHour ?? 30, HOUR_MS / scale, now);
    this.auth = new TokenManager(
      this.http,
      options.credentials,
      this.oauthBudget,
      now,
      (15 * 60_000) / scale,
      options.shared?.session,
    );
    // One quick second try for a passing fault; longer outages are the next poll's business.
    this.retry = options.retry ?? { retries: 1, baseMs: 1000 / scale, maxMs: 4000 / scale };
  }

  /** Forgets refused credentials, so that the next call logs in at once (the account node was deployed). */
  retryLogin(): void {
    this.auth.retryLogin();
  }

  /** The account's devices with their locations (time zones), bridges included. */
  async devices(signal?: AbortSignal): Promise<Device[]> {
    const data = await this.list("/devices", { location: "true", limit: "2000" }, CALLS.devices(), signal);
    return parseList(data, parseDevice);
  }

  async device(deviceId: string, signal?: AbortSignal): Promise<Device> {
    const env = await this.call(
      "GET",
      `/devices/${enc(deviceId)}`,
      { location: "true" },
      undefined,
      CALLS.device(),
      signal,
    );
    const device = parseDevice(env.data[0]);
    if (!device)
      throw new ValidationError(
        phrase("flume-flow:errors.noDevice", "Flume returned no device __device__; pick a sensor from the list.", {
          device: deviceId,
        }),
      );
    return device;
  }

  /** One location of the account: its name and `tz`, where the device list left `location` out. */
  async location(locationId: number, signal?: AbortSignal): Promise<Location | undefined> {
    const env = await this.call("GET", `/locations/${locationId}`, {}, undefined, CALLS.location(), signal);
    return parseLocation(env.data[0]);
  }

  /** Whether water runs now and how fast (gal/min). */
  async currentFlow(deviceId: string, signal?: AbortSignal): Promise<FlowRate> {
    const env = await this.call("GET", `/devices/${enc(deviceId)}/query/active`, {}, undefined, CALLS.flow(), signal);
    const flow = parseFlowRate(env.data[0]);
    if (!flow)
      throw new ValidationError(
        phrase("flume-flow:errors.noFlowRate", "Flume's current-flow answer had no flow rate; the next poll retries."),
      );
    return flow;
  }

  /** Water used per bucket between two device-local times, in the requested units. */
  async usage(deviceId: string, query: UsageQuery, signal?: AbortSignal): Promise<UsagePoint[]> {
    const requestId = "usage";
    const body = {
      queries: [
        {
          request_id: requestId,
          bucket: query.bucket,
          since_datetime: query.since,
          ...(query.until ? { until_datetime: query.until } : {}),
          units: query.units ?? "GALLONS",
          ...(query.operation ? { operation: query.operation } : {}),
        },
      ],
    };
    const env = await this.call("POST", `/devices/${enc(deviceId)}/query`, {}, body, CALLS.usage(), signal);
    const answers = env.data[0] as Record<string, unknown> | undefined;
    return parseUsagePoints(answers?.[requestId]);
  }

  /** Flume's own current leak state for the device (`leaks/active`). */
  async activeLeak(deviceId: string, signal?: AbortSignal): Promise<boolean> {
    const env = await this.call("GET", `/devices/${enc(deviceId)}/leaks/active`, {}, undefined, CALLS.leaks(), signal);
    return env.data.some((d) => typeof d === "object" && d !== null && (d as { active?: unknown }).active === true);
  }

  /** Notifications, newest first (oldest-first paging would hide new ones on busy accounts). */
  async notifications(
    options: { unreadOnly?: boolean; deviceId?: string; limit?: number } = {},
    signal?: AbortSignal,
  ): Promise<Notification[]> {
    const params: Record<string, string> = {
      limit: String(options.limit ?? 50),
      sort_field: "created_datetime",
      sort_direction: "DESC",
    };
    if (options.unreadOnly) params.read = "false";
    if (options.deviceId) params.device_id = options.deviceId;
    const env = await this.call("GET", "/notifications", params, undefined, CALLS.notifications(), signal);
    return parseList(env.data, parseNotification);
  }

  /** Usage alerts (Smart Leak, High Flow, custom rules), newest first. */
  async usageAlerts(options: { deviceId?: string; limit?: number } = {}, signal?: AbortSignal): Promise<UsageAlert[]> {
    const params: Record<string, string> = {
      limit: String(options.limit ?? 20),
      sort_field: "triggered_datetime",
      sort_direction: "DESC",
    };
    if (options.deviceId) params.device_id = options.deviceId;
    const env = await this.call("GET", "/usage-alerts", params, undefined, CALLS.usageAlerts(), signal);
    return parseList(env.data, parseUsageAlert);
  }

  /** Follows relative `pagination.next` links, guarding against a link that repeats. */
  private async list(path: string, params: Record<string, string>, what: Phrase, signal?: AbortSignal) {
    const items: unknown[] = [];
    const seen = new Set<string>();
    let env = await this.call("GET", path, params, undefined, what, signal);
    items.push(...env.data);
    for (let page = 1; env.next && page < 10; page++) {
      if (seen.has(env.next)) break;
      seen.add(env.next);
      env = await this.call("GET", env.next, {}, undefined, what, signal, true);
      items.push(...env.data);
    }
    return items;
  }

  /** One `/users/{id}…` call: budget, token, one fresh token after a 401, retries of passing faults. */
  private call(
    method: "GET" | "POST",
    path: string,
    params: Record<string, string>,
    data: unknown,
    what: Phrase,
    signal?: AbortSignal,
    absolute = false,
  ): Promise<Envelope> {
    return withRetry(
      async () => {
        let renewed = false;
        for (;;) {
          const { accessToken, userId } = await this.auth.get(signal);
          this.takeBudget();
          const url = absolute ? path : `/users/${userId}${path}`;
          const res = await this.http.request({
            method,
            url,
            params,
            data,
            headers: {
              Authorization: `Bearer ${accessToken}`,
              ...(data ? { "Content-Type": "application/json" } : {}),
            },
            signal,
          });
          if (res.status === 401 && !renewed) {
            renewed = true;
            this.auth.invalidate(accessToken);
            continue;
          }
          if (res.status >= 300) throw resourceError(this.http, res, what);
          return parseEnvelope(this.http, res);
        }
      },
      this.retry,
      { signal, isRetryable: (err) => isPassingFault(err) },
    );
  }

  private takeBudget(): void {
    if (this.budget.tryTake()) return;
    const wait = this.budget.waitMs();
    throw new BudgetExceededError(
      phrase(
        "flume-flow:errors.budgetUsed",
        "Flume call budget used up: this account's nodes made __limit__ calls in the last hour (the budget of the Flume account node); the next call fits in __seconds__ s.",
        { limit: this.budget.limit, seconds: Math.ceil(wait / 1000) },
      ),
      wait,
    );
  }
}

/** 5xx, timeouts and unreachable hosts are worth one more try now; a rate limit is the poller's business. */
function isPassingFault(err: unknown): boolean {
  return isTransient(err) && !(err instanceof RateLimitError);
}

const enc = encodeURIComponent;

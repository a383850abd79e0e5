import { createHmac, randomBytes } from "node:crypto";
import { STATUS_CODES } from "node:http";
import { formatLocal, formatParts, parseLocal, tzOffsetMs } from "../../src/features/flume/domain/local-time";
import { RollingWindow } from "./rate-window";
import { SimulatorServer, type SimHandler, type SimRequest, type SimResponse } from "./server";

/**
 * A loopback Flume (reference Part C1): the OAuth password and refresh grants with HS256 JWTs that carry
 * `user_id`, the envelope of every answer, per-IP rolling 120/hour counters for `/oauth` and `/users`
 * with the X-RateLimit-* headers and the 429 body, bridge and sensor devices, a scriptable per-minute
 * flow series in the home's time zone behind `query/active` and `query`, and switchable leak and
 * high-flow events that show up in `leaks/active`, `usage-alerts` and `notifications`.
 */

export interface SimAccount {
  userId: number;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  verified: boolean;
}

export interface SimDevice {
  id: string;
  type: 1 | 2;
  locationId: number;
  bridgeId: string | null;
  batteryLevel?: string;
  product?: string;
  connected: boolean;
  /** Leave out `location` even when asked for, as some live answers do (HA #77739). */
  noLocation?: boolean;
}

export interface FlowSegment {
  deviceId?: string;
  startMs: number;
  endMs: number;
  gpm: number;
}

export interface FlumeSimOptions {
  account?: Partial<SimAccount>;
  tz?: string;
  tokenLifetimeSeconds?: number;
  rateLimitPerHour?: number;
}

type Json = Record<string, unknown>;

export const DEMO_CREDENTIALS = {
  clientId: "demo-flume-client",
  clientSecret: "demo-flume-client-secret-7f3a",
  username: "demo@meterflow.example",
  password: "demo-flume-password-42",
};

const UNITS: Record<string, number> = {
  GALLONS: 1,
  LITERS: 3.785411784,
  CUBIC_FEET: 0.133680556,
  CUBIC_METERS: 0.003785411784,
};
const BUCKETS = ["MIN", "HR", "DAY", "MON", "YR"];
const OPERATIONS = ["SUM", "AVG", "MIN", "MAX", "CNT"];
const MINUTE = 60_000;
const HOUR = 3_600_000;
const YEAR = 366 * 24 * HOUR;

export class FlumeSimulator extends SimulatorServer {
  readonly name = "flume";
  readonly accounts: SimAccount[] = [];
  readonly devices: SimDevice[] = [];
  readonly locations: Json[] = [];
  readonly notifications: Json[] = [];
  readonly usageAlerts: Json[] = [];
  readonly flowSegments: FlowSegment[] = [];
  /** Grant types in the order they were asked for ("password", "refresh_token"), refused ones included. */
  readonly grants: string[] = [];
  /** Flow when no segment covers a minute, gal/min. */
  baseFlow: (ms: number, deviceId: string) => number = () => 0;
  tokenLifetimeSeconds: number;
  tz: string;
  readonly oauthWindow: RollingWindow;
  readonly usersWindow: RollingWindow;
  /** Fault switches. */
  unverified = false;
  /** `count` that disagrees with `data.length`, as in some captures. */
  miscount = false;

  private readonly leaks = new Map<string, boolean>();
  private readonly accessTokens = new Map<string, { userId: number; exp: number }>();
  private readonly refreshTokens = new Map<string, { userId: number; clientId: string }>();
  private readonly signingKey = randomBytes(32);
  private readonly timeline: { at: number; run: () => void }[] = [];
  private nextId = 5_243_137;

  constructor(options: FlumeSimOptions = {}) {
    super();
    this.tz = options.tz ?? "America/Los_Angeles";
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 604_800;
    const limit = options.rateLimitPerHour ?? 120;
    this.oauthWindow = new RollingWindow(this.clock, limit, HOUR);
    this.usersWindow = new RollingWindow(this.clock, limit, HOUR);
    this.accounts.push({
      userId: 12345,
      verified: true,
      ...DEMO_CREDENTIALS,
      ...options.account,
    });
    const userId = this.accounts[0].userId;
    this.locations.push({
      id: 44565,
      user_id: userId,
      name: "Home",
      primary_location: true,
      address: "123 Fake Street",
      city: "Nowhere",
      state: "ZZ",
      postal_code: "12345",
      country: "United States",
      tz: this.tz,
      installation: "DONE",
      building_type: "SINGLE_FAMILY_HOME",
      away_mode: false,
    });
    this.devices.push(
      { id: "6782193059647718740", type: 1, locationId: 44565, bridgeId: null, product: "flume2", connected: true },
      {
        id: "6721255604737738501",
        type: 2,
        locationId: 44565,
        bridgeId: "6782193059647718740",
        batteryLevel: "medium",
        product: "flume2",
        connected: true,
      },
    );
    this.installRoutes();
  }

  /** The id of the first sensor. */
  get sensorId(): string {
    return this.devices.find((d) => d.type === 2)!.id;
  }

  /** Adds another sensor (for "which sensor?" cases); `noLocation` drops its location fields. */
  addSensor(id = `67212556047377${String(38502 + this.devices.length)}`, noLocation = false): SimDevice {
    const device: SimDevice = {
      id,
      type: 2,
      locationId: 44565,
      bridgeId: this.devices[0].id,
      batteryLevel: noLocation ? undefined : "high",
      product: noLocation ? undefined : "flume2",
      connected: true,
      noLocation,
    };
    this.devices.push(device);
    return device;
  }

  /** Water runs at `gpm` from `fromMs` (default now) for `minutes` (default: an hour). */
  scriptFlow(gpm: number, options: { fromMs?: number; minutes?: number; deviceId?: string } = {}): void {
    const startMs = options.fromMs ?? this.clock.now();
    this.flowSegments.push({
      deviceId: options.deviceId,
      startMs,
      endMs: startMs + (options.minutes ?? 60) * MINUTE,
      gpm,
    });
  }

  flowAt(deviceId: string, ms: number): number {
    let gpm: number | undefined;
    for (const s of this.flowSegments) {
      if ((!s.deviceId || s.deviceId === deviceId) && ms >= s.startMs && ms < s.endMs) gpm = (gpm ?? 0) + s.gpm;
    }
    return gpm ?? this.baseFlow(ms, deviceId);
  }

  /** Flume's Smart Leak detection fires: leaks/active, a usage alert and an unread notification. */
  raiseLeak(deviceId = this.sensorId, at = this.clock.now()): void {
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

  clearLeak(deviceId = this.sensorId): void {
    this.leaks.set(deviceId, false);
  }

  /** Flume's High Flow Alert fires: a usage alert and an unread notification (no level endpoint). */
  raiseHighFlow(deviceId = this.sensorId, at = this.clock.now()): void {
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
      device_id: this.sensorId,
      user_id: this.accounts[0].userId,
      type: 4,
      message: "",
      created_datetime: new Date(this.clock.now()).toISOString(),
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

  /** Every refresh token issued so far is refused from now on ("Refresh token is invalid."). */
  invalidateRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  /** Runs `run` on the first request at or after sim time `at` (scenarios without timers). */
  at(at: number, run: () => void): void {
    this.timeline.push({ at, run });
    this.timeline.sort((a, b) => a.at - b.at);
  }

  // ----- wire format -------------------------------------------------------------------------

  private ok(data: unknown[], extra: { code?: number; message?: string; pagination?: unknown } = {}): SimResponse {
    return {
      status: 200,
      body: {
        success: true,
        code: extra.code ?? 602,
        message: extra.message ?? "Request OK",
        http_code: 200,
        http_message: "OK",
        detailed: null,
        data,
        count: this.miscount ? data.length + 1 : data.length,
        pagination: extra.pagination ?? null,
      },
    };
  }

  private fail(
    status: number,
    message: string,
    detailed: string[] | null,
    code?: number,
    data: unknown[] = [],
  ): SimResponse {
    return {
      status,
      body: {
        success: false,
        ...(code !== undefined ? { code } : {}),
        message,
        http_code: status,
        http_message: STATUS_CODES[status] ?? "Error",
        detailed,
        data,
        count: data.length,
        pagination: null,
      },
    };
  }

  protected override faultStatusResponse(status: number): SimResponse {
    return this.fail(status, STATUS_CODES[status] ?? "Error", ["The server encountered an error"]);
  }

  protected override rateLimitResponse(retryAfterSeconds: number): SimResponse {
    const res = this.fail(429, "Too many requests, please try again later.", null);
    res.headers = { "Retry-After": retryAfterSeconds };
    return res;
  }

  protected override notFound(): SimResponse {
    return this.fail(404, "Record could not be found", null, 610);
  }

  // ----- routes ------------------------------------------------------------------------------

  private installRoutes(): void {
    this.route(
      "POST",
      "/oauth/token",
      this.limited(this.oauthWindow, (req) => this.token(req)),
    );
    for (const prefix of ["/users/:userId", "/me"]) {
      const r = (method: string, path: string, handler: (req: SimRequest, account: SimAccount) => SimResponse): void =>
        this.route(method, prefix + path, this.limited(this.usersWindow, this.authorized(handler)));
      r("GET", "", (_req, a) =>
        this.ok([
          {
            id: a.userId,
            email_address: a.username,
            first_name: "Flume",
            last_name: "User",
            status: "Active",
            type: "USER",
          },
        ]),
      );
      r("GET", "/devices", (req, a) => this.page(req, this.deviceList(a, req), "/devices"));
      r("GET", "/devices/:deviceId", (req, a) => this.withDevice(req, a, (d) => this.ok([this.deviceJson(d, req)])));
      r("GET", "/devices/:deviceId/query/active", (req, a) =>
        this.withDevice(req, a, (d) => this.ok([this.active(d)])),
      );
      r("POST", "/devices/:deviceId/query", (req, a) => this.withDevice(req, a, (d) => this.query(d, req)));
      r("GET", "/devices/:deviceId/leaks/active", (req, a) =>
        this.withDevice(req, a, (d) => this.ok([{ active: this.leaks.get(d.id) === true }])),
      );
      r("GET", "/devices/:deviceId/budgets", (req, a) =>
        this.withDevice(req, a, () =>
          this.ok([{ id: 3, name: "Daily", type: "DAILY", value: 300, thresholds: [50, 80, 100], actual: 120 }]),
        ),
      );
      r("GET", "/locations", (req) => this.page(req, this.locations, "/locations"));
      r("GET", "/locations/:locationId", (req) => {
        const loc = this.locations.find((l) => String(l.id) === req.params.locationId);
        return loc ? this.ok([loc]) : this.fail(404, "Record could not be found", null, 610);
      });
      r("PATCH", "/locations/:locationId", (req) => {
        const loc = this.locations.find((l) => String(l.id) === req.params.locationId);
        if (!loc) return this.fail(404, "Record could not be found", null, 610);
        const away = (req.body as Json | undefined)?.away_mode;
        if (typeof away !== "boolean")
          return this.fail(400, "A provided parameter failed validation", ["away_mode must be a boolean"], 94);
        loc.away_mode = away;
        return this.ok([], { code: 612, message: "Record successfully updated" });
      });
      r("GET", "/notifications", (req) => this.page(req, this.filterNotifications(req), "/notifications"));
      r("PATCH", "/notifications/:id", (req) => {
        const n = this.notifications.find((x) => String(x.id) === req.params.id);
        if (!n) return this.fail(404, "Record could not be found", null, 610);
        if ((req.body as Json | undefined)?.read === true) n.read = true;
        return this.ok([], { code: 612, message: "Record successfully updated" });
      });
      r("GET", "/usage-alerts", (req) => this.page(req, this.filterUsageAlerts(req), "/usage-alerts"));
    }
  }

  /** Counts the request in its per-IP window; answers 429 past the limit; headers on every answer. */
  private limited(window: RollingWindow, handler: SimHandler): SimHandler {
    return async (req) => {
      this.tick();
      const verdict = window.hit(req.ip);
      const headers = {
        "X-RateLimit-Limit": verdict.limit,
        "X-RateLimit-Remaining": verdict.remaining,
        "X-RateLimit-Reset": Math.ceil(verdict.resetAt / 1000),
      };
      let res: SimResponse;
      if (!verdict.allowed) {
        res = this.rateLimitResponse(Math.max(1, Math.ceil((verdict.resetAt - this.clock.now()) / 1000)));
      } else {
        res = await handler(req);
      }
      res.headers = { ...headers, ...res.headers };
      return res;
    };
  }

  private authorized(handler: (req: SimRequest, account: SimAccount) => SimResponse): SimHandler {
    return (req) => {
      const header = String(req.headers.authorization ?? "");
      const match = /^bearer\s+(\S+)$/i.exec(header);
      if (!match) return this.fail(400, "invalid_request", ["The access token was not found"]);
      const token = this.accessTokens.get(match[1]);
      if (!token || this.revoked || token.exp <= this.clock.now()) {
        return this.fail(401, "invalid_token", ["The access token provided is invalid or has expired"]);
      }
      const account = this.accounts.find((a) => a.userId === token.userId)!;
      if (req.params.userId !== undefined && req.params.userId !== String(account.userId)) {
        return this.fail(403, "Caller does not have access to the information requested", [
          "You do not have the access permissions to access this route",
        ]);
      }
      return handler(req, account);
    };
  }

  private token(req: SimRequest): SimResponse {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const grant = text(body.grant_type);
    this.grants.push(grant);
    const account = this.accounts.find((a) => a.clientId === body.client_id && a.clientSecret === body.client_secret);
    if (!account) return this.fail(400, "invalid_client", ["Client credentials are invalid"]);
    let userId: number;
    if (grant === "password") {
      if (this.revoked || body.username !== account.username || body.password !== account.password) {
        return this.fail(400, "invalid_grant", ["Invalid user credentials"]);
      }
      if (this.unverified || !account.verified) {
        return this.fail(403, "unverified_user", null, undefined, [
          {
            verified: false,
            email_address: account.username,
            phone: "4444444444",
            first_name: "Flume",
            last_name: "Tech",
          },
        ]);
      }
      userId = account.userId;
    } else if (grant === "refresh_token") {
      const known = this.refreshTokens.get(text(body.refresh_token));
      if (this.revoked || !known || known.clientId !== account.clientId) {
        return this.fail(400, "invalid_grant", ["Refresh token is invalid."]);
      }
      userId = known.userId;
    } else {
      return this.fail(400, "unsupported_grant_type", ["The authorization grant type is not supported"]);
    }
    const iat = Math.floor(this.clock.now() / 1000);
    const exp = iat + this.tokenLifetimeSeconds;
    const accessToken = this.jwt({
      user_id: userId,
      type: "USER",
      scope: ["read:personal", "update:personal", "query:personal"],
      iat,
      exp,
      iss: "flume_oauth",
      sub: "",
    });
    // Old tokens stay valid until they expire (reference A3); the refresh token is kept, not rotated.
    this.accessTokens.set(accessToken, { userId, exp: exp * 1000 });
    let refreshToken = text(body.refresh_token);
    if (grant === "password") {
      refreshToken = randomBytes(20).toString("hex");
      this.refreshTokens.set(refreshToken, { userId, clientId: account.clientId });
    }
    const tokenData = {
      token_type: "bearer",
      access_token: accessToken,
      expires_in: this.tokenLifetimeSeconds,
      refresh_token: refreshToken,
    };
    if (req.query.get("envelope") === "false") return { status: 200, body: tokenData };
    return this.ok([tokenData]);
  }

  private jwt(payload: Json): string {
    const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString("base64url");
    const unsigned = `${part({ alg: "HS256", typ: "JWT" })}.${part(payload)}`;
    return `${unsigned}.${createHmac("sha256", this.signingKey).update(unsigned).digest("base64url")}`;
  }

  private tick(): void {
    const now = this.clock.now();
    while (this.timeline.length > 0 && this.timeline[0].at <= now) this.timeline.shift()!.run();
  }

  // ----- devices and water -------------------------------------------------------------------

  private deviceList(account: SimAccount, req: SimRequest): Json[] {
    const type = req.query.get("type");
    return this.devices
      .filter(() => account.userId === this.accounts[0].userId)
      .filter((d) => !type || String(d.type) === type)
      .map((d) => this.deviceJson(d, req));
  }

  private deviceJson(d: SimDevice, req: SimRequest): Json {
    const json: Json = {
      id: d.id,
      type: d.type,
      location_id: d.locationId,
      user_id: this.accounts[0].userId,
      bridge_id: d.bridgeId,
      last_seen: new Date(this.clock.now() - 47_000).toISOString(),
      connected: d.connected,
    };
    if (d.type === 2) json.oriented = true;
    if (d.type === 1) json.supports_ap = true;
    if (d.batteryLevel && !d.noLocation) json.battery_level = d.batteryLevel;
    if (d.product && !d.noLocation) json.product = d.product;
    if (req.query.get("location") === "true" && !d.noLocation) {
      json.location = this.locations.find((l) => l.id === d.locationId);
    }
    return json;
  }

  private withDevice(req: SimRequest, account: SimAccount, fn: (d: SimDevice) => SimResponse): SimResponse {
    const d = this.devices.find((x) => x.id === req.params.deviceId);
    if (!d || account.userId !== this.accounts[0].userId) return this.fail(404, "Record could not be found", null, 610);
    return fn(d);
  }

  private active(d: SimDevice): Json {
    const now = this.clock.now();
    const gpm = Math.round(this.flowAt(d.id, now) * 100) / 100;
    return { active: gpm > 0, gpm, datetime: formatLocal(Math.floor(now / MINUTE) * MINUTE, this.tz) };
  }

  private query(d: SimDevice, req: SimRequest): SimResponse {
    const queries = (req.body as Json | undefined)?.queries;
    if (!Array.isArray(queries) || queries.length === 0) {
      return this.fail(400, "A provided parameter failed validation", ["queries must be a non-empty array"], 94);
    }
    const answer: Json = {};
    for (const raw of queries as Json[]) {
      const result = this.runQuery(d, raw);
      if (typeof result === "string") return this.fail(400, "A provided parameter failed validation", [result], 94);
      answer[String(raw.request_id)] = result;
    }
    return { status: 200, body: { ...(this.ok([answer]).body as Json), count: 0 } };
  }

  /** One usage query: per-minute volumes summed into local-time buckets, or one aggregate. */
  private runQuery(d: SimDevice, q: Json): Json[] | string {
    if (typeof q.request_id !== "string" || !q.request_id) return "request_id is required";
    const bucket = text(q.bucket);
    if (!BUCKETS.includes(bucket)) return "Bucket is not a valid bucket {MIN/HR/DAY/MON/YR}";
    const since = parseLocal(text(q.since_datetime), this.tz);
    if (!Number.isFinite(since)) return "since_datetime must be YYYY-MM-DD HH:mm:ss";
    const until = q.until_datetime === undefined ? this.clock.now() : parseLocal(text(q.until_datetime), this.tz);
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
    for (let m = Math.floor(since / MINUTE) * MINUTE; m < until; m += MINUTE) {
      const hour = Math.floor(m / HOUR);
      let offset = offsets.get(hour);
      if (offset === undefined) offsets.set(hour, (offset = tzOffsetMs(m, this.tz)));
      const key = bucketKey(new Date(m + offset), bucket);
      sums.set(key, (sums.get(key) ?? 0) + this.flowAt(d.id, m) * UNITS[units]);
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

  // ----- alerts --------------------------------------------------------------------------------

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

  private alertQuery(at: number): Json {
    return {
      request_id: "SYSTEM_TRIGGERED_USAGE_ALERT",
      since_datetime: formatLocal(at - 15 * MINUTE, this.tz),
      until_datetime: formatLocal(at, this.tz),
      tz: this.tz,
      bucket: "MIN",
    };
  }

  private filterNotifications(req: SimRequest): Json[] {
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

  private filterUsageAlerts(req: SimRequest): Json[] {
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

  /** `limit`/`offset` paging with a relative `pagination.next`, as Flume sends it. */
  private page(req: SimRequest, items: Json[], path: string): SimResponse {
    const limit = req.query.get("limit") === null ? 50 : Number(req.query.get("limit"));
    const offset = req.query.get("offset") === null ? 0 : Number(req.query.get("offset"));
    if (!Number.isInteger(limit) || limit < 1)
      return this.fail(400, "A provided parameter failed validation", ["Provide a positive limit"], 94);
    if (!Number.isInteger(offset) || offset < 0)
      return this.fail(400, "A provided parameter failed validation", ["Provide a positive offset"], 94);
    const slice = items.slice(offset, offset + limit);
    let pagination: unknown = null;
    if (offset + limit < items.length) {
      const params = new URLSearchParams(req.query);
      params.set("offset", String(offset + limit));
      params.set("limit", String(limit));
      const prefix = req.params.userId !== undefined ? `/users/${req.params.userId}` : "/me";
      pagination = { next: `${prefix}${path}?${params.toString()}`, prev: null };
    }
    return this.ok(slice, { pagination });
  }
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

function sortBy(items: Json[], field: string, direction: string | null): Json[] {
  const sorted = [...items].sort((a, b) => {
    const x = a[field] as string | number;
    const y = b[field] as string | number;
    return x < y ? -1 : x > y ? 1 : Number(a.id) - Number(b.id);
  });
  return direction === "DESC" ? sorted.reverse() : sorted;
}

/** A request field as text; objects and absent fields give `fallback`. */
const text = (v: unknown, fallback = ""): string =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : fallback;

const round = (v: number): number => Math.round(v * 1e6) / 1e6;

/**
 * The `npm start` demo: the demo account, a sensor where water runs now and then (a few minutes at
 * 1–2 gal/min every twelve minutes), and a Flume Smart Leak alert about a minute after start that
 * clears five minutes later, once every half hour, so a flow speaks once per leak.
 */
export function demoSimulator(): FlumeSimulator {
  const sim = new DemoFlumeSimulator();
  sim.baseFlow = (ms) => {
    const minute = Math.floor(ms / MINUTE);
    return minute % 12 < 3 ? round(1.2 + 0.6 * Math.abs(Math.sin(minute))) : 0;
  };
  return sim;
}

class DemoFlumeSimulator extends FlumeSimulator {
  override async start(port = 0): Promise<string> {
    const url = await super.start(port);
    this.scheduleLeak(this.clock.now() + MINUTE);
    return url;
  }

  private scheduleLeak(at: number): void {
    const leakFor = 5 * MINUTE;
    this.at(at, () => {
      this.raiseLeak(this.sensorId, at);
      this.scriptFlow(0.35, { fromMs: at, minutes: 5 });
    });
    this.at(at + leakFor, () => {
      this.clearLeak();
      this.scheduleLeak(at + 30 * MINUTE);
    });
  }
}

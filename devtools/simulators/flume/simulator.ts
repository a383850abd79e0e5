import { STATUS_CODES } from "node:http";
import { RollingWindow } from "../rate-window";
import { SimulatorServer, type SimHandler, type SimResponse } from "../server";
import { AlertBook } from "./alerts";
import { DEMO_CREDENTIALS, type SimAccount, TokenIssuer } from "./auth";
import { bridgeAndSensor, extraSensor, homeLocation, type SimDevice } from "./devices";
import { rateLimited } from "./rate";
import { userRoutes } from "./routes";
import type { FlowSegment } from "./usage";
import { Envelope, fail, HOUR, type Json, MINUTE, notFound, tooManyRequests } from "./wire";

/**
 * A loopback Flume (reference Part C1): the OAuth password and refresh grants with HS256 JWTs that carry
 * `user_id`, the envelope of every answer, per-IP rolling 120/hour counters for `/oauth` and `/users`
 * with the X-RateLimit-* headers and the 429 body, bridge and sensor devices, a scriptable per-minute
 * flow series in the home's time zone behind `query/active` and `query`, and switchable leak and
 * high-flow events that show up in `leaks/active`, `usage-alerts` and `notifications`.
 */

export interface FlumeSimOptions {
  account?: Partial<SimAccount>;
  tz?: string;
  tokenLifetimeSeconds?: number;
  rateLimitPerHour?: number;
}

export class FlumeSimulator extends SimulatorServer {
  readonly name = "flume";
  readonly accounts: SimAccount[] = [];
  readonly devices: SimDevice[] = [];
  readonly locations: Json[] = [];
  readonly notifications: Json[];
  readonly usageAlerts: Json[];
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
  /** No device carries `location`, the bridge included; the zone is only in `/locations/{id}` (HA #116798, #77739). */
  omitLocations = false;

  private readonly wire = new Envelope(() => this.miscount);
  private readonly auth = new TokenIssuer(this, this.wire);
  private readonly alerts: AlertBook;
  private readonly timeline: { at: number; run: () => void }[] = [];

  constructor(options: FlumeSimOptions = {}) {
    super();
    this.tz = options.tz ?? "America/Los_Angeles";
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 604_800;
    const limit = options.rateLimitPerHour ?? 120;
    this.oauthWindow = new RollingWindow(this.clock, limit, HOUR);
    this.usersWindow = new RollingWindow(this.clock, limit, HOUR);
    this.accounts.push({ userId: 12345, verified: true, ...DEMO_CREDENTIALS, ...options.account });
    this.locations.push(homeLocation(this.accounts[0].userId, this.tz));
    this.devices.push(...bridgeAndSensor());
    this.alerts = new AlertBook(this);
    this.notifications = this.alerts.notifications;
    this.usageAlerts = this.alerts.usageAlerts;
    this.installRoutes();
  }

  /** The id of the first sensor. */
  get sensorId(): string {
    return this.devices.find((d) => d.type === 2)!.id;
  }

  /** Adds another sensor (for "which sensor?" cases); `noLocation` drops its location fields. */
  addSensor(id = `67212556047377${String(38502 + this.devices.length)}`, noLocation = false): SimDevice {
    const device = extraSensor(id, this.devices[0].id, noLocation);
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
    this.alerts.raiseLeak(deviceId, at);
  }

  clearLeak(deviceId = this.sensorId): void {
    this.alerts.clearLeak(deviceId);
  }

  /** Flume's High Flow Alert fires: a usage alert and an unread notification (no level endpoint). */
  raiseHighFlow(deviceId = this.sensorId, at = this.clock.now()): void {
    this.alerts.raiseHighFlow(deviceId, at);
  }

  addNotification(fields: Json): Json {
    return this.alerts.addNotification(fields);
  }

  markAllRead(): void {
    this.alerts.markAllRead();
  }

  /** Every refresh token issued so far is refused from now on ("Refresh token is invalid."). */
  invalidateRefreshTokens(): void {
    this.auth.invalidateRefreshTokens();
  }

  /** Runs `run` on the first request at or after sim time `at` (scenarios without timers). */
  at(at: number, run: () => void): void {
    this.timeline.push({ at, run });
    this.timeline.sort((a, b) => a.at - b.at);
  }

  protected override faultStatusResponse(status: number): SimResponse {
    return fail(status, STATUS_CODES[status] ?? "Error", ["The server encountered an error"]);
  }

  protected override rateLimitResponse(retryAfterSeconds: number): SimResponse {
    return tooManyRequests(retryAfterSeconds);
  }

  protected override notFound(): SimResponse {
    return notFound();
  }

  private installRoutes(): void {
    this.route(
      "POST",
      "/oauth/token",
      this.limited(this.oauthWindow, (req) => this.auth.token(req)),
    );
    // `/me/…` mirrors `/users/{id}/…` (reference A3: undocumented, used by Homey and SmartThings).
    for (const prefix of ["/users/:userId", "/me"]) {
      for (const [method, path, handler] of userRoutes(this, this.wire, this.alerts)) {
        this.route(method, prefix + path, this.limited(this.usersWindow, this.auth.authorized(handler)));
      }
    }
  }

  /** Scenario steps that are due run first, then the request counts in its rate window. */
  private limited(window: RollingWindow, handler: SimHandler): SimHandler {
    const counted = rateLimited(window, this.clock, handler);
    return (req) => {
      this.tick();
      return counted(req);
    };
  }

  private tick(): void {
    const now = this.clock.now();
    while (this.timeline.length > 0 && this.timeline[0].at <= now) this.timeline.shift()!.run();
  }
}

import { RollingWindow } from "../rate-window";
import { SimulatorServer, type SimRequest, type SimResponse } from "../server";
import { type Caller, type Generation, str, v2Caller, v2Token, v3Caller } from "./callers";
import {
  DEMO_DEVICES,
  DEMO_TOKEN,
  type SimDevice,
  type SpokenAnnouncement,
  type VoiceMonkeySimOptions,
} from "./options";

/**
 * A loopback VoiceMonkey (reference Part B, simulator spec C2): API v3 (`/announce`, `/devices`,
 * `/trigger`, `/flow`, Bearer/query/body tokens, `{"error":"CODE"}` with real statuses) and v2
 * (`/announcement` with `text`, `/flows`, raw `Authorization` or `token`, `{"success":false,"error"}`).
 * Tokens belong to one API generation, as on the real service. It keeps a monthly quota and a burst
 * lockout, and records everything Alexa "said" for tests (`announcements`, `GET /__sim/announcements`).
 * Where the reference marks behaviour UNCONFIRMED, the choice is an option.
 */

export class VoiceMonkeySimulator extends SimulatorServer {
  readonly name = "voicemonkey";
  readonly announcements: SpokenAnnouncement[] = [];
  readonly triggers: Array<{ apiVersion: Generation; device: string; at: number }> = [];
  readonly v3Tokens: Set<string>;
  readonly v2Tokens: Set<string>;
  readonly orphanTokens: Set<string>;
  devices: SimDevice[];
  flows: Array<{ id: string; enabled: boolean }> = [{ id: "1000", enabled: true }];
  monthlyQuota: number;
  lockoutMs: number;
  throttleStyle: "lockoutUntil" | "suffix";
  retryAfterHeader: boolean;
  routineAnnounce: "accept" | 400 | 404;
  v2ErrorsAs200: boolean;
  onSpoken?: (spoken: SpokenAnnouncement) => void;
  /** Variables the `var-<NAME>` parameters set, by name. */
  readonly variables = new Map<string, string>();
  /** Requests counted against the quota, per token and month. */
  readonly usage = new Map<string, number>();
  private readonly lockouts = new Map<string, number>();
  private readonly burst: RollingWindow;

  constructor(options: VoiceMonkeySimOptions = {}) {
    super();
    this.v3Tokens = new Set(options.v3Tokens ?? [DEMO_TOKEN]);
    this.v2Tokens = new Set(options.v2Tokens ?? []);
    // "Tokens are tied to an account's API generation" (reference B1): one token is never both.
    const both = [...this.v3Tokens].filter((t) => this.v2Tokens.has(t));
    if (both.length)
      throw new Error(`A VoiceMonkey token belongs to one API generation, not v2 and v3: ${both.length} given as both`);
    this.orphanTokens = new Set(options.orphanTokens ?? []);
    this.devices = options.devices ?? DEMO_DEVICES.map((d) => ({ ...d }));
    this.monthlyQuota = options.monthlyQuota ?? 200;
    this.burst = new RollingWindow(this.clock, options.burstLimit ?? 20, options.burstWindowMs ?? 10_000);
    this.lockoutMs = options.lockoutMs ?? 60_000;
    this.throttleStyle = options.throttleStyle ?? "lockoutUntil";
    this.retryAfterHeader = options.retryAfterHeader ?? true;
    this.routineAnnounce = options.routineAnnounce ?? 404;
    this.v2ErrorsAs200 = options.v2ErrorsAs200 ?? false;
    this.onSpoken = options.onSpoken;

    for (const method of ["GET", "POST"]) {
      this.route(method, "/announce", (req) => this.guard(req, "v3", (c) => this.announce(c, "v3")));
      this.route(method, "/devices", (req) => this.guard(req, "v3", () => this.listDevices()));
      this.route(method, "/flow", (req) => this.guard(req, "v3", (c) => this.flow(c, "v3")));
      this.route(method, "/announcement", (req) => this.guard(req, "v2", (c) => this.announce(c, "v2")));
      this.route(method, "/flows", (req) => this.guard(req, "v2", (c) => this.flow(c, "v2")));
      // Both generations have /trigger; the token says which one the caller speaks.
      this.route(method, "/trigger", (req) =>
        this.guard(req, this.v2Tokens.has(v2Token(req)) ? "v2" : "v3", (c, gen) => this.trigger(c, gen)),
      );
    }
    this.route("GET", "/__sim/announcements", () => ({ status: 200, body: { announcements: this.announcements } }));
    this.route("DELETE", "/__sim/announcements", () => {
      this.announcements.length = 0;
      return { status: 204 };
    });
  }

  /** The lines spoken so far, e.g. ["echo-kitchen: Water is running"]. */
  spoken(): string[] {
    return this.announcements.map((a) => `${a.device}: ${a.text}`);
  }

  /** Locks every token out for `ms` from now, as the service's safety lockout does. */
  lockOut(ms: number): void {
    const until = this.clock.now() + ms;
    for (const t of [...this.v3Tokens, ...this.v2Tokens]) this.lockouts.set(t, until);
  }

  /** Sets how many requests this month a token has already used. */
  setUsage(token: string, used: number): void {
    this.usage.set(`${token}|${this.month()}`, used);
  }

  protected override rateLimitResponse(retryAfterSeconds: number): SimResponse {
    return this.throttled(this.clock.now() + retryAfterSeconds * 1000);
  }

  protected override rateLimitHeaders(): Record<string, string | number> {
    return {};
  }

  /** 502–504 come from Cloudflare in front of the API, as an HTML page; others as the API's JSON. */
  protected override faultStatusResponse(status: number): SimResponse {
    if (status >= 502 && status <= 504)
      return {
        status,
        headers: { "Content-Type": "text/html; charset=UTF-8", Server: "cloudflare" },
        body: `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status}</h1></center><hr><center>cloudflare</center></body></html>`,
      };
    return { status, body: { error: "INTERNAL_SERVER_ERROR" } };
  }

  /** Authentication, lockout, burst and quota, in that order, before the endpoint runs. */
  private guard(
    req: SimRequest,
    gen: Generation,
    endpoint: (caller: Caller, gen: Generation) => SimResponse,
  ): SimResponse {
    const caller = gen === "v3" ? v3Caller(req) : v2Caller(req);
    if (!caller.token) return this.fail(gen, 401, "UNAUTHORIZED");
    if (this.orphanTokens.has(caller.token)) return this.fail(gen, 401, "USER_NOT_FOUND");
    const known = gen === "v3" ? this.v3Tokens : this.v2Tokens;
    if (this.revoked || !known.has(caller.token)) return this.fail(gen, 401, "INVALID_TOKEN");

    const now = this.clock.now();
    const lockedUntil = this.lockouts.get(caller.token) ?? 0;
    if (lockedUntil > now) return this.throttled(lockedUntil);
    if (!this.burst.hit(caller.token).allowed) {
      this.lockouts.set(caller.token, now + this.lockoutMs);
      return this.throttled(now + this.lockoutMs);
    }
    const usageKey = `${caller.token}|${this.month()}`;
    const used = this.usage.get(usageKey) ?? 0;
    if (this.monthlyQuota > 0 && used >= this.monthlyQuota) return this.fail(gen, 429, "MONTHLY_QUOTA_EXCEEDED");
    this.usage.set(usageKey, used + 1);
    return endpoint(caller, gen);
  }

  private announce(c: Caller, gen: Generation): SimResponse {
    const device = str(c.params.device);
    const text = str(gen === "v3" ? c.params.speech : c.params.text);
    if (!device) return this.fail(gen, 400, "MISSING_DEVICE");
    const known = this.devices.find((d) => d.id === device);
    // v2 does not check devices (a health check announces to a random id and gets success).
    if (gen === "v3" && !known) return this.fail(gen, 404, "DEVICE_NOT_FOUND");
    if (gen === "v3" && known?.capability === "routines" && this.routineAnnounce !== "accept")
      return this.fail(gen, this.routineAnnounce, this.routineAnnounce === 404 ? "DEVICE_NOT_FOUND" : "INVALID_DEVICE");
    // Media alone is an announcement: speech is "Required unless you're playing media or showing on-screen
    // text only" (reference B2), and `background_audio` and the `audio_tracks` array are media too.
    const media =
      ["audio", "background_audio", "image", "video", "website_url", "website"].some((k) => str(c.params[k])) ||
      (Array.isArray(c.params.audio_tracks) && c.params.audio_tracks.length > 0) ||
      (typeof c.params.audio_tracks === "string" && c.params.audio_tracks !== "");
    // The service's code for a missing text is not documented; this name is an assumption.
    if (!text && !media) return this.fail(gen, 400, gen === "v3" ? "MISSING_SPEECH" : "MISSING_TEXT");

    const spoken: SpokenAnnouncement = {
      apiVersion: gen,
      device,
      text,
      voice: str(c.params.voice) || undefined,
      language: str(c.params.language) || undefined,
      chime: str(c.params.chime) || undefined,
      at: this.clock.now(),
      auth: c.auth,
      params: c.params,
    };
    this.announcements.push(spoken);
    this.onSpoken?.(spoken);
    return this.ok(c, gen);
  }

  /**
   * Success, after the `var-<NAME>` parameters have upserted their variables, a side effect of every
   * endpoint (reference B2 `var-<NAME>`); v3 lists them in `variableUpdates` (B2 trigger).
   */
  private ok(c: Caller, gen: Generation): SimResponse {
    const updates: Array<{ name: string; value: string }> = [];
    for (const [key, value] of Object.entries(c.params)) {
      if (!key.startsWith("var-") || key.length <= 4) continue;
      const name = key.slice(4);
      this.variables.set(name, str(value));
      updates.push({ name, value: str(value) });
    }
    if (gen === "v2") return { status: 200, body: { success: true } };
    return {
      status: 200,
      body: { success: true, data: "OK", ...(updates.length ? { variableUpdates: updates } : {}) },
    };
  }

  private listDevices(): SimResponse {
    return { status: 200, body: { success: true, data: this.devices } };
  }

  private trigger(c: Caller, gen: Generation): SimResponse {
    const device = str(c.params.device);
    if (!device) return this.fail(gen, 400, "MISSING_DEVICE");
    if (gen === "v3" && !this.devices.some((d) => d.id === device)) return this.fail(gen, 404, "DEVICE_NOT_FOUND");
    this.triggers.push({ apiVersion: gen, device, at: this.clock.now() });
    return this.ok(c, gen);
  }

  private flow(c: Caller, gen: Generation): SimResponse {
    const id = str(c.params.flow) || str(c.params.id);
    const flow = this.flows.find((f) => f.id === id);
    if (!flow) return this.fail(gen, 404, "FLOW_NOT_FOUND");
    if (!flow.enabled) return this.fail(gen, 400, "FLOW_DISABLED");
    return this.ok(c, gen);
  }

  private throttled(until: number): SimResponse {
    const iso = new Date(until).toISOString();
    const headers: Record<string, string | number> = {};
    if (this.retryAfterHeader) headers["Retry-After"] = Math.max(1, Math.ceil((until - this.clock.now()) / 1000));
    const body =
      this.throttleStyle === "suffix" ? { error: `THROTTLED:${iso}` } : { error: "THROTTLED", lockoutUntil: iso };
    return { status: 429, headers, body };
  }

  private fail(gen: Generation, status: number, code: string): SimResponse {
    if (gen === "v3") return { status, body: { error: code } };
    return { status: this.v2ErrorsAs200 ? 200 : status, body: { success: false, error: code } };
  }

  private month(): string {
    return new Date(this.clock.now()).toISOString().slice(0, 7);
  }
}

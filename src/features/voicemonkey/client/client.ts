import { resolveBaseUrl } from "../../../shared/base-url";
import { HttpTransport, type TextResponse } from "../../../shared/http";
import {
  ApiError,
  AuthError,
  NetworkError,
  phrase,
  phraseOf,
  RateLimitError,
  TimeoutError,
  ValidationError,
  type Phrase,
} from "../../../shared/errors";
import { sleep } from "../../../shared/sleep";
import { errorCode, isThrottled, throttledError, toError } from "./errors";
import { BASE_URL_ENV, DEFAULT_BASE_URLS, type Announcement, type ApiVersion, type VoiceMonkeyDevice } from "./types";

export interface VoiceMonkeyClientOptions {
  apiVersion: ApiVersion;
  token: string;
  /** Blank = VOICEMONKEY_BASE_URL, else the real host of the version. */
  baseUrl?: string;
  timeoutMs?: number;
  /** Longest throttling lockout we sit out before the one retry; longer ones fail at once. */
  maxThrottleWaitMs?: number;
  /** Pause before retrying an answer that shows the request never got through (502–504, refused). */
  retryDelayMs?: number;
  now?: () => number;
}

export interface AnnounceHooks {
  signal?: AbortSignal;
  /** Called before sitting out a throttling lockout, e.g. to show a yellow status. */
  onThrottled?: (waitMs: number, retryAt: number) => void;
}

export interface AnnounceResult {
  device: string;
  text: string;
  /** How many requests it took (2 after a retry). */
  attempts: number;
}

/**
 * VoiceMonkey announcements and the device list, for API v3 (current) and v2 (older accounts).
 * Announcing costs a request of a small monthly quota and makes a noise in someone's home, so a retry
 * happens at most once and only when the first attempt cannot have been spoken: after a throttling
 * lockout, or a gateway error or refused connection. A timeout is not retried: Alexa may have spoken.
 */
export class VoiceMonkeyClient {
  readonly apiVersion: ApiVersion;
  readonly baseUrl: string;
  private readonly http: HttpTransport;
  private readonly token: string;
  private readonly maxThrottleWaitMs: number;
  private readonly retryDelayMs: number;
  private readonly now: () => number;
  /** End of the last lockout VoiceMonkey told us about: no request before it, so we don't prolong it. */
  private lockedUntil = 0;

  constructor(options: VoiceMonkeyClientOptions) {
    this.apiVersion = options.apiVersion;
    this.baseUrl = resolveBaseUrl(options.baseUrl, BASE_URL_ENV, DEFAULT_BASE_URLS[options.apiVersion]);
    this.token = (options.token ?? "").trim();
    this.maxThrottleWaitMs = options.maxThrottleWaitMs ?? 60_000;
    this.retryDelayMs = options.retryDelayMs ?? 2_000;
    this.now = options.now ?? Date.now;
    this.http = new HttpTransport("VoiceMonkey", { baseUrl: this.baseUrl, timeoutMs: options.timeoutMs ?? 15_000 });
  }

  async announce(announcement: Announcement, hooks: AnnounceHooks = {}): Promise<AnnounceResult> {
    const device = announcement.device.trim();
    const text = announcement.text.trim();
    if (!device) throw new ValidationError(noDevice());
    if (!text)
      throw new ValidationError(
        phrase("voicemonkey-announce:errors.emptyText", "Nothing to announce: the text is empty."),
      );
    this.requireToken();

    const request = this.announceRequest({ ...announcement, device, text });
    const lockout = this.lockedUntil - this.now();
    if (lockout > 0) {
      if (lockout > this.maxThrottleWaitMs) throw throttledError(this.lockedUntil, lockout);
      hooks.onThrottled?.(lockout, this.lockedUntil);
      await sleep(lockout, hooks.signal);
    }
    for (let attempt = 1; ; attempt++) {
      let res: TextResponse;
      try {
        res = await this.send(request, hooks.signal);
      } catch (err) {
        // A refused or reset connection never reached VoiceMonkey, so one retry cannot double-speak.
        if (!(err instanceof NetworkError) || attempt > 1) throw err;
        await sleep(this.retryDelayMs, hooks.signal);
        continue;
      }
      const code = errorCode(res);
      if (code === undefined) return { device, text, attempts: attempt };
      const err = toError(res, code, { device, now: this.now(), apiVersion: this.apiVersion });
      if (err instanceof RateLimitError) this.lockedUntil = this.now() + err.retryAfterMs;
      if (attempt > 1) throw this.finalError(err);
      if (err instanceof RateLimitError && isThrottled(code, res.status)) {
        if (err.retryAfterMs > this.maxThrottleWaitMs) throw err;
        hooks.onThrottled?.(err.retryAfterMs, this.now() + err.retryAfterMs);
        await sleep(err.retryAfterMs, hooks.signal);
      } else if (err instanceof ApiError && [502, 503, 504].includes(err.status)) {
        await sleep(this.retryDelayMs, hooks.signal);
      } else {
        throw err;
      }
    }
  }

  /** The account's devices (v3 only): speakers can announce, routines cannot. */
  async devices(signal?: AbortSignal): Promise<VoiceMonkeyDevice[]> {
    if (this.apiVersion !== "v3")
      throw new ValidationError(
        phrase(
          "voicemonkey-announce:errors.v2NoList",
          "VoiceMonkey API v2 has no device list: type the device ID from the VoiceMonkey console.",
        ),
      );
    this.requireToken();
    const res = await this.send(
      { method: "GET", url: "/devices", headers: { Authorization: `Bearer ${this.token}` } },
      signal,
    );
    const code = errorCode(res);
    if (code !== undefined) throw toError(res, code, { now: this.now(), apiVersion: this.apiVersion });
    const body = this.http.json<{ data?: unknown }>(res);
    if (!Array.isArray(body.data))
      throw new ApiError(
        phrase(
          "voicemonkey-announce:errors.noDeviceList",
          "VoiceMonkey sent a device list without devices; try again later.",
        ),
        res.status,
        res.body,
      );
    const entries = body.data as unknown[];
    return entries
      .filter(
        (d): d is Record<string, unknown> =>
          !!d && typeof d === "object" && typeof (d as Record<string, unknown>).id === "string",
      )
      .map((d) => ({
        id: d.id as string,
        name: typeof d.name === "string" ? d.name : (d.id as string),
        capability: typeof d.capability === "string" ? d.capability : "",
      }));
  }

  /** The request exactly as each API generation documents it (POST JSON avoids the `+` encoding trap). */
  private announceRequest(a: Announcement): { method: string; url: string; data: object; headers: object } {
    const options = { voice: a.voice, language: a.language, chime: a.chime, image: a.image };
    if (this.apiVersion === "v3") {
      return {
        method: "POST",
        url: "/announce",
        headers: { Authorization: `Bearer ${this.token}`, "Content-Type": "application/json" },
        data: compact({ device: a.device, speech: a.text, ...options, website_url: a.website }),
      };
    }
    return {
      method: "POST",
      url: "/announcement",
      headers: { "Content-Type": "application/json" },
      data: compact({ token: this.token, device: a.device, text: a.text, ...options, website: a.website }),
    };
  }

  private requireToken(): void {
    if (!this.token)
      throw new AuthError(
        phrase(
          "voicemonkey-announce:errors.noToken",
          "No VoiceMonkey token: paste your API token from the VoiceMonkey console (API Tokens) into the VoiceMonkey account the node uses.",
        ),
      );
  }

  /**
   * One request. The transport already strips secrets from a failure's cause; VoiceMonkey's errors still
   * drop the cause altogether, so a Catch node gets only the wording below.
   */
  private async send(
    request: { method: string; url: string; data?: object; headers?: object },
    signal?: AbortSignal,
  ): Promise<TextResponse> {
    try {
      return await this.http.request({ ...request, signal } as Parameters<HttpTransport["request"]>[0]);
    } catch (err) {
      if (err instanceof TimeoutError)
        throw new TimeoutError(
          phrase(
            "voicemonkey-announce:errors.timeout",
            "VoiceMonkey did not answer within __seconds__ s: the announcement may or may not have been spoken, so it is not repeated automatically.",
            { seconds: Math.round(err.timeoutMs / 1000) },
          ),
          err.timeoutMs,
        );
      if (err instanceof NetworkError) throw new NetworkError(phraseOf(err) ?? err.message);
      throw err;
    }
  }

  private finalError(err: Error): Error {
    if (err instanceof RateLimitError)
      return new RateLimitError(
        phrase(
          "voicemonkey-announce:errors.stillThrottled",
          "VoiceMonkey is still throttling after waiting once: the announcement was not spoken; send fewer announcements (raise the cooldown or lower the daily cap).",
        ),
        err.retryAfterMs,
        err.status,
      );
    return err;
  }
}

/** No device to speak on, as the message check and the client both say it. */
export function noDevice(): Phrase {
  return phrase(
    "voicemonkey-announce:errors.noDevice",
    "No VoiceMonkey device: choose a speaker in the node's settings or set msg.device.",
  );
}

/** Leaves out blank options, so VoiceMonkey applies the account's defaults. */
function compact(fields: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v.trim() !== "") out[k] = v.trim();
  return out;
}

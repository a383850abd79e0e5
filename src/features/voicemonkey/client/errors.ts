import { excerpt, retryAfterMs, type TextResponse } from "../../../shared/http";
import { ApiError, AuthError, phrase, QuotaError, RateLimitError } from "../../../shared/errors";

/**
 * Turns a VoiceMonkey error answer into a typed error whose message says what to do. v3 answers
 * `{"error":"CODE"}` with a real status; v2 `{"success":false,"error":"CODE"}`, sometimes with 200.
 */

/** How long we wait when a throttled answer says nothing about its lockout. */
export const DEFAULT_LOCKOUT_MS = 60_000;

/** The code of a 2xx answer without the documented `{"success": true}`. */
export const NOT_CONFIRMED = "NOT_CONFIRMED";

interface ErrorBody {
  success?: unknown;
  error?: unknown;
  lockoutUntil?: unknown;
}

export function parseBody(res: TextResponse): ErrorBody | undefined {
  try {
    const body = JSON.parse(res.body) as unknown;
    return body && typeof body === "object" ? body : undefined;
  } catch {
    return undefined;
  }
}

/** The error code of an answer, or undefined for a success. */
export function errorCode(res: TextResponse): string | undefined {
  const body = parseBody(res);
  const code = typeof body?.error === "string" && body.error !== "" ? body.error : undefined;
  // Both API versions confirm with {"success": true}; any other 2xx body (cut off, a proxy's page) confirms nothing.
  if (res.status >= 200 && res.status < 300) return code ?? (body?.success === true ? undefined : NOT_CONFIRMED);
  return code ?? `HTTP_${res.status}`;
}

/** The lockout a throttled answer asks for: Retry-After and `lockoutUntil` (or the `THROTTLED:<until>` suffix). */
export function throttleWaitMs(res: TextResponse, now: number): number {
  const fromHeader = retryAfterMs(res.headers, now);
  const body = parseBody(res);
  const until = typeof body?.lockoutUntil === "string" ? body.lockoutUntil : suffixOf(body?.error);
  const at = until !== undefined ? parseInstant(until) : undefined;
  const fromBody = at !== undefined ? Math.max(0, at - now) : undefined;
  // Both may come: the later of the two, so we never come back before either allows.
  if (fromHeader === undefined && fromBody === undefined) return DEFAULT_LOCKOUT_MS;
  return Math.max(fromHeader ?? 0, fromBody ?? 0);
}

function suffixOf(error: unknown): string | undefined {
  if (typeof error !== "string") return undefined;
  const i = error.indexOf(":");
  return i >= 0 ? error.slice(i + 1).trim() : undefined;
}

/** An ISO date, or epoch seconds / milliseconds. */
function parseInstant(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n < 1e12 ? n * 1000 : n;
  }
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

export function isThrottled(code: string | undefined, status: number): boolean {
  return (code?.startsWith("THROTTLED") ?? false) || (status === 429 && code !== "MONTHLY_QUOTA_EXCEEDED");
}

export interface ErrorContext {
  device?: string;
  now: number;
  apiVersion: string;
}

/** The throttling error of a lockout that ends at `until`, in the words both the client and the answer use. */
export function throttledError(until: number, wait: number, status?: number): RateLimitError {
  return new RateLimitError(
    phrase(
      "voicemonkey-announce:errors.throttled",
      "VoiceMonkey is throttling this account until __until__: the announcement was not spoken; send fewer announcements (raise the cooldown or lower the daily cap).",
      { until: new Date(until).toISOString() },
    ),
    wait,
    status,
  );
}

export function toError(res: TextResponse, code: string, ctx: ErrorContext): Error {
  const status = res.status;
  if (isThrottled(code, status)) {
    const wait = throttleWaitMs(res, ctx.now);
    return throttledError(ctx.now + wait, wait, status);
  }
  const other = ctx.apiVersion === "v3" ? "v2" : "v3";
  switch (code) {
    case "MONTHLY_QUOTA_EXCEEDED":
      return new QuotaError(
        phrase(
          "voicemonkey-announce:errors.monthlyQuota",
          "VoiceMonkey's monthly request quota is used up (the free plan allows 200 a month): announcements resume next month, or upgrade the plan; a lower daily cap keeps within it.",
        ),
        status,
      );
    case "UNAUTHORIZED":
      return new AuthError(
        phrase(
          "voicemonkey-announce:errors.noTokenSent",
          "VoiceMonkey got no token: paste your API token from the VoiceMonkey console (API Tokens) into the node's Token field.",
        ),
        status,
      );
    case "INVALID_TOKEN":
      return new AuthError(
        phrase(
          "voicemonkey-announce:errors.tokenRejected",
          "VoiceMonkey rejected the token: copy it again from the VoiceMonkey console (API Tokens); tokens only work with their account's API version, so if your account is on __other__, set the node's API version to __other__.",
          { other },
        ),
        status,
      );
    case "USER_NOT_FOUND":
      return new AuthError(
        phrase(
          "voicemonkey-announce:errors.noAccount",
          "VoiceMonkey knows the token but no account for it: create a new token in the VoiceMonkey console and paste it into the VoiceMonkey account.",
        ),
        status,
      );
    case "MISSING_DEVICE":
      return new ApiError(
        phrase(
          "voicemonkey-announce:errors.missingDevice",
          "VoiceMonkey got no device: choose a device in the node's settings or set msg.device.",
        ),
        status,
        excerpt(res.body),
      );
    case "DEVICE_NOT_FOUND":
      return new ApiError(
        phrase(
          "voicemonkey-announce:errors.unknownDevice",
          'VoiceMonkey has no device "__device__" on this account: pick a speaker from the device list in the node\'s settings (IDs look like kitchen-echo-3f7k2).',
          { device: ctx.device ?? "" },
        ),
        status,
        excerpt(res.body),
      );
  }
  if (code === NOT_CONFIRMED)
    return new ApiError(
      phrase(
        "voicemonkey-announce:errors.notConfirmed",
        'VoiceMonkey did not confirm the announcement (HTTP __status__ without "success": true: __body__); it may not have been spoken and does not count against the cooldown or the daily cap.',
        { status, body: excerpt(res.body) },
      ),
      status,
      res.body,
    );
  if (status === 401 || status === 403)
    return new AuthError(
      phrase(
        "voicemonkey-announce:errors.tokenRefused",
        "VoiceMonkey refused the token (HTTP __status__): copy it again from the VoiceMonkey console (API Tokens).",
        { status },
      ),
      status,
    );
  if (status >= 500)
    return new ApiError(
      phrase(
        "voicemonkey-announce:errors.serverError",
        "VoiceMonkey had a server error (HTTP __status__): the announcement was not spoken; try again later.",
        { status },
      ),
      status,
      excerpt(res.body),
    );
  return new ApiError(
    code.startsWith("HTTP_")
      ? phrase(
          "voicemonkey-announce:errors.refused",
          "VoiceMonkey refused the request (HTTP __status__): check the device and the announcement's options.",
          { status },
        )
      : phrase(
          "voicemonkey-announce:errors.refusedCode",
          "VoiceMonkey refused the request (HTTP __status__, __code__): check the device and the announcement's options.",
          { status, code },
        ),
    status,
    excerpt(res.body),
  );
}

import { ApiError, AuthError, RateLimitError, ValidationError, type ErrorOptions } from "../../../shared/errors";
import { excerpt, retryAfterMs, type HttpTransport, type TextResponse } from "../../../shared/http";

/**
 * Flume wraps every answer in one envelope (reference A2): `data` is always an array, `count` is not
 * to be trusted, `pagination.next` is a path without a host. This module unwraps it and turns error
 * answers into the typed errors, with messages that say what to do. No message repeats a credential.
 */

export interface Envelope {
  success: boolean;
  code?: number;
  message?: string;
  detailed: string[];
  data: unknown[];
  next?: string;
}

export function parseEnvelope(http: HttpTransport, res: TextResponse): Envelope {
  const raw = http.json<Record<string, unknown>>(res);
  if (typeof raw !== "object" || raw === null) throw malformed(res);
  const data = raw.data;
  if (res.status < 300 && !Array.isArray(data)) throw malformed(res);
  const detailed = Array.isArray(raw.detailed)
    ? raw.detailed.map((d: unknown) => {
        if (typeof d === "string") return d;
        const message = (d as { message?: unknown } | null)?.message;
        return typeof message === "string" ? message : JSON.stringify(d);
      })
    : [];
  const pagination = raw.pagination as { next?: unknown } | null | undefined;
  return {
    success: raw.success === true,
    code: typeof raw.code === "number" ? raw.code : undefined,
    message: typeof raw.message === "string" ? raw.message : undefined,
    detailed,
    data: Array.isArray(data) ? data : [],
    next: typeof pagination?.next === "string" && pagination.next ? pagination.next : undefined,
  };
}

function malformed(res: TextResponse): ApiError {
  return new ApiError(
    `Flume sent an answer without the usual envelope (HTTP ${res.status}); this is usually passing, the next poll retries.`,
    res.status >= 500 ? res.status : 0,
    excerpt(res.body),
  );
}

/** Reads an envelope leniently from an error answer (bodies of errors are sometimes not JSON). */
function errorEnvelope(http: HttpTransport, res: TextResponse): Partial<Envelope> {
  try {
    return parseEnvelope(http, res);
  } catch {
    return {};
  }
}

export type TokenFailure = "bad-client" | "bad-login" | "unverified" | "bad-refresh";

/** Our own budget for the account (calls or logins) is spent: no call was made; `retryAfterMs` says when one fits. */
export class BudgetExceededError extends RateLimitError {}

/**
 * A refused token request, classified so the auth layer can decide (a bad refresh means: log in again).
 * `retryInMs` is set once the auth layer holds the credentials back: the next attempt is that far away.
 */
export class TokenRefused extends AuthError {
  constructor(
    readonly failure: TokenFailure,
    message: string,
    status: number,
    options?: ErrorOptions,
    readonly retryInMs?: number,
  ) {
    super(message, status, { statusText: "login refused", ...options });
  }

  /**
   * A fresh copy that says when the next attempt is. The auth layer keeps the original and throws copies:
   * the kernel translates the errors it reports in place.
   */
  held(retryInMs: number): TokenRefused {
    const options = this.i18n ? { i18n: this.i18n } : undefined;
    return new TokenRefused(this.failure, this.message, this.status ?? 400, options, retryInMs);
  }
}

/** Maps a non-2xx answer of `/oauth/token` to an error. */
export function tokenError(http: HttpTransport, res: TextResponse, grant: "password" | "refresh_token"): Error {
  if (res.status === 429) return rateLimitError(res, "/oauth");
  if (res.status >= 500) return serverError(res);
  const env = errorEnvelope(http, res);
  const detail = env.detailed?.[0] ?? "";
  if (res.status === 403 && env.message === "unverified_user") {
    return new TokenRefused(
      "unverified",
      "Flume account not verified: Flume says this account never finished its sign-up; confirm the e-mail Flume sent, then deploy again.",
      403,
      { i18n: { key: "flume-flow:errors.unverified", statusKey: "flume-flow:status.loginRefused" } },
    );
  }
  if (env.message === "invalid_client" || /client credentials/i.test(detail)) {
    return new TokenRefused(
      "bad-client",
      "Client ID or secret refused: Flume did not accept the API client; copy both again from portal.flumewater.com → Settings → API Access.",
      res.status,
      { i18n: { key: "flume-flow:errors.badClient", statusKey: "flume-flow:status.loginRefused" } },
    );
  }
  if (grant === "refresh_token") {
    return new TokenRefused("bad-refresh", "Flume refused the refresh token; logging in again.", res.status);
  }
  // Flume answers a refused e-mail/password with 400, not 401 (reference A3, openHAB FlumeApi.java).
  if (res.status === 400 || res.status === 401 || res.status === 403) {
    return new TokenRefused(
      "bad-login",
      "Login failed, check e-mail/password: Flume refused the account's e-mail address or password; use the ones you sign in to the Flume app with.",
      res.status,
      { i18n: { key: "flume-flow:errors.badLogin", statusKey: "flume-flow:status.loginRefused" } },
    );
  }
  return new ApiError(
    `Flume refused the login with HTTP ${res.status}; check the base URL of the Flume account.`,
    res.status,
  );
}

/** Maps a non-2xx answer of a `/users/…` call to an error. */
export function resourceError(http: HttpTransport, res: TextResponse, what: string): Error {
  if (res.status === 429) return rateLimitError(res, "/users");
  if (res.status >= 500) return serverError(res);
  const env = errorEnvelope(http, res);
  const detail = env.detailed?.join("; ") || env.message || `HTTP ${res.status}`;
  if (res.status === 401) {
    return new AuthError("Flume no longer accepts the access token; logging in again on the next call.", 401);
  }
  if (res.status === 403) {
    return new AuthError(
      `Access denied by Flume for ${what}: the API client must belong to the same Flume account as the e-mail address.`,
      403,
    );
  }
  if (res.status === 404) {
    return new ApiError(
      `Not found at Flume: ${what} (${detail}); pick a sensor from the list in the node, or leave the device blank.`,
      404,
    );
  }
  if (res.status === 400) return new ValidationError(`Flume rejected the request for ${what}: ${detail}.`);
  return new ApiError(`Flume answered HTTP ${res.status} for ${what}: ${detail}.`, res.status);
}

function serverError(res: TextResponse): ApiError {
  return new ApiError(
    `Flume is having trouble (HTTP ${res.status}); this is on their side, the next poll retries.`,
    res.status,
    excerpt(res.body),
  );
}

function rateLimitError(res: TextResponse, bucket: string): RateLimitError {
  const wait = retryAfterMs(res.headers) ?? 60_000;
  return new RateLimitError(
    `Rate limited by Flume (${bucket}): too many calls from this address in the last hour; waiting ${Math.ceil(wait / 1000)} s as Flume asks. Other Flume apps on the same network count too.`,
    wait,
    429,
  );
}

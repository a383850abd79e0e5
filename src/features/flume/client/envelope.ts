import {
  ApiError,
  AuthError,
  english,
  MeterflowError,
  phrase,
  RateLimitError,
  ValidationError,
  type ErrorOptions,
  type Message,
  type Phrase,
} from "../../../shared/errors";
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
    phrase(
      "flume-flow:errors.noEnvelope",
      "Flume sent an answer without the usual envelope (HTTP __status__); this is usually passing, the next poll retries.",
      { status: res.status },
    ),
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
    message: Message,
    status: number,
    options?: ErrorOptions,
    readonly retryInMs?: number,
  ) {
    super(message, status, { statusText: phrase("flume-flow:status.loginRefused", "login refused"), ...options });
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
      phrase(
        "flume-flow:errors.unverified",
        "Flume account not verified: Flume says this account never finished its sign-up; confirm the e-mail Flume sent, then deploy again.",
      ),
      403,
    );
  }
  if (env.message === "invalid_client" || /client credentials/i.test(detail)) {
    return new TokenRefused(
      "bad-client",
      phrase(
        "flume-flow:errors.badClient",
        "Client ID or secret refused: Flume did not accept the API client; copy both again from portal.flumewater.com → Settings → API Access.",
      ),
      res.status,
    );
  }
  if (grant === "refresh_token") {
    const refused = phrase("flume-flow:errors.badRefresh", "Flume refused the refresh token; logging in again.");
    return new TokenRefused("bad-refresh", refused, res.status);
  }
  // Flume answers a refused e-mail/password with 400, not 401 (reference A3, openHAB FlumeApi.java).
  if (res.status === 400 || res.status === 401 || res.status === 403) {
    return new TokenRefused(
      "bad-login",
      phrase(
        "flume-flow:errors.badLogin",
        "Login failed, check e-mail/password: Flume refused the account's e-mail address or password; use the ones you sign in to the Flume app with.",
      ),
      res.status,
    );
  }
  return new ApiError(
    phrase(
      "flume-flow:errors.loginStatus",
      "Flume refused the login with HTTP __status__; check the base URL of the Flume account.",
      { status: res.status },
    ),
    res.status,
  );
}

/** Maps a non-2xx answer of a `/users/…` call to an error; `what` names the call (`the usage query`). */
export function resourceError(http: HttpTransport, res: TextResponse, what: Phrase): Error {
  if (res.status === 429) return rateLimitError(res, "/users");
  if (res.status >= 500) return serverError(res);
  const env = errorEnvelope(http, res);
  const detail = env.detailed?.join("; ") || env.message || `HTTP ${res.status}`;
  const vars = { what: english(what), detail };
  if (res.status === 401) {
    return new AuthError(
      phrase(
        "flume-flow:errors.tokenExpired",
        "Flume no longer accepts the access token; logging in again on the next call.",
      ),
      401,
    );
  }
  if (res.status === 403) {
    const denied = phrase(
      "flume-flow:errors.denied",
      "Access denied by Flume for __what__: the API client must belong to the same Flume account as the e-mail address.",
      vars,
    );
    return naming(new AuthError(denied, 403), what);
  }
  if (res.status === 404) {
    const missing = phrase(
      "flume-flow:errors.notFound",
      "Not found at Flume: __what__ (__detail__); pick a sensor from the list in the node, or leave the device blank.",
      vars,
    );
    return naming(new ApiError(missing, 404), what);
  }
  if (res.status === 400) {
    const rejected = phrase("flume-flow:errors.rejected", "Flume rejected the request for __what__: __detail__.", vars);
    return naming(new ValidationError(rejected), what);
  }
  const answered = phrase("flume-flow:errors.status", "Flume answered HTTP __status__ for __what__: __detail__.", {
    ...vars,
    status: res.status,
  });
  return naming(new ApiError(answered, res.status), what);
}

/** The calls an error names, in the words of the catalog (`__what__` of the errors above). */
export const CALLS = {
  devices: (): Phrase => phrase("flume-flow:calls.devices", "the device list"),
  device: (): Phrase => phrase("flume-flow:calls.device", "this device"),
  location: (): Phrase => phrase("flume-flow:calls.location", "the location"),
  flow: (): Phrase => phrase("flume-flow:calls.flow", "the current flow"),
  usage: (): Phrase => phrase("flume-flow:calls.usage", "the usage query"),
  leaks: (): Phrase => phrase("flume-flow:calls.leaks", "the leak state"),
  notifications: (): Phrase => phrase("flume-flow:calls.notifications", "the notifications"),
  usageAlerts: (): Phrase => phrase("flume-flow:calls.usageAlerts", "the usage alerts"),
};

/** The phrase an error's `__what__` was said from, so a node can say it in its own language first. */
const WHAT = new WeakMap<Error, Phrase>();

function naming<E extends Error>(err: E, what: Phrase): E {
  WHAT.set(err, what);
  return err;
}

/**
 * Says the call an error names (`__what__`) in the runtime's language, before the kernel translates the
 * sentence around it (a catalog var is a plain text, so the name of the call is said here).
 */
export function sayCall(err: unknown, say: (p: Phrase) => string): void {
  const what = err instanceof MeterflowError ? WHAT.get(err) : undefined;
  if (what && err instanceof MeterflowError && err.i18n?.vars) err.i18n.vars.what = say(what);
}

function serverError(res: TextResponse): ApiError {
  return new ApiError(
    phrase(
      "flume-flow:errors.serverTrouble",
      "Flume is having trouble (HTTP __status__); this is on their side, the next poll retries.",
      { status: res.status },
    ),
    res.status,
    excerpt(res.body),
  );
}

function rateLimitError(res: TextResponse, bucket: string): RateLimitError {
  const wait = retryAfterMs(res.headers) ?? 60_000;
  return new RateLimitError(
    phrase(
      "flume-flow:errors.rateLimited",
      "Rate limited by Flume (__bucket__): too many calls from this address in the last hour; waiting __seconds__ s as Flume asks. Other Flume apps on the same network count too.",
      { bucket, seconds: Math.ceil(wait / 1000) },
    ),
    wait,
    429,
  );
}

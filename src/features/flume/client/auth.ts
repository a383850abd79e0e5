import { phrase, ValidationError } from "../../../shared/errors";
import type { RateBudget } from "../../../shared/rate-budget";
import type { HttpTransport } from "../../../shared/http";
import { BudgetExceededError, parseEnvelope, tokenError, TokenRefused } from "./envelope";

/**
 * The OAuth password grant of Flume (reference A3), done so that it does not break every couple of
 * weeks as it does for others: the token is reused until shortly before it expires, then refreshed;
 * a refused refresh falls back to a full login; a 401 from a data call forces a new token once.
 * Concurrent callers share one login. Logins count against their own budget (Flume limits `/oauth`
 * separately from `/users`). Credentials Flume refused (revoked, changed password) are held back: the next
 * attempt is 15 minutes later, then 30, then every hour, until a login succeeds or `retryLogin` is called
 * (the account node was deployed again); refused credentials cost 4 token requests in their first hour.
 */

export interface FlumeCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

export interface Token {
  accessToken: string;
  refreshToken?: string;
  userId: number;
  issuedAt: number;
  expiresAt: number;
}

export type GrantType = "password" | "refresh_token";

/**
 * What the token manager remembers. Passing the same session to the next client of the same account
 * (after a redeploy) keeps its token, so a deploy does not cost a login.
 */
export interface TokenSession {
  token?: Token;
  /** The last refusal, when the next attempt may be made, and how many attempts in a row were refused. */
  refusal?: { error: TokenRefused; until: number; attempts: number };
}

/** Holds after 1, 2, 3+ refused attempts, as multiples of the first hold (15 min → 15, 30, 60 min). */
const HOLD_STEPS = [1, 2, 4];

export class TokenManager {
  private pending: Promise<Token> | undefined;

  constructor(
    private readonly http: HttpTransport,
    private readonly credentials: FlumeCredentials,
    private readonly budget: RateBudget,
    private readonly now: () => number,
    /** How long a refused login is remembered before trying the same credentials again. */
    private readonly refusalHoldMs: number,
    private readonly session: TokenSession = {},
  ) {}

  /** A valid access token and the user id from its payload. */
  async get(signal?: AbortSignal): Promise<{ accessToken: string; userId: number }> {
    const t = this.session.token;
    // Refresh once two thirds of the lifetime have passed (7-day tokens: after about 4.7 days).
    if (t && this.now() < t.issuedAt + ((t.expiresAt - t.issuedAt) * 2) / 3) return t;
    this.pending ??= this.obtain(t, signal).finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Drops the token the service no longer accepts, so that the next `get` obtains another. */
  invalidate(accessToken: string): void {
    if (this.session.token?.accessToken === accessToken)
      this.session.token = { ...this.session.token, issuedAt: 0, expiresAt: 0 };
  }

  /** Forgets a refusal, so that the next `get` tries the credentials at once (a deploy of the account node). */
  retryLogin(): void {
    this.session.refusal = undefined;
  }

  private async obtain(previous: Token | undefined, signal?: AbortSignal): Promise<Token> {
    const refusal = this.session.refusal;
    if (refusal && this.now() < refusal.until) throw refusal.error.held(refusal.until - this.now());
    try {
      if (previous?.refreshToken) {
        try {
          return this.accepted(await this.grant("refresh_token", previous.refreshToken, signal));
        } catch (err) {
          // "Refresh token is invalid." is what breaks peers every couple of weeks: log in afresh instead.
          if (!(err instanceof TokenRefused && err.failure === "bad-refresh")) throw err;
          this.session.token = undefined; // a refused refresh token is not offered again
        }
      }
      return this.accepted(await this.grant("password", undefined, signal));
    } catch (err) {
      if (!(err instanceof TokenRefused)) throw err;
      // The token the service refuses is gone either way; only a new login brings one.
      this.session.token = undefined;
      const attempts = (refusal?.attempts ?? 0) + 1;
      const holdMs = this.refusalHoldMs * HOLD_STEPS[Math.min(attempts, HOLD_STEPS.length) - 1];
      this.session.refusal = { error: err, until: this.now() + holdMs, attempts };
      throw err.held(holdMs);
    }
  }

  private accepted(token: Token): Token {
    this.session.refusal = undefined;
    return (this.session.token = token);
  }

  private async grant(type: GrantType, refreshToken: string | undefined, signal?: AbortSignal): Promise<Token> {
    if (!this.budget.tryTake()) {
      const wait = this.budget.waitMs();
      throw new BudgetExceededError(
        phrase(
          "flume-flow:errors.tooManyLogins",
          "Too many Flume logins in the last hour (__limit__); waiting __seconds__ s before the next one.",
          { limit: this.budget.limit, seconds: Math.ceil(wait / 1000) },
        ),
        wait,
      );
    }
    const { clientId, clientSecret, username, password } = this.credentials;
    const body =
      type === "password"
        ? { grant_type: "password", client_id: clientId, client_secret: clientSecret, username, password }
        : {
            grant_type: "refresh_token",
            refresh_token: refreshToken,
            client_id: clientId,
            client_secret: clientSecret,
          };
    const res = await this.http.request({
      method: "POST",
      url: "/oauth/token",
      data: body,
      headers: { "Content-Type": "application/json" },
      signal,
    });
    if (res.status >= 300) throw tokenError(this.http, res, type);
    const env = parseEnvelope(this.http, res);
    const data = env.data[0] as Record<string, unknown> | undefined;
    const accessToken = typeof data?.access_token === "string" ? data.access_token : "";
    if (!accessToken)
      throw new ValidationError(
        phrase("flume-flow:errors.noAccessToken", "Flume's login answer carried no access token; try again later."),
      );
    const userId = userIdFromJwt(accessToken);
    const issuedAt = this.now();
    const expiresIn = typeof data?.expires_in === "number" && data.expires_in > 0 ? data.expires_in : 3600;
    return {
      accessToken,
      refreshToken: typeof data?.refresh_token === "string" ? data.refresh_token : refreshToken,
      userId,
      issuedAt,
      expiresAt: issuedAt + expiresIn * 1000,
    };
  }
}

/** The `user_id` claim of a Flume JWT; there is no /me call in the documented API. */
export function userIdFromJwt(jwt: string): number {
  const payload = jwt.split(".")[1];
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
  } catch {
    claims = undefined;
  }
  const raw = (claims as { user_id?: unknown } | undefined)?.user_id;
  const id = typeof raw === "string" ? Number(raw) : raw;
  if (typeof id !== "number" || !Number.isInteger(id)) {
    throw new ValidationError(
      phrase(
        "flume-flow:errors.noUser",
        "Flume's access token names no user; check that the API client is a personal one.",
      ),
    );
  }
  return id;
}

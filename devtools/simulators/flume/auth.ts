import { createHmac, randomBytes } from "node:crypto";
import type { SimClock } from "../clock";
import type { SimHandler, SimRequest, SimResponse } from "../server";
import { type Envelope, fail, type Json, text } from "./wire";

/**
 * Flume's accounts and OAuth (reference A3): the password and refresh grants, HS256 JWTs that carry
 * `user_id`, bearer checks on every `/users/…` route and the error answers of each step.
 */

export interface SimAccount {
  userId: number;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  verified: boolean;
}

export const DEMO_CREDENTIALS = {
  clientId: "demo-flume-client",
  clientSecret: "demo-flume-client-secret-7f3a",
  username: "demo@meterflow.example",
  password: "demo-flume-password-42",
};

/** What the token routes read from the simulator; its switches stay settable during a test. */
export interface AuthState {
  readonly clock: SimClock;
  readonly accounts: SimAccount[];
  readonly grants: string[];
  readonly revoked: boolean;
  readonly unverified: boolean;
  readonly tokenLifetimeSeconds: number;
}

export class TokenIssuer {
  private readonly accessTokens = new Map<string, { userId: number; exp: number }>();
  private readonly refreshTokens = new Map<string, { userId: number; clientId: string }>();
  private readonly signingKey = randomBytes(32);

  constructor(
    private readonly state: AuthState,
    private readonly wire: Envelope,
  ) {}

  /** Every refresh token issued so far is refused from now on ("Refresh token is invalid."). */
  invalidateRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  /** Wraps a route: a valid, unexpired bearer of the account the path names, or Flume's refusal. */
  authorized(handler: (req: SimRequest, account: SimAccount) => SimResponse): SimHandler {
    return (req) => {
      const header = String(req.headers.authorization ?? "");
      const match = /^bearer\s+(\S+)$/i.exec(header);
      if (!match) return fail(400, "invalid_request", ["The access token was not found"]);
      const token = this.accessTokens.get(match[1]);
      if (!token || this.state.revoked || token.exp <= this.state.clock.now()) {
        return fail(401, "invalid_token", ["The access token provided is invalid or has expired"]);
      }
      const account = this.state.accounts.find((a) => a.userId === token.userId)!;
      if (req.params.userId !== undefined && req.params.userId !== String(account.userId)) {
        return fail(403, "Caller does not have access to the information requested", [
          "You do not have the access permissions to access this route",
        ]);
      }
      return handler(req, account);
    };
  }

  /**
   * `POST /oauth/token`. With `revoked` set (the simulator's switch for credentials Flume stopped accepting),
   * the password grant gets Flume's 400 for a wrong login (not 401: openHAB FlumeApi.java, reference A3; the
   * body's `invalid_grant` is the reference's guess) and the refresh grant the 400 "Refresh token is invalid."
   * (HA #78885); bearer calls get 401 (reference A3). Clearing `revoked` restores the credentials.
   */
  token(req: SimRequest): SimResponse {
    const { state } = this;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const grant = text(body.grant_type);
    state.grants.push(grant);
    const account = state.accounts.find((a) => a.clientId === body.client_id && a.clientSecret === body.client_secret);
    if (!account) return fail(400, "invalid_client", ["Client credentials are invalid"]);
    let userId: number;
    if (grant === "password") {
      if (state.revoked || body.username !== account.username || body.password !== account.password) {
        return fail(400, "invalid_grant", ["Invalid user credentials"]);
      }
      if (state.unverified || !account.verified) {
        return fail(403, "unverified_user", null, undefined, [
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
      if (state.revoked || !known || known.clientId !== account.clientId) {
        return fail(400, "invalid_grant", ["Refresh token is invalid."]);
      }
      userId = known.userId;
    } else {
      return fail(400, "unsupported_grant_type", ["The authorization grant type is not supported"]);
    }
    const iat = Math.floor(state.clock.now() / 1000);
    const exp = iat + state.tokenLifetimeSeconds;
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
      expires_in: state.tokenLifetimeSeconds,
      refresh_token: refreshToken,
    };
    if (req.query.get("envelope") === "false") return { status: 200, body: tokenData };
    return this.wire.ok([tokenData]);
  }

  private jwt(payload: Json): string {
    const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString("base64url");
    const unsigned = `${part({ alg: "HS256", typ: "JWT" })}.${part(payload)}`;
    return `${unsigned}.${createHmac("sha256", this.signingKey).update(unsigned).digest("base64url")}`;
  }
}

import { ApiError, AuthError, RateLimitError } from "../../../shared/errors";
import { excerpt, retryAfterMs, type HttpTransport, type TextResponse } from "../../../shared/http";

/**
 * Turns a Tibber GraphQL answer into data or a typed error. Tibber reports a bad token with HTTP 200
 * and `errors[].extensions.code = "UNAUTHENTICATED"` (HTTP 400 before January 2025), a bad query with
 * 400, and rate limiting with a plain-text 429 and no Retry-After, followed by an IP ban of about ten
 * minutes that each further call renews.
 */

export const TIBBER_BAN_MS = 10 * 60_000;

interface GraphQLError {
  message?: string;
  path?: unknown[];
  extensions?: { code?: string };
}

export const TOKEN_HINT =
  "create a personal access token at developer.tibber.com/settings/access-token and paste it into the node";

export function readGraphQL<T>(http: HttpTransport, res: TextResponse, now: number): T {
  const { status } = res;
  if (status === 429 || status === 428) {
    const waitMs = Math.max(retryAfterMs(res.headers, now) ?? 0, TIBBER_BAN_MS);
    throw new RateLimitError(
      `Tibber is rate-limiting this IP address (HTTP ${status}): it allows 100 requests per 5 minutes and then bans the IP for about 10 minutes; ` +
        `the node waits ${Math.round(waitMs / 60_000)} min before calling again. Other Tibber integrations on the same network count too.`,
      waitMs,
      status,
    );
  }
  if (status === 401 || status === 403) {
    throw new AuthError(`Tibber refused the token (HTTP ${status}); ${TOKEN_HINT}.`, status);
  }
  if (status >= 500) {
    throw new ApiError(
      `Tibber is having trouble (HTTP ${status}); the next refresh retries.`,
      status,
      excerpt(res.body),
    );
  }
  const body = parseBody(http, res);
  const errors = Array.isArray(body?.errors) ? (body.errors as GraphQLError[]) : [];
  if (errors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) {
    throw new AuthError(`Tibber rejected the token: ${TOKEN_HINT}.`, status);
  }
  if (status >= 400) {
    const detail = errors[0]?.message ?? (body ? excerpt(JSON.stringify(body)) : excerpt(res.body));
    throw new ApiError(`Tibber rejected the query (HTTP ${status}): ${detail}`, status, excerpt(res.body));
  }
  if (errors.length > 0) {
    const first = errors[0];
    const where = Array.isArray(first.path) ? ` at ${first.path.join(".")}` : "";
    // A resolver failure inside a valid query: worth another try, like a 5xx (status 0 = retryable).
    throw new ApiError(
      `Tibber could not answer${where}: ${first.message ?? "unknown error"} (${first.extensions?.code ?? "no code"}); the next refresh retries.`,
      0,
      excerpt(res.body),
    );
  }
  if (status !== 200 || !body || typeof body.data !== "object" || body.data === null) {
    throw new ApiError(
      `Tibber sent an unexpected answer (HTTP ${status}); the next refresh retries.`,
      status === 200 ? 0 : status,
    );
  }
  return body.data as T;
}

function parseBody(http: HttpTransport, res: TextResponse): Record<string, unknown> | undefined {
  if (res.status >= 400) {
    // Some 400s are plain text ("GraphQL queries must be strings.").
    try {
      return JSON.parse(res.body) as Record<string, unknown>;
    } catch {
      throw new ApiError(
        `Tibber rejected the query (HTTP ${res.status}): ${excerpt(res.body)}`,
        res.status,
        excerpt(res.body),
      );
    }
  }
  return http.json<Record<string, unknown>>(res);
}

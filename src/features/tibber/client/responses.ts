import { ApiError, AuthError, phrase, RateLimitError } from "../../../shared/errors";
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

export function readGraphQL<T>(http: HttpTransport, res: TextResponse, now: number): T {
  const { status } = res;
  if (status === 429 || status === 428) {
    const waitMs = Math.max(retryAfterMs(res.headers, now) ?? 0, TIBBER_BAN_MS);
    throw new RateLimitError(
      phrase(
        "tibber-prices:errors.rateLimited",
        "Tibber is rate-limiting this IP address (HTTP __status__): it allows 100 requests per 5 minutes and then bans the IP for about 10 minutes; the node waits __minutes__ min before calling again. Other Tibber integrations on the same network count too.",
        { status, minutes: Math.round(waitMs / 60_000) },
      ),
      waitMs,
      status,
    );
  }
  if (status === 401 || status === 403) {
    throw new AuthError(
      phrase(
        "tibber-prices:errors.tokenRefused",
        "Tibber refused the token (HTTP __status__); create a personal access token at developer.tibber.com/settings/access-token and paste it into the Tibber account.",
        { status },
      ),
      status,
    );
  }
  if (status >= 500) {
    throw new ApiError(
      phrase(
        "tibber-prices:errors.serverTrouble",
        "Tibber is having trouble (HTTP __status__); the next refresh retries.",
        {
          status,
        },
      ),
      status,
      excerpt(res.body),
    );
  }
  const body = parseBody(http, res);
  const errors = Array.isArray(body?.errors) ? (body.errors as GraphQLError[]) : [];
  if (errors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) {
    throw new AuthError(
      phrase(
        "tibber-prices:errors.tokenRejected",
        "Tibber rejected the token: create a personal access token at developer.tibber.com/settings/access-token and paste it into the Tibber account.",
      ),
      status,
    );
  }
  if (status >= 400) {
    const detail = errors[0]?.message ?? (body ? excerpt(JSON.stringify(body)) : excerpt(res.body));
    throw new ApiError(queryRejected(status, detail), status, excerpt(res.body));
  }
  if (errors.length > 0) {
    const first = errors[0];
    const vars = { detail: first.message ?? "unknown error", code: first.extensions?.code ?? "no code" };
    // A resolver failure inside a valid query: worth another try, like a 5xx (status 0 = retryable).
    throw new ApiError(
      Array.isArray(first.path)
        ? phrase(
            "tibber-prices:errors.couldNotAnswerAt",
            "Tibber could not answer at __path__: __detail__ (__code__); the next refresh retries.",
            { ...vars, path: first.path.join(".") },
          )
        : phrase(
            "tibber-prices:errors.couldNotAnswer",
            "Tibber could not answer: __detail__ (__code__); the next refresh retries.",
            vars,
          ),
      0,
      excerpt(res.body),
    );
  }
  if (status !== 200 || !body || typeof body.data !== "object" || body.data === null) {
    throw new ApiError(
      phrase(
        "tibber-prices:errors.unexpected",
        "Tibber sent an unexpected answer (HTTP __status__); the next refresh retries.",
        {
          status,
        },
      ),
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
      throw new ApiError(queryRejected(res.status, excerpt(res.body)), res.status, excerpt(res.body));
    }
  }
  return http.json<Record<string, unknown>>(res);
}

function queryRejected(status: number, detail: string) {
  return phrase("tibber-prices:errors.queryRejected", "Tibber rejected the query (HTTP __status__): __detail__", {
    status,
    detail,
  });
}

import { RateLimitError, isTransient } from "./errors";
import { sleep } from "./sleep";

/**
 * Exponential back-off with full jitter, shared by every client. A rate-limit answer's own
 * `Retry-After` wins over the computed delay, so we never come back before the service allows it.
 */
export interface RetryPolicy {
  /** Further attempts after the first; 0 disables retrying. */
  retries: number;
  baseMs: number;
  maxMs: number;
  /** Longest Retry-After we are willing to sleep through inside one call; longer ones are thrown. */
  maxRetryAfterMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseMs: 500, maxMs: 10_000, maxRetryAfterMs: 60_000 };

export interface RetryHooks {
  signal?: AbortSignal;
  /** Called before each wait, e.g. to show a yellow "retrying" status. */
  onRetry?: (err: unknown, delayMs: number, attempt: number) => void;
  isRetryable?: (err: unknown) => boolean;
  random?: () => number;
}

/** Delay before retry number `attempt` (1-based): base·2^(attempt−1), capped, with full jitter. */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, "baseMs" | "maxMs">,
  random = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  const retryable = hooks.isRetryable ?? isTransient;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= policy.retries || !retryable(err) || hooks.signal?.aborted) throw err;
      let delay = backoffDelay(attempt + 1, policy, hooks.random);
      if (err instanceof RateLimitError) {
        if (policy.maxRetryAfterMs !== undefined && err.retryAfterMs > policy.maxRetryAfterMs) throw err;
        delay = Math.max(delay, err.retryAfterMs);
      }
      hooks.onRetry?.(err, delay, attempt + 1);
      await sleep(delay, hooks.signal);
    }
  }
}

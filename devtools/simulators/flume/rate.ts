import type { SimClock } from "../clock";
import type { RollingWindow } from "../rate-window";
import type { SimHandler, SimResponse } from "../server";
import { tooManyRequests } from "./wire";

/**
 * Flume's rate limit (reference A8; simulator spec C1): per client IP, a rolling hour for `/oauth` and
 * another for `/users`, 120 requests each, with X-RateLimit-* headers on every answer and 429 past it.
 */

/** Counts the request in its per-IP window; answers 429 past the limit; headers on every answer. */
export function rateLimited(window: RollingWindow, clock: SimClock, handler: SimHandler): SimHandler {
  return async (req) => {
    const verdict = window.hit(req.ip);
    const headers = {
      "X-RateLimit-Limit": verdict.limit,
      "X-RateLimit-Remaining": verdict.remaining,
      "X-RateLimit-Reset": Math.ceil(verdict.resetAt / 1000),
    };
    let res: SimResponse;
    if (!verdict.allowed) {
      res = tooManyRequests(Math.max(1, Math.ceil((verdict.resetAt - clock.now()) / 1000)));
    } else {
      res = await handler(req);
    }
    res.headers = { ...headers, ...res.headers };
    return res;
  };
}

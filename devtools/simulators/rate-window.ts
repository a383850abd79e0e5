import type { SimClock } from "./clock";

/**
 * A rolling-window request counter per key (client IP, bucket), as the real services keep it.
 * `hit` records a request and says whether it was within the limit, with what the rate-limit
 * headers need: the limit, what remains and when the oldest request leaves the window.
 */
export interface WindowVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms at which one more request will be allowed. */
  resetAt: number;
}

export class RollingWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly clock: SimClock,
    public limit: number,
    public windowMs: number,
  ) {}

  hit(key: string): WindowVerdict {
    const now = this.clock.now();
    const list = this.prune(key, now);
    const allowed = list.length < this.limit;
    if (allowed) list.push(now);
    const resetAt = list.length > 0 ? list[0] + this.windowMs : now;
    return { allowed, limit: this.limit, remaining: Math.max(0, this.limit - list.length), resetAt };
  }

  count(key: string): number {
    return this.prune(key, this.clock.now()).length;
  }

  reset(): void {
    this.hits.clear();
  }

  private prune(key: string, now: number): number[] {
    let list = this.hits.get(key);
    if (!list) {
      list = [];
      this.hits.set(key, list);
    }
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < list.length && list[drop] <= cutoff) drop++;
    if (drop > 0) list.splice(0, drop);
    return list;
  }
}

/**
 * A client-side budget of calls per rolling window (e.g. 100 per hour), shared by every node that
 * uses one account. It keeps the times of recent calls, so it can never allow more than `limit`
 * calls in any window: unlike a token bucket that starts full, it has no first-hour burst.
 */
export class RateBudget {
  private readonly stamps: number[] = [];

  constructor(
    public readonly limit: number,
    public readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limit > 0) || !(windowMs > 0)) throw new RangeError("a rate budget needs a positive limit and window");
  }

  /** Calls made in the current window. */
  used(): number {
    this.prune();
    return this.stamps.length;
  }

  remaining(): number {
    return this.limit - this.used();
  }

  /** Milliseconds until one more call fits the budget (0 = now). */
  waitMs(): number {
    this.prune();
    if (this.stamps.length < this.limit) return 0;
    return this.stamps[this.stamps.length - this.limit] + this.windowMs - this.now();
  }

  /** Records a call if it fits; returns whether it did. */
  tryTake(): boolean {
    if (this.waitMs() > 0) return false;
    this.stamps.push(this.now());
    return true;
  }

  /** Records a call regardless (e.g. a call the service counted although we did not plan it). */
  record(): void {
    this.stamps.push(this.now());
  }

  /** The smallest interval, in ms, at which `callsPerInterval` calls each time stay within the budget. */
  minIntervalMs(callsPerInterval: number): number {
    return Math.ceil((this.windowMs * callsPerInterval) / this.limit);
  }

  private prune(): void {
    const cutoff = this.now() - this.windowMs;
    let drop = 0;
    while (drop < this.stamps.length && this.stamps[drop] <= cutoff) drop++;
    if (drop > 0) this.stamps.splice(0, drop);
  }
}

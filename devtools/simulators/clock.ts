/**
 * A clock the simulators read instead of Date.now(), so a test can freeze time or jump ahead by hours
 * (token expiry, publish times, rolling rate windows) without waiting.
 */
export class SimClock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  /** Stops the clock at `ms` (epoch milliseconds) until `advance`, `set` or `resume`. */
  freeze(ms: number = this.now()): void {
    this.frozenAt = ms;
  }

  /** Sets the current time; keeps running unless frozen. */
  set(ms: number): void {
    if (this.frozenAt !== undefined) this.frozenAt = ms;
    else this.offsetMs = ms - Date.now();
  }

  advance(ms: number): void {
    this.set(this.now() + ms);
  }

  /** Back to real time. */
  resume(): void {
    this.frozenAt = undefined;
    this.offsetMs = 0;
  }
}

import { AbortedError } from "./sleep";

/**
 * Runs a task now and then again `intervalMs` after each run ends (a timer chain, not setInterval, so
 * a slow call never overlaps the next). The task may ask for a later next run (rate budget,
 * Retry-After). `stop()` clears the timer and aborts the run in flight, so a redeploy leaves nothing behind.
 */
export type PollTask = (signal: AbortSignal) => Promise<number | void>;

export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private controller: AbortController | undefined;
  private stopped = true;
  /** When the next run is due (epoch ms), for status lines. */
  nextRunAt: number | undefined;

  constructor(
    private readonly task: PollTask,
    private readonly onError: (err: Error) => void,
  ) {}

  get running(): boolean {
    return !this.stopped;
  }

  /** Starts polling every `intervalMs`; the first run is after `firstDelayMs` (default: now). */
  start(intervalMs: number, firstDelayMs = 0): void {
    this.stop();
    this.stopped = false;
    this.intervalMs = intervalMs;
    this.schedule(firstDelayMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.nextRunAt = undefined;
    this.controller?.abort(new AbortedError());
    this.controller = undefined;
  }

  private intervalMs = 0;

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.nextRunAt = Date.now() + delayMs;
    this.timer = setTimeout(() => void this.run(), Math.max(0, delayMs));
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    const controller = (this.controller = new AbortController());
    let next = this.intervalMs;
    try {
      const asked = await this.task(controller.signal);
      if (typeof asked === "number" && asked > next) next = asked;
    } catch (err) {
      if (!(err instanceof AbortedError) && !controller.signal.aborted) {
        this.onError(err instanceof Error ? err : new Error(String(err)));
      }
    } finally {
      if (this.controller === controller) this.controller = undefined;
    }
    if (!controller.signal.aborted) this.schedule(next);
  }
}

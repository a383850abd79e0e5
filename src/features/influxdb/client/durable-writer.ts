import { ApiError, RateLimitError } from "../../../shared/errors";
import { backoffDelay } from "../../../shared/retry";
import { AbortedError, sleep } from "../../../shared/sleep";
import { Spool, type SpoolBatch, type SpoolDamage } from "../domain/spool";
import type { InfluxConnection } from "./client";

/**
 * Moves spooled lines into InfluxDB, one confirmed batch at a time, in arrival order.
 *
 * A batch goes out when `batchSize` lines are waiting, or `flushIntervalMs` after the first of fewer
 * arrived; a backlog (an outage, a replay after restart) is written batch after batch without waiting.
 * A failed batch stays in the spool and is retried with capped back-off. Only a 400/422 (InfluxDB says
 * the lines themselves are invalid, e.g. a field type conflict) drops a batch, because no retry can
 * ever succeed and it would block everything behind it. InfluxDB stores the valid points of such a batch
 * and says how many it dropped (a partial write); that count is what is reported, not the whole batch.
 */

export interface FlushReport {
  /** Points confirmed by this flush. */
  written: number;
  /** Points still waiting in the spool. */
  buffered: number;
  /** Points dropped (spool limit or refused as invalid) since the previous report. */
  dropped: number;
}

export interface WriterEvents {
  onFlush?: (report: FlushReport) => void;
  /** A transient failure (server down, 5xx, 429): retrying after `delayMs`. */
  onRetry?: (err: Error, delayMs: number, buffered: number) => void;
  /** A failure retrying cannot fix by itself (token, bucket): points kept, retried after `delayMs`. */
  onRefused?: (err: Error, delayMs: number, buffered: number) => void;
  /**
   * InfluxDB refused `count` points of a batch as invalid; they are dropped. `written` of the batch it
   * stored nonetheless (a partial write), as InfluxDB said.
   */
  onRejected?: (err: Error, count: number, written: number) => void;
  /** The spool found a damaged segment on opening it; `lost` points could not be recovered. */
  onDamage?: (damage: SpoolDamage) => void;
  /** The spool limit dropped the oldest `count` points. */
  onDrop?: (count: number) => void;
}

/** Where batches go: a connection, or a stand-in that keeps failing until the settings are complete. */
export type WriteTarget = Pick<InfluxConnection, "write">;

export interface DurableWriterOptions {
  connection: WriteTarget;
  bucket: string;
  spoolDir: string;
  /** 0 = unlimited. */
  spoolLimitBytes: number;
  batchSize: number;
  flushIntervalMs: number;
  retry?: { baseMs: number; maxMs: number };
  /** Batches sent concurrently (settled in order). */
  maxInFlight?: number;
  fsync?: boolean;
  events?: WriterEvents;
}

export const DEFAULT_WRITER_RETRY = { baseMs: 500, maxMs: 10_000 };
const DEFAULT_MAX_IN_FLIGHT = 4;
const ARRIVED = Symbol("arrived");

export class DurableWriter {
  /** Resolves once the spool is open (and a replay, if any, has been started). */
  readonly ready: Promise<void>;
  private spool?: Spool;
  private readonly abort = new AbortController();
  private timer?: NodeJS.Timeout;
  private pumping?: Promise<void>;
  /** Write whatever is pending even below a full batch: the interval passed, or we are catching up. */
  private due = false;
  private closed = false;
  private droppedSinceReport = 0;
  /** The latest confirm handed to the spool (they run in order there). */
  private confirming: Promise<void> = Promise.resolve();
  /** Lines in batches on their way or being confirmed. */
  private sentLines = 0;
  /** Wakes a pump that waits on its oldest batch: new lines arrived that fill another batch. */
  private wake?: () => void;
  private failures = 0;
  private readonly events: WriterEvents;
  private readonly retry: { baseMs: number; maxMs: number };

  constructor(private readonly options: DurableWriterOptions) {
    this.events = options.events ?? {};
    this.retry = options.retry ?? DEFAULT_WRITER_RETRY;
    this.ready = Spool.open({
      dir: options.spoolDir,
      limitBytes: options.spoolLimitBytes,
      fsync: options.fsync,
      onDrop: (count) => {
        this.droppedSinceReport += count;
        this.events.onDrop?.(count);
      },
      onDamage: (damage) => this.events.onDamage?.(damage),
    }).then((spool) => {
      this.spool = spool;
      if (spool.pending > 0) {
        this.due = true; // left over from a previous run: replay now
        this.kick();
      }
    });
  }

  get spoolDir(): string {
    return this.options.spoolDir;
  }

  /** Points waiting in the spool. */
  get buffered(): number {
    return this.spool?.pending ?? 0;
  }

  /** Stores lines durably; resolves once they are on disk (the caller may then call done()). */
  async accept(lines: readonly string[]): Promise<void> {
    await this.ready;
    if (this.closed) throw new AbortedError();
    await this.spool!.append(lines);
    this.kick();
  }

  /** Stops timers and the request in flight; the spool keeps everything unconfirmed for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.ready.catch(() => undefined);
    await this.pumping;
    await this.spool?.close();
  }

  /** Starts a flush now if one is warranted, else makes sure the interval timer runs. */
  private kick(): void {
    // A full batch more than is on its way: the pump may send it without waiting for an answer.
    if (this.pumping && this.spool && this.spool.pending - this.sentLines >= this.options.batchSize) this.wake?.();
    if (this.closed || this.pumping || !this.spool) return;
    if (this.spool.pending === 0) return;
    if (this.due || this.spool.pending >= this.options.batchSize) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.pumping = this.pump().finally(() => {
        this.pumping = undefined;
        this.kick();
      });
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.due = true;
        this.kick();
      }, this.options.flushIntervalMs);
    }
  }

  /**
   * Keeps up to `maxInFlight` batches on their way (InfluxDB takes concurrent writes much faster than
   * one at a time) and settles them strictly in order, so the spool is only ever trimmed at its head.
   * On a failure everything in flight is abandoned and resent from the head after the back-off:
   * batches that did land are simply written again, which InfluxDB stores once.
   */
  private async pump(): Promise<void> {
    const spool = this.spool!;
    const { batchSize } = this.options;
    const maxInFlight = Math.max(1, this.options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
    const inFlight: Array<{ batch: SpoolBatch; outcome: Promise<Error | undefined> }> = [];
    this.sentLines = 0;
    let lastSent: SpoolBatch | undefined;
    const wanted = (): boolean => this.due || spool.pending - this.sentLines >= batchSize;
    while (!this.closed) {
      while (inFlight.length < maxInFlight && wanted()) {
        // After the last batch sent, also when it is answered but still being confirmed.
        const batch = await spool.peek(batchSize, inFlight[inFlight.length - 1]?.batch ?? lastSent);
        if (!batch || batch.lines.length === 0) break;
        lastSent = batch;
        inFlight.push({ batch, outcome: this.send(batch) });
        this.sentLines += batch.lines.length;
      }
      const first = inFlight[0];
      if (!first) break;
      // Until the oldest batch is answered, lines arriving meanwhile may make another batch to send:
      // waiting for the answer alone left the pipe empty while messages kept coming.
      const settled = inFlight.length < maxInFlight ? await this.outcomeOrArrival(first.outcome) : first.outcome;
      if (settled === ARRIVED) continue;
      inFlight.shift();
      const error = await settled;
      if (this.closed) return;
      if (!error) {
        // Confirmed in the spool's order without holding up the next batches; its lines count as
        // sent until then, and the report says what is buffered after it.
        this.failures = 0;
        const written = first.batch.lines.length;
        this.confirming = spool.confirm(first.batch).then(
          () => {
            this.sentLines -= written;
            if (spool.pending === 0) this.due = false;
            const dropped = this.droppedSinceReport;
            this.droppedSinceReport = 0;
            if (!this.closed) this.events.onFlush?.({ written, buffered: spool.pending, dropped });
          },
          () => void (this.sentLines -= written), // the batch stays in the spool and is sent again
        );
        continue;
      }
      this.sentLines -= first.batch.lines.length;
      if (error instanceof ApiError && (error.status === 400 || error.status === 422)) {
        await spool.confirm(first.batch);
        const total = first.batch.lines.length;
        const rejected = rejectedCount(error, total);
        this.droppedSinceReport += rejected;
        this.events.onRejected?.(error, rejected, total - rejected);
        continue;
      }
      // Abandon the rest; they are resent from the head once the server is back.
      await Promise.all(inFlight.map((f) => f.outcome));
      await this.confirming;
      lastSent = undefined;
      inFlight.length = 0;
      this.sentLines = 0;
      if (this.closed) return;
      this.failures++;
      let delay = backoffDelay(this.failures, this.retry);
      if (error instanceof RateLimitError) delay = Math.max(delay, error.retryAfterMs);
      this.due = true; // catch up on everything once it works again
      if (isRefusal(error)) this.events.onRefused?.(error, delay, spool.pending);
      else this.events.onRetry?.(error, delay, spool.pending);
      try {
        await sleep(delay, this.abort.signal);
      } catch {
        return;
      }
    }
    await Promise.all(inFlight.map((f) => f.outcome));
    await this.confirming;
    if (spool.pending === 0) this.due = false;
  }

  /** The batch's outcome, or ARRIVED as soon as `kick()` says new lines are in the spool. */
  private outcomeOrArrival(outcome: Promise<Error | undefined>): Promise<Error | undefined | typeof ARRIVED> {
    const arrival = new Promise<typeof ARRIVED>((resolve) => (this.wake = () => resolve(ARRIVED)));
    return Promise.race([outcome, arrival]).finally(() => (this.wake = undefined));
  }

  /** One batch to InfluxDB; resolves with the error instead of throwing, to be handled in order. */
  private async send(batch: SpoolBatch): Promise<Error | undefined> {
    try {
      await this.options.connection.write(this.options.bucket, batch.lines, this.abort.signal);
      return undefined;
    } catch (err) {
      if (err instanceof AbortedError) return err;
      return err instanceof Error ? err : new Error(String(err));
    }
  }
}

/** 4xx other than rate limiting: the user has to change something (token, bucket). */
function isRefusal(err: Error): boolean {
  const status = (err as { status?: unknown }).status;
  return typeof status === "number" && status >= 400 && status < 500 && !(err instanceof RateLimitError);
}

/**
 * How many points of a refused batch InfluxDB dropped, from what it said. 1.x (measured on 1.6.7): a
 * type conflict ends in `dropped=N`; a line it cannot parse is named (`unable to parse '…'`) and not
 * counted in `dropped=`. 2.x lists `line N: …`. Without any of these, the whole batch.
 */
export function rejectedCount(err: ApiError, total: number): number {
  const text = err.body ?? err.message;
  const dropped = /dropped=(\d+)/.exec(text);
  const unparsed = (text.match(/unable to parse/g) ?? []).length;
  let n = (dropped ? Number(dropped[1]) : 0) + unparsed;
  if (n === 0) n = new Set(text.match(/\bline \d+:/g) ?? []).size;
  return n > 0 && n <= total ? n : total;
}

import type { FlushReport, WriterEvents } from "./client/durable-writer";
import { clock } from "../../shared/clock";
import {
  ApiError,
  AuthError,
  MeterflowError,
  NetworkError,
  QuotaError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  shortReason,
} from "../../shared/errors";

/**
 * What a writer node tells its user about its durable writer: one status line for the backlog, each
 * problem logged once when it starts and once when it ends, dropped points summed per window so a long
 * outage does not flood the log. Two kinds of trouble are episodes that a Catch node hears of once each,
 * with the counts: points dropped at the spool limit (from the first drop) and an outage that outlasts
 * the retry window (from the moment it does); both end when InfluxDB takes writes again. The node passes
 * in where each kind of text goes.
 */
export interface ReportSink {
  ok(text: string): void;
  waiting(text: string): void;
  error(text: string): void;
  log(text: string): void;
  warn(text: string): void;
  /** An error for Catch nodes, with the counts as payload. */
  fail(err: Error, payload: FailurePayload): void;
  /** The flush report on the output. */
  report(report: FlushReport): void;
  /** A timer the node clears on close. */
  after(ms: number, work: () => void): void;
}

/** What a Catch node gets in `msg.payload` with a writer's error. */
export interface FailurePayload {
  written: number;
  buffered: number;
  dropped: number;
  /** For the episodes: `spool-limit` or `outage`. */
  episode?: "spool-limit" | "outage";
  /** Epoch ms the outage began (its first failed write). */
  since?: number;
}

/** Warnings about dropped points are grouped so a long outage does not flood the log. */
const DROP_WARNING_WINDOW_MS = 10_000;

/** A few words for the status line; the full message goes to the log and Catch nodes. */
export function statusReason(err: Error): string {
  if (err instanceof MeterflowError && err.statusText) return err.statusText;
  if (err instanceof AuthError) return "token refused";
  if (err instanceof RateLimitError) return "InfluxDB busy (429)";
  if (err instanceof ApiError && err.status === 404) return "bucket not found";
  if (err instanceof ApiError) return `InfluxDB HTTP ${err.status}`;
  if (err instanceof TimeoutError) return "InfluxDB not answering";
  if (err instanceof NetworkError) return "InfluxDB unreachable";
  return shortReason(err);
}

/** 0.3, 12: tenths below 10 s, so a short retry window does not read "for 0 s". */
function roundSeconds(ms: number): number {
  return ms < 10_000 ? Math.round(ms / 100) / 10 : Math.round(ms / 1000);
}

export class WriteReporter {
  private failing: { message: string; short: string; refused: boolean } | undefined;
  private dropsInWindow = 0;
  private dropWindowOpen = false;
  /** Drops since the previous successful flush: an overload that keeps dropping is one episode. */
  private dropsSinceFlush = 0;
  /** The open spool-limit episode: points dropped in it. */
  private dropEpisode: { dropped: number } | undefined;
  /** The outage in progress: when its first write failed, and whether Catch nodes were told. */
  private outage: { since: number; raised: boolean } | undefined;

  /**
   * @param retryWindowMs an outage lasting longer than this (the writer's longest retry interval,
   *   "Retry at most every") is no longer a blip: Catch nodes hear of it.
   */
  constructor(
    private readonly sink: ReportSink,
    private readonly spoolLimitMb: number,
    private readonly buffered: () => number,
    private readonly retryWindowMs = Infinity,
  ) {}

  /** The writer's events, wired to the sink. */
  events(): WriterEvents {
    return {
      onFlush: (report) => {
        if (this.failing) this.sink.log(`InfluxDB takes writes again; ${report.buffered} point(s) still buffered.`);
        this.endEpisodes(this.failing !== undefined);
        this.failing = undefined;
        if (report.buffered === 0) this.sink.ok(`${report.written} written`);
        else this.showBacklog();
        this.sink.report(report);
      },
      onRetry: (err, delayMs, buffered) => {
        this.sink.waiting(`${statusReason(err)} · ${buffered} buffered · retry ${Math.ceil(delayMs / 1000)} s`);
        if (this.failing?.message !== err.message)
          this.sink.warn(`${err.message} ${buffered} point(s) are buffered on disk.`);
        this.failing = { message: err.message, short: statusReason(err), refused: false };
        this.checkOutage(err, buffered);
      },
      onRefused: (err, _delayMs, buffered) => {
        this.sink.error(`${statusReason(err)} · ${buffered} buffered`);
        if (this.failing?.message !== err.message)
          this.sink.fail(new Error(err.message), { written: 0, buffered, dropped: 0 });
        this.failing = { message: err.message, short: statusReason(err), refused: true };
      },
      onRejected: (err, count, written) => {
        const stored =
          written > 0
            ? `partial write: InfluxDB stored ${written} point(s) and refused ${count}`
            : `InfluxDB refused ${count} point(s)`;
        this.sink.fail(
          new Error(
            `${stored} as invalid, so they were dropped: ${err.message} If a field was stored as an integer before, list it under "Integer fields".`,
          ),
          { written, buffered: this.buffered(), dropped: count },
        );
      },
      onDamage: (damage) => {
        this.sink.warn(
          `The spool file ${damage.file} was damaged (cut short or overwritten): ${damage.lost} point(s) lost in ${damage.where}; every intact point is written.`,
        );
      },
      onDrop: (count) => {
        this.dropsSinceFlush += count;
        this.countDrop(count);
        this.dropsInWindow += count;
        if (this.dropWindowOpen) return;
        this.warnDropped();
        this.dropWindowOpen = true;
        this.sink.after(DROP_WARNING_WINDOW_MS, () => {
          this.dropWindowOpen = false;
          this.warnDropped();
        });
      },
    };
  }

  /** After accepting a message during an outage: the backlog grew. */
  showBacklogIfFailing(): void {
    if (this.failing) this.showBacklog();
  }

  /** On close: what was dropped in the last window is still said. */
  flushWarnings(): void {
    this.warnDropped();
  }

  /** A drop opens the spool-limit episode; its first drop is what Catch nodes hear, once. */
  private countDrop(count: number): void {
    if (this.dropEpisode) {
      this.dropEpisode.dropped += count;
      return;
    }
    this.dropEpisode = { dropped: count };
    const vars = { dropped: count, limit: this.spoolLimitMb, buffered: this.buffered() };
    this.sink.fail(
      new QuotaError(
        `Spool limit of ${vars.limit} MB reached while InfluxDB was not taking writes: dropped the ${count} oldest point(s), ${vars.buffered} kept on disk. Until InfluxDB takes writes again, further drops are counted in the output's "dropped" and the log. Raise "Spool limit" to keep more.`,
        undefined,
        {
          statusText: "spool full",
          i18n: { key: "meter-influxdb-write:errors.spoolLimit", vars },
        },
      ),
      { written: 0, buffered: vars.buffered, dropped: count, episode: "spool-limit" },
    );
  }

  /** A transient failure: the outage has begun, and once it outlasts the retry window Catch nodes hear of it. */
  private checkOutage(err: Error, buffered: number): void {
    // A node that is not configured (no URL) is not an outage; it says so itself.
    if (err instanceof ValidationError) return;
    const now = clock.now();
    this.outage ??= { since: now, raised: false };
    if (this.outage.raised || now - this.outage.since < this.retryWindowMs) return;
    this.outage.raised = true;
    const vars = {
      seconds: roundSeconds(now - this.outage.since),
      window: this.retryWindowMs / 1000,
      buffered,
      reason: err.message,
    };
    this.sink.fail(
      new MeterflowError(
        "NETWORK",
        `InfluxDB has not taken writes for ${vars.seconds} s, longer than the retry window of ${vars.window} s: ${err.message} ${buffered} point(s) are kept on disk and written once it answers again.`,
        {
          cause: err,
          statusText: statusReason(err),
          i18n: { key: "meter-influxdb-write:errors.outage", vars },
        },
      ),
      { written: 0, buffered, dropped: this.dropEpisode?.dropped ?? 0, episode: "outage", since: this.outage.since },
    );
  }

  /**
   * InfluxDB took a batch: the outage is over; the spool-limit episode too, unless points keep being
   * dropped between flushes while InfluxDB is up (an overload is one episode, not one per batch).
   */
  private endEpisodes(outageEnded: boolean): void {
    this.outage = undefined;
    if (this.dropEpisode && (outageEnded || this.dropsSinceFlush === 0)) {
      this.sink.log(
        `The spool limit dropped ${this.dropEpisode.dropped} point(s) in all until InfluxDB took writes again.`,
      );
      this.dropEpisode = undefined;
    }
    this.dropsSinceFlush = 0;
  }

  private showBacklog(): void {
    const buffered = this.buffered();
    if (!this.failing) this.sink.waiting(`writing · ${buffered} buffered`);
    else if (this.failing.refused) this.sink.error(`${this.failing.short} · ${buffered} buffered`);
    else this.sink.waiting(`${this.failing.short} · ${buffered} buffered`);
  }

  private warnDropped(): void {
    if (this.dropsInWindow === 0) return;
    this.sink.warn(
      `Spool limit of ${this.spoolLimitMb} MB reached while InfluxDB was not taking writes: dropped the ${this.dropsInWindow} oldest point(s). Raise "Spool limit" to keep more.`,
    );
    this.dropsInWindow = 0;
  }
}

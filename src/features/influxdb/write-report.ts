import type { FlushReport, WriterEvents } from "./client/durable-writer";
import {
  ApiError,
  AuthError,
  MeterflowError,
  NetworkError,
  RateLimitError,
  TimeoutError,
  shortReason,
} from "../../shared/errors";

/**
 * What a writer node tells its user about its durable writer: one status line for the backlog, each
 * problem logged once when it starts and once when it ends, dropped points summed per window so a long
 * outage does not flood the log. The node passes in where each kind of text goes.
 */
export interface ReportSink {
  ok(text: string): void;
  waiting(text: string): void;
  error(text: string): void;
  log(text: string): void;
  warn(text: string): void;
  /** An error for Catch nodes, with the counts as payload. */
  fail(message: string, payload: { written: number; buffered: number; dropped: number }): void;
  /** The flush report on the output. */
  report(report: FlushReport): void;
  /** A timer the node clears on close. */
  after(ms: number, work: () => void): void;
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

export class WriteReporter {
  private failing: { message: string; short: string; refused: boolean } | undefined;
  private dropsInWindow = 0;
  private dropWindowOpen = false;

  constructor(
    private readonly sink: ReportSink,
    private readonly spoolLimitMb: number,
    private readonly buffered: () => number,
  ) {}

  /** The writer's events, wired to the sink. */
  events(): WriterEvents {
    return {
      onFlush: (report) => {
        if (this.failing) this.sink.log(`InfluxDB takes writes again; ${report.buffered} point(s) still buffered.`);
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
      },
      onRefused: (err, _delayMs, buffered) => {
        this.sink.error(`${statusReason(err)} · ${buffered} buffered`);
        if (this.failing?.message !== err.message) this.sink.fail(err.message, { written: 0, buffered, dropped: 0 });
        this.failing = { message: err.message, short: statusReason(err), refused: true };
      },
      onRejected: (err, count, written) => {
        const stored =
          written > 0
            ? `partial write: InfluxDB stored ${written} point(s) and refused ${count}`
            : `InfluxDB refused ${count} point(s)`;
        this.sink.fail(
          `${stored} as invalid, so they were dropped: ${err.message} If a field was stored as an integer before, list it under "Integer fields".`,
          { written, buffered: this.buffered(), dropped: count },
        );
      },
      onDamage: (damage) => {
        this.sink.warn(
          `The spool file ${damage.file} was damaged (cut short or overwritten): ${damage.lost} point(s) lost in ${damage.where}; every intact point is written.`,
        );
      },
      onDrop: (count) => {
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

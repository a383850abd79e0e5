import type { FlushReport, WriterEvents } from "./client/durable-writer";
import type { SpoolDamage } from "./domain/spool";
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
  english,
  phrase,
  phraseOf,
  shortReason,
  type Phrase,
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
  /** Says a phrase in the runtime's language; English without one. */
  say?(p: Phrase): string;
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

/** A few words for the status line, in the words of `say`; the full message goes to the log and Catch nodes. */
export function statusReason(err: Error, say: (p: Phrase) => string = english): string {
  if (err instanceof MeterflowError && err.statusText) {
    const key = err.i18n?.statusKey;
    return key ? say({ key, english: err.statusText, vars: err.i18n?.vars }) : err.statusText;
  }
  if (err instanceof AuthError) return say(phrase("meter-influxdb-write:status.tokenRefused", "token refused"));
  if (err instanceof RateLimitError) return say(phrase("meter-influxdb-write:status.busy", "InfluxDB busy (429)"));
  if (err instanceof ApiError && err.status === 404)
    return say(phrase("meter-influxdb-write:status.bucketNotFound", "bucket not found"));
  if (err instanceof ApiError)
    return say(phrase("meter-influxdb-write:status.http", "InfluxDB HTTP __status__", { status: err.status }));
  if (err instanceof TimeoutError)
    return say(phrase("meter-influxdb-write:status.notAnswering", "InfluxDB not answering"));
  if (err instanceof NetworkError)
    return say(phrase("meter-influxdb-write:status.unreachable", "InfluxDB unreachable"));
  return shortReason(textOf(err, say));
}

/** An error's message in the words of `say`, when it carries its catalog key. */
function textOf(err: Error, say: (p: Phrase) => string): string {
  const said = phraseOf(err);
  return said ? say(said) : err.message;
}

/** Where a spool file was damaged: its records, and the bytes of the damage or that it was cut short. */
function damageWhere(parts: SpoolDamage["parts"]): Phrase {
  const { segment, records, several, offsets } = parts;
  const vars = { segment, records, offsets: offsets ?? "" };
  if (offsets)
    return several
      ? phrase(
          "meter-influxdb-write:damage.recordsAt",
          "__segment__, records __records__ (damage at byte __offsets__)",
          vars,
        )
      : phrase(
          "meter-influxdb-write:damage.recordAt",
          "__segment__, record __records__ (damage at byte __offsets__)",
          vars,
        );
  return several
    ? phrase(
        "meter-influxdb-write:damage.recordsCut",
        "__segment__, records __records__ (the file was cut short)",
        vars,
      )
    : phrase("meter-influxdb-write:damage.recordCut", "__segment__, record __records__ (the file was cut short)", vars);
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

  private say(p: Phrase): string {
    return this.sink.say ? this.sink.say(p) : english(p);
  }

  private readonly said = (p: Phrase): string => this.say(p);

  /** The writer's events, wired to the sink. */
  events(): WriterEvents {
    return {
      onFlush: (report) => {
        if (this.failing)
          this.sink.log(
            this.say(
              phrase(
                "meter-influxdb-write:log.writesAgain",
                "InfluxDB takes writes again; __buffered__ point(s) still buffered.",
                { buffered: report.buffered },
              ),
            ),
          );
        this.endEpisodes(this.failing !== undefined);
        this.failing = undefined;
        if (report.buffered === 0)
          this.sink.ok(
            this.say(phrase("meter-influxdb-write:status.written", "__count__ written", { count: report.written })),
          );
        else this.showBacklog();
        this.sink.report(report);
      },
      onRetry: (err, delayMs, buffered) => {
        const short = statusReason(err, this.said);
        const seconds = Math.ceil(delayMs / 1000);
        this.sink.waiting(
          this.say(
            phrase("meter-influxdb-write:status.retrying", "__reason__ · __buffered__ buffered · retry __seconds__ s", {
              reason: short,
              buffered,
              seconds,
            }),
          ),
        );
        if (this.failing?.message !== err.message)
          this.sink.warn(
            this.say(
              phrase("meter-influxdb-write:warn.buffered", "__reason__ __buffered__ point(s) are buffered on disk.", {
                reason: textOf(err, this.said),
                buffered,
              }),
            ),
          );
        this.failing = { message: err.message, short, refused: false };
        this.checkOutage(err, buffered);
      },
      onRefused: (err, _delayMs, buffered) => {
        const short = statusReason(err, this.said);
        this.sink.error(this.backlogText(short, buffered));
        if (this.failing?.message !== err.message)
          this.sink.fail(new Error(textOf(err, this.said)), { written: 0, buffered, dropped: 0 });
        this.failing = { message: err.message, short, refused: true };
      },
      onRejected: (err, count, written) => {
        const vars = { written, count, reason: textOf(err, this.said) };
        const text = this.say(
          written > 0
            ? phrase(
                "meter-influxdb-write:errors.partlyRefused",
                'partial write: InfluxDB stored __written__ point(s) and refused __count__ as invalid, so they were dropped: __reason__ If a field was stored as an integer before, list it under "Integer fields".',
                vars,
              )
            : phrase(
                "meter-influxdb-write:errors.refused",
                'InfluxDB refused __count__ point(s) as invalid, so they were dropped: __reason__ If a field was stored as an integer before, list it under "Integer fields".',
                vars,
              ),
        );
        this.sink.fail(new Error(text), { written, buffered: this.buffered(), dropped: count });
      },
      onDamage: (damage) => {
        const where = this.say(damageWhere(damage.parts));
        this.sink.warn(
          this.say(
            phrase(
              "meter-influxdb-write:warn.damaged",
              "The spool file __file__ was damaged (cut short or overwritten): __lost__ point(s) lost in __where__; every intact point is written.",
              { file: damage.file, lost: damage.lost, where },
            ),
          ),
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
        phrase(
          "meter-influxdb-write:errors.spoolLimit",
          'Spool limit of __limit__ MB reached while InfluxDB was not taking writes: dropped the __dropped__ oldest point(s), __buffered__ kept on disk. Until InfluxDB takes writes again, further drops are counted in the output\'s "dropped" and the log. Raise "Spool limit" to keep more.',
          vars,
        ),
        undefined,
        { statusText: phrase("meter-influxdb-write:status.spoolFull", "spool full") },
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
      reason: textOf(err, this.said),
    };
    this.sink.fail(
      new MeterflowError(
        "NETWORK",
        phrase(
          "meter-influxdb-write:errors.outage",
          "InfluxDB has not taken writes for __seconds__ s, longer than the retry window of __window__ s: __reason__ __buffered__ point(s) are kept on disk and written once it answers again.",
          vars,
        ),
        { cause: err, statusText: statusReason(err, this.said) },
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
        this.say(
          phrase(
            "meter-influxdb-write:log.dropsEnded",
            "The spool limit dropped __count__ point(s) in all until InfluxDB took writes again.",
            { count: this.dropEpisode.dropped },
          ),
        ),
      );
      this.dropEpisode = undefined;
    }
    this.dropsSinceFlush = 0;
  }

  private showBacklog(): void {
    const buffered = this.buffered();
    if (!this.failing)
      this.sink.waiting(
        this.say(phrase("meter-influxdb-write:status.writing", "writing · __buffered__ buffered", { buffered })),
      );
    else if (this.failing.refused) this.sink.error(this.backlogText(this.failing.short, buffered));
    else this.sink.waiting(this.backlogText(this.failing.short, buffered));
  }

  private backlogText(reason: string, buffered: number): string {
    return this.say(
      phrase("meter-influxdb-write:status.backlog", "__reason__ · __buffered__ buffered", { reason, buffered }),
    );
  }

  private warnDropped(): void {
    if (this.dropsInWindow === 0) return;
    this.sink.warn(
      this.say(
        phrase(
          "meter-influxdb-write:warn.dropped",
          'Spool limit of __limit__ MB reached while InfluxDB was not taking writes: dropped the __dropped__ oldest point(s). Raise "Spool limit" to keep more.',
          { limit: this.spoolLimitMb, dropped: this.dropsInWindow },
        ),
      ),
    );
    this.dropsInWindow = 0;
  }
}

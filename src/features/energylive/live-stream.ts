import { clock } from "../../shared/clock";
import { resolveBaseUrl } from "../../shared/base-url";
import { ApiError, AuthError, english, phrase, phraseOf, type Phrase, type Vars } from "../../shared/errors";
import { retryAfterMs, USER_AGENT } from "../../shared/http";
import { backoffDelay } from "../../shared/retry";
import { sleep } from "../../shared/sleep";
import {
  ENERGYLIVE_BASE_URL,
  ENERGYLIVE_BASE_URL_ENV,
  parseLatest,
  powerSummary,
  toReaderOutput,
  type ReaderOutput,
} from "./client";
import { SseParser } from "./client/sse";

/**
 * energylive-reader's "live stream" mode: keeps `GET /devices/{uid}/measurements/live` open (reference
 * D3) and hands on each measurement as it arrives. Reconnects with exponential back-off and jitter,
 * sends `Last-Event-ID` when the server gave ids, restarts a stream that went silent, stops on a
 * refused key, and falls back to polling `/latest` when the stream itself is refused (404, 405, 501, or
 * an answer that is not an event stream). Every reconnect waits at least `baseMs`, and the back-off only
 * resets after an event arrived, so a stream that fails at once can never turn into a tight loop.
 */

export interface StreamTimings {
  baseMs: number;
  maxMs: number;
  /** No bytes for this long: the stream is restarted (the one public client waits 900 s). */
  silentMs: number;
}

export const DEFAULT_STREAM_TIMINGS: StreamTimings = { baseMs: 2_000, maxMs: 5 * 60_000, silentMs: 5 * 60_000 };

export type StreamState =
  | { kind: "connecting" }
  | { kind: "live" }
  /** `reason` in English; `said` the same with its catalog key, for the status line. */
  | { kind: "reconnecting"; atMs: number; reason: string; said: Phrase }
  | { kind: "stopped"; error: Error };

export interface StreamHooks {
  reading(output: ReaderOutput): void;
  state(state: StreamState): void;
  /** The stream was refused: the node polls `/latest` instead. */
  fallback(reason: Error): void;
}

export interface StreamOptions {
  apiKey: string;
  baseUrl?: string;
  deviceUid: string;
  timings?: Partial<StreamTimings>;
}

/** What to do after a stream ended or failed. */
type Outcome = { retryMs?: number; reason: Phrase } | { stop: Error } | { fallback: Error };

const REFUSED = new Set([404, 405, 406, 501]);

export class EnergyLiveStream {
  /** Streams opened, for tests and the soak. */
  opened = 0;
  reconnects = 0;
  private readonly url: string;
  private readonly timings: StreamTimings;
  private readonly controller = new AbortController();
  private attempts = 0;
  private lastEventId: string | undefined;

  constructor(
    private readonly options: StreamOptions,
    private readonly hooks: StreamHooks,
  ) {
    const base = resolveBaseUrl(options.baseUrl, ENERGYLIVE_BASE_URL_ENV, ENERGYLIVE_BASE_URL).replace(/\/+$/, "");
    this.url = `${base}/devices/${encodeURIComponent(options.deviceUid)}/measurements/live`;
    this.timings = { ...DEFAULT_STREAM_TIMINGS, ...options.timings };
  }

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.controller.abort();
  }

  private async loop(): Promise<void> {
    const { signal } = this.controller;
    while (!signal.aborted) {
      this.hooks.state({ kind: "connecting" });
      const outcome = await this.once(signal);
      if (signal.aborted) return;
      if ("stop" in outcome) return this.hooks.state({ kind: "stopped", error: outcome.stop });
      if ("fallback" in outcome) return this.hooks.fallback(outcome.fallback);
      this.attempts++;
      this.reconnects++;
      const backoff = backoffDelay(this.attempts, this.timings, clock.random);
      const delay = Math.max(backoff, outcome.retryMs ?? 0, this.timings.baseMs / 2);
      const { reason } = outcome;
      this.hooks.state({ kind: "reconnecting", atMs: clock.now() + delay, reason: english(reason), said: reason });
      // sleep() removes its abort listener when the timer fires: one per reconnect would pile up on the signal.
      await sleep(delay, signal).catch(() => undefined);
    }
  }

  /** One stream request, read until it ends; what to do next. */
  private async once(outer: AbortSignal): Promise<Outcome> {
    const request = new AbortController();
    const abort = (): void => request.abort();
    outer.addEventListener("abort", abort, { once: true });
    let silent = false;
    let watchdog: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (watchdog) clearTimeout(watchdog);
      watchdog = setTimeout(() => ((silent = true), request.abort()), this.timings.silentMs);
    };
    try {
      arm();
      this.opened++;
      const headers: Record<string, string> = {
        Accept: "text/event-stream",
        "X-API-KEY": this.options.apiKey.trim(),
        "User-Agent": USER_AGENT,
      };
      if (this.lastEventId !== undefined) headers["Last-Event-ID"] = this.lastEventId;
      const res = await fetch(this.url, { headers, signal: request.signal });
      if (res.status !== 200) return statusOutcome(res);
      if (!/text\/event-stream/i.test(res.headers.get("content-type") ?? "") || !res.body) {
        await res.body?.cancel().catch(() => undefined);
        return {
          fallback: new ApiError(
            phrase(
              "energylive-reader:errors.notEventStream",
              "energyLIVE answered the live stream with something other than an event stream; polling /latest instead.",
            ),
            200,
          ),
        };
      }
      this.hooks.state({ kind: "live" });
      const parser = new SseParser();
      const decoder = new TextDecoder();
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        arm();
        for (const event of parser.feed(decoder.decode(value, { stream: true }))) {
          if (event.id !== undefined) this.lastEventId = event.id;
          const output = this.toOutput(event.data);
          if (output) {
            this.attempts = 0;
            this.hooks.reading(output);
          }
        }
      }
      return { reason: phrase("energylive-reader:reasons.ended", "the stream ended") };
    } catch (err) {
      const seconds = Math.round(this.timings.silentMs / 1000);
      if (silent)
        return { reason: phrase("energylive-reader:reasons.silent", "no data for __seconds__ s", { seconds }) };
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return {
        reason: cause
          ? phrase("energylive-reader:reasons.unreachable", "cannot reach energyLIVE (__code__)", { code: cause })
          : phrase("energylive-reader:reasons.brokeOff", "the stream broke off"),
      };
    } finally {
      if (watchdog) clearTimeout(watchdog);
      outer.removeEventListener("abort", abort);
      request.abort();
    }
  }

  private toOutput(data: string): ReaderOutput | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return undefined;
    }
    const entries = Array.isArray(parsed) ? parsed : [parsed];
    const receivedAt = clock.now();
    return toReaderOutput({ deviceUid: this.options.deviceUid, receivedAt, ...parseLatest(entries, receivedAt) });
  }
}

/** What the stream needs of the node: a node's kit fits. */
export interface StreamSink {
  send(output: ReaderOutput): void;
  status: { ok(value: string, at: number): void; waiting(text: string): void; idle(text: string): void };
  fail(err: Error): void;
  warn(text: string): void;
  now(): number;
  /** A catalog text in the runtime's language (a node's kit); without it, English. */
  t?(key: string, vars?: Vars): string;
}

/** Starts the live stream of a reader node; a refused stream hands over to `poll`. */
export function startLiveStream(options: StreamOptions, sink: StreamSink, poll: () => void): EnergyLiveStream {
  const say = (p: Phrase): string => (sink.t ? sink.t(p.key, p.vars) : english(p));
  const stream = new EnergyLiveStream(options, {
    reading: (out) => {
      sink.send({ ...out });
      const power = powerSummary(out.payload);
      sink.status.ok(say(phrase("energylive-reader:status.live", "live · __power__", { power })), out.timestamp);
    },
    state: (s) => {
      if (s.kind === "stopped") sink.fail(s.error);
      else if (s.kind === "reconnecting") sink.status.waiting(streamStatusText(s, sink.now(), say));
      else sink.status.idle(streamStatusText(s, sink.now(), say));
    },
    fallback: (err) => {
      const text = phraseOf(err);
      sink.warn(text ? say(text) : err.message);
      poll();
    },
  });
  stream.start();
  return stream;
}

/** The status line of a stream state (a stopped stream shows its error instead). */
export function streamStatusText(
  s: Exclude<StreamState, { kind: "stopped" }>,
  now: number,
  say: (p: Phrase) => string = english,
): string {
  if (s.kind === "reconnecting") {
    const seconds = Math.max(1, Math.round((s.atMs - now) / 1000));
    const reason = say(s.said);
    return say(
      phrase("energylive-reader:status.reconnecting", "reconnecting in __seconds__ s · __reason__", {
        seconds,
        reason,
      }),
    );
  }
  return say(
    s.kind === "live"
      ? phrase("energylive-reader:status.waitingForMeasurement", "live · waiting for a measurement")
      : phrase("energylive-reader:status.connecting", "connecting to the live stream"),
  );
}

function statusOutcome(res: Response): Outcome {
  const status = res.status;
  void res.body?.cancel().catch(() => undefined);
  if (status === 401 || status === 403) {
    return {
      stop: new AuthError(
        phrase(
          "energylive-reader:errors.streamKeyRejected",
          "energyLIVE rejected the API key for the live stream (HTTP __status__); create a new key in the smartENERGY customer portal (energyLIVE → API KEY VERWALTEN) and paste it into the energyLIVE account the reader uses.",
          { status },
        ),
        status,
        { statusText: phrase("energylive-reader:status.keyRefused", "API key refused") },
      ),
    };
  }
  if (REFUSED.has(status)) {
    const refused = phrase(
      "energylive-reader:errors.streamRefused",
      "energyLIVE refused the live stream (HTTP __status__); polling /latest instead.",
      { status },
    );
    return { fallback: new ApiError(refused, status) };
  }
  if (status === 429) {
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    const wait = retryAfterMs(headers) ?? 60_000;
    return {
      retryMs: wait,
      reason: phrase("energylive-reader:reasons.slowDown", "energyLIVE asks to slow down (HTTP 429)"),
    };
  }
  return { reason: phrase("energylive-reader:reasons.status", "energyLIVE answered HTTP __status__", { status }) };
}

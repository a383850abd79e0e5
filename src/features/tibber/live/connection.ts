import { clock } from "../../../shared/clock";
import {
  AuthError,
  english,
  phraseOf,
  phrase,
  QuotaError,
  RateLimitError,
  ValidationError,
  type Phrase,
} from "../../../shared/errors";
import { backoffDelay } from "../../../shared/retry";
import { TibberClient } from "../client/client";
import { LIVE_SUBSCRIPTION } from "./measurement";
import { isCloseLike, openClient, type GqlWsClient } from "./socket";

/** Socket addresses per base URL and token, for this process (memory only, never stored). */
const SOCKET_URLS = new Map<string, { url: string; at: number }>();
const SOCKET_URL_TTL_MS = 60 * 60_000;

/**
 * One real-time subscription of one home, shared by every tibber-live node of the same token and home
 * (Tibber allows two sockets per token). It reconnects with exponential back-off and jitter, restarts a
 * socket that went silent, waits out an IP ban, and stops for good on a refused token or after Tibber
 * answered "too many open connections" `maxTooMany` times in a row.
 */

export interface LiveTimings {
  /** First reconnect delay; doubles per failed attempt, with jitter. */
  baseMs: number;
  maxMs: number;
  /** No data for this long: the socket is restarted. */
  silentMs: number;
  keepAliveMs: number;
  handshakeMs: number;
  /** First delay after a 4429 "too many open connections". */
  tooManyBaseMs: number;
  /** Consecutive 4429 answers after which the connection stops. */
  maxTooMany: number;
  /** Wait after an HTTP 429 on the handshake (Tibber's IP ban lasts 10 minutes). */
  banMs: number;
  /** Tibber's 1001 "Going away" on a restart: reconnect at a random time up to this (reference A7). */
  goingAwayMaxMs: number;
}

export const DEFAULT_LIVE_TIMINGS: LiveTimings = {
  baseMs: 5_000,
  maxMs: 5 * 60_000,
  silentMs: 90_000,
  keepAliveMs: 30_000,
  handshakeMs: 20_000,
  tooManyBaseMs: 60_000,
  maxTooMany: 3,
  banMs: 10 * 60_000,
  goingAwayMaxMs: 60_000,
};

export type LiveState =
  | { kind: "connecting" }
  | { kind: "live"; since: number }
  /** `reason` in English; `said` the same with its catalog key, for the status line. */
  | { kind: "reconnecting"; atMs: number; reason: string; said: Phrase }
  | { kind: "stopped"; error: Error };

export interface LiveListener {
  measurement(raw: unknown): void;
  state(state: LiveState): void;
}

export interface LiveStats {
  sockets: number;
  reconnects: number;
  measurements: number;
}

interface Failure {
  reason: Phrase;
  delayMs?: number;
  fatal?: Error;
  tooMany?: boolean;
}

export class LiveConnection {
  readonly stats: LiveStats = { sockets: 0, reconnects: 0, measurements: 0 };
  private readonly listeners = new Set<LiveListener>();
  private readonly api: TibberClient;
  private current: LiveState = { kind: "connecting" };
  private client: GqlWsClient | undefined;
  private generation = 0;
  private attempts = 0;
  private tooMany = 0;
  private url: string | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private stopped = false;
  readonly #token: string;

  constructor(
    private readonly baseUrl: string,
    token: string,
    readonly homeId: string,
    readonly timings: LiveTimings = DEFAULT_LIVE_TIMINGS,
  ) {
    this.#token = token;
    this.api = new TibberClient({
      baseUrl,
      token,
      retry: { retries: 1, baseMs: 1_000, maxMs: 5_000, maxRetryAfterMs: 0 },
    });
  }

  get state(): LiveState {
    return this.current;
  }

  /** Adds a listener (it hears the current state at once); the first one opens the socket. */
  add(listener: LiveListener): void {
    this.listeners.add(listener);
    listener.state(this.current);
    if (this.listeners.size === 1 && !this.client && !this.retryTimer && !this.stopped) void this.connect();
  }

  /** Removes a listener; returns how many are left. */
  remove(listener: LiveListener): number {
    this.listeners.delete(listener);
    return this.listeners.size;
  }

  /** Ends the socket and every timer; the connection is not used again. */
  stop(): void {
    this.stopped = true;
    this.generation++;
    this.clearTimers();
    this.closeClient();
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    this.setState({ kind: "connecting" });
    let url: string;
    try {
      url = this.url ??= await this.knownSocketUrl();
    } catch (err) {
      if (gen === this.generation) this.failed(gen, describeHttpFailure(err));
      return;
    }
    if (gen !== this.generation) return;
    const client = (this.client = openClient(url, this.#token, this.timings.keepAliveMs, this.timings.handshakeMs));
    this.stats.sockets++;
    this.arm(gen);
    let streamError: Phrase | undefined;
    client.on("closed", (event) => this.failed(gen, classify(event, this.timings)));
    client.on("connected", () => {
      if (gen === this.generation) this.arm(gen);
    });
    client.subscribe(
      { query: LIVE_SUBSCRIPTION, variables: { homeId: this.homeId } },
      {
        next: (result) => {
          if (gen !== this.generation) return;
          if (result.errors?.length) {
            streamError = remote(errorText(result.errors));
            return;
          }
          const m = result.data?.liveMeasurement;
          if (!m) return;
          this.attempts = 0;
          this.tooMany = 0;
          this.stats.measurements++;
          this.arm(gen);
          if (this.current.kind !== "live") this.setState({ kind: "live", since: clock.now() });
          for (const l of [...this.listeners]) l.measurement(m);
        },
        error: (err) => this.failed(gen, classify(err, this.timings)),
        complete: () =>
          this.failed(gen, {
            reason: streamError ?? phrase("tibber-live:reasons.ended", "Tibber ended the subscription"),
          }),
      },
    );
  }

  private failed(gen: number, failure: Failure): void {
    if (gen !== this.generation || this.stopped) return;
    this.generation++;
    this.clearTimers();
    this.closeClient();
    if (failure.fatal) return this.halt(failure.fatal);
    if (failure.tooMany && ++this.tooMany >= this.timings.maxTooMany) {
      return this.halt(
        new QuotaError(
          phrase(
            "tibber-live:errors.tooManyConnections",
            "Tibber refused the live feed __count__ times in a row: too many open connections for this token (Tibber allows 2). Close other real-time clients of this token (apps, Home Assistant, another Node-RED) or create a new token, then deploy again.",
            { count: this.tooMany },
          ),
          4429,
          { statusText: phrase("tibber-live:status.tooManyConnections", "stopped: too many connections") },
        ),
      );
    }
    if (!failure.tooMany) this.tooMany = 0;
    // The URL is fetched again after a failure: Tibber says not to hard-code it.
    this.url = undefined;
    SOCKET_URLS.delete(this.socketUrlKey);
    this.attempts++;
    const base = failure.tooMany ? this.timings.tooManyBaseMs : this.timings.baseMs;
    const delay =
      failure.delayMs ??
      backoffDelay(this.attempts, { baseMs: base, maxMs: Math.max(base, this.timings.maxMs) }, clock.random);
    this.stats.reconnects++;
    const { reason } = failure;
    this.setState({ kind: "reconnecting", atMs: clock.now() + delay, reason: english(reason), said: reason });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped && this.listeners.size > 0) void this.connect();
    }, delay);
  }

  private halt(error: Error): void {
    this.stopped = true;
    this.setState({ kind: "stopped", error });
  }

  /** (Re)starts the silence watchdog: no ack or no data within `silentMs` restarts the socket. */
  private arm(gen: number): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      const seconds = Math.round(this.timings.silentMs / 1000);
      this.failed(gen, { reason: phrase("tibber-live:reasons.silent", "no data for __seconds__ s", { seconds }) });
    }, this.timings.silentMs);
  }

  /**
   * The socket address, asked once an hour per account rather than once per connection: a redeploy makes
   * a new connection, and 100 redeploys once made 100 of these queries on top of the home look-ups.
   */
  private get socketUrlKey(): string {
    return `${this.baseUrl}\n${this.#token}`;
  }

  private async knownSocketUrl(): Promise<string> {
    const key = this.socketUrlKey;
    const known = SOCKET_URLS.get(key);
    if (known && clock.now() - known.at < SOCKET_URL_TTL_MS) return known.url;
    const url = await this.websocketUrl();
    SOCKET_URLS.set(key, { url, at: clock.now() });
    return url;
  }

  private async websocketUrl(): Promise<string> {
    const data = await this.api.query<{ viewer?: { websocketSubscriptionUrl?: unknown } }>(
      "{ viewer { websocketSubscriptionUrl } }",
      {},
    );
    const url = data.viewer?.websocketSubscriptionUrl;
    if (typeof url !== "string" || !/^wss?:\/\//.test(url)) {
      throw new ValidationError(
        phrase(
          "tibber-live:errors.noSocketUrl",
          "Tibber sent no WebSocket address for the live feed (viewer.websocketSubscriptionUrl).",
        ),
      );
    }
    return url;
  }

  private setState(state: LiveState): void {
    this.current = state;
    for (const l of [...this.listeners]) l.state(state);
  }

  private clearTimers(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.watchdog = this.retryTimer = undefined;
  }

  private closeClient(): void {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    client.terminate();
    void Promise.resolve(client.dispose()).catch(() => undefined);
  }
}

/** What a close code or socket error means for the next step (close codes: reference A6, A7). */
function classify(event: unknown, t: LiveTimings): Failure {
  if (isCloseLike(event)) {
    const { code, reason } = event;
    if (code === 4403 || code === 4401) {
      return {
        reason: verbatim(reason),
        fatal: new AuthError(
          phrase(
            "tibber-live:errors.tokenRefused",
            "Tibber refused the token for the live feed (__code__ __reason__); create a new token at developer.tibber.com/settings/access-token and paste it into the Tibber account.",
            { code, reason: reason || "Forbidden" },
          ),
          code,
          { statusText: phrase("tibber-live:status.tokenRefused", "stopped: token refused") },
        ),
      };
    }
    if (code === 4429) return { reason: phrase("tibber-live:reasons.tooMany", "too many connections"), tooMany: true };
    if (code === 1001)
      return {
        reason: phrase("tibber-live:reasons.restarts", "Tibber restarts"),
        delayMs: 1_000 + Math.floor(clock.random() * t.goingAwayMaxMs),
      };
    if (code === 4499) return { reason: phrase("tibber-live:reasons.socketRestarted", "socket restarted") };
    const closed = `${code}${reason ? ` ${reason}` : ""}`;
    return { reason: phrase("tibber-live:reasons.socketClosed", "socket closed (__code__)", { code: closed }) };
  }
  if (Array.isArray(event)) {
    const text = errorText(event);
    const bad = event.some((e) => /BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/.test(JSON.stringify(e ?? {})));
    if (bad) {
      const refused = phrase(
        "tibber-live:errors.subscriptionRefused",
        "Tibber refused the live subscription: __text__.",
        {
          text,
        },
      );
      return { reason: verbatim(text), fatal: new ValidationError(refused) };
    }
    return { reason: remote(text) };
  }
  const message = event instanceof Error ? event.message : String((event as { message?: unknown })?.message ?? event);
  const status = /Unexpected server response: (\d+)/.exec(message)?.[1];
  if (status === "429") return { reason: ipBanned(), delayMs: t.banMs + Math.floor(clock.random() * 60_000) };
  if (status === "401" || status === "403") {
    return {
      reason: verbatim(message),
      fatal: new AuthError(
        phrase("tibber-live:errors.handshakeRefused", "Tibber refused the live feed's handshake (HTTP __status__).", {
          status,
        }),
        Number(status),
      ),
    };
  }
  return {
    reason: message ? verbatim(message.slice(0, 80)) : phrase("tibber-live:reasons.socketError", "socket error"),
  };
}

function describeHttpFailure(err: unknown): Failure {
  if (err instanceof AuthError || err instanceof ValidationError) return { reason: said(err), fatal: err };
  if (err instanceof RateLimitError) return { reason: ipBanned(), delayMs: Math.max(err.retryAfterMs, 60_000) };
  return { reason: err instanceof Error ? said(err, 80) : verbatim(String(err)) };
}

const ipBanned = (): Phrase => phrase("tibber-live:reasons.ipBanned", "IP rate-limited by Tibber");
/** What Tibber said, as it said it. */
const remote = (text: string): Phrase => phrase("tibber-live:reasons.remote", "Tibber: __text__", { text });
/** A text no catalog has (a socket's own error): shown as it is, in every language. */
const verbatim = (text: string): Phrase => phrase("tibber-live:reasons.verbatim", "__text__", { text });

/** An error as a reason: its catalog key when it has one (a timeout reads in the runtime's language). */
function said(err: Error, max = Infinity): Phrase {
  const text = err.message.slice(0, max);
  const own = phraseOf(err);
  return own ? { ...own, english: text } : verbatim(text);
}

function errorText(errors: unknown[]): string {
  return errors
    .map((e) => (typeof e === "object" && e && "message" in e ? String(e.message) : String(e)))
    .join("; ")
    .slice(0, 160);
}

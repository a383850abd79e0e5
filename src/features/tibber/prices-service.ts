import { english, phrase, phraseOf, RateLimitError, ValidationError, type Phrase } from "../../shared/errors";
import { seriesName, type Reading } from "../../shared/reading";
import { AbortedError } from "../../shared/sleep";
import { addDays, atLocalTime, localDateKey } from "../../shared/time/calendar";
import type { ConsumptionHour, TibberHome } from "./client/models";
import type { PriceView } from "./client/price-feed";
import { EmitLog } from "./domain/emit-log";
import { consumptionReading, priceReading } from "./domain/readings";
import { nextBoundary, type Resolution } from "./domain/slots";
import { priceText, summaryPayload, type CheapestSetting } from "./prices-payload";

/**
 * What one tibber-prices node does, without Node-RED: answers an input with the summary (output 1) and
 * the readings not sent before (output 2), and, when it emits by itself, wakes at every slot boundary,
 * when the shared cache wants to refresh, once a day for consumption, and at the end of an IP ban.
 */

/** Local time of the daily consumption fetch: Tibber's hourly data is a day or more late anyway. */
export const CONSUMPTION_AT_MINUTES = 6 * 60;
/** Wake a moment after a slot boundary, so "now" is inside the new slot. */
export const AFTER_BOUNDARY_MS = 250;
/** Never sleep longer than this, so a host that slept or changed its clock catches up. */
export const MAX_SLEEP_MS = 15 * 60_000;
export const RETRY_WITHOUT_HOME_MS = 5 * 60_000;
/** Slots and hours older than this are never sent again, so the logs forget them. */
const PRICE_MEMORY_MS = 3 * 86_400_000;
const CONSUMPTION_MEMORY_MS = 40 * 86_400_000;

/** What the service needs of the shared account (a TibberAccount). */
export interface PriceSource {
  resolveHome(wanted: string | undefined, signal?: AbortSignal): Promise<TibberHome>;
  prices(home: TibberHome, resolution: Resolution, signal?: AbortSignal): Promise<PriceView>;
  consumption(home: TibberHome, hours: number, signal?: AbortSignal): Promise<ConsumptionHour[]>;
  /** When a known IP ban ends, else undefined. */
  bannedUntil(): number | undefined;
}

export interface PricesOptions {
  /** The home as configured, or how to read it from a message (a TypedInput); blank = the only home with a contract. */
  home?: string | ((msg: Message | undefined) => Promise<string | undefined>);
  resolution: Resolution;
  cheapest: CheapestSetting;
  consumptionHours: number;
  consumptionDaily: boolean;
}

export type Message = { payload?: unknown; [key: string]: unknown };
/** Output 1 (the summary) and output 2 (readings for storage), as a node sends them. */
export type Outputs = [Message | null, Reading[] | null];

export type PricesStatus =
  | { kind: "price"; price: string; at: number; bannedUntil?: number }
  | { kind: "consumption"; hours: number; at: number }
  | { kind: "rate-limited"; until: number }
  | { kind: "failed"; error: Error };

/** The node around the service: its clock, outputs, status and timers. */
export interface PricesPort {
  readonly signal: AbortSignal;
  now(): number;
  send(outputs: Outputs): void;
  show(status: PricesStatus): void;
  warnOnce(key: string, text: string): void;
  /** A phrase in the runtime's language; without it, English. */
  say?(p: Phrase): string;
  /** A background failure for Catch nodes. */
  fail(err: Error): void;
  after(ms: number, work: () => Promise<void>): void;
}

/** How long to sleep until `at`; `minMs` keeps a plan that is due again at once from turning into a busy loop. */
export function sleepMs(at: number, now: number, minMs = 1_000): number {
  return Math.min(MAX_SLEEP_MS, Math.max(minMs, at - now));
}

export class PricesService {
  private readonly priceLog = new EmitLog();
  private readonly consumptionLog = new EmitLog();
  private lastSent: { slotStartMs: number; known: number } | undefined;
  private consumptionDoneFor: string | undefined;

  /** `source` is undefined when the node has no token: every call then says how to get one. */
  constructor(
    private readonly source: PriceSource | undefined,
    private readonly options: PricesOptions,
    private readonly port: PricesPort,
  ) {}

  /** `payload: "consumption"` asks for consumption; anything else for prices, output 1 always. */
  async input(msg: Message): Promise<Outputs | undefined> {
    if (msg.payload === "consumption") return this.consumption(msg);
    return (await this.prices(msg, true)).outputs;
  }

  /** Output 1 when forced or changed (current slot or number of known slots); output 2 when slots are fresh. */
  async prices(base: Message | undefined, force: boolean): Promise<{ view: PriceView; outputs?: Outputs }> {
    const source = this.requireSource();
    const { resolution } = this.options;
    const view = await source.prices(await this.home(base), resolution, this.port.signal);
    const now = this.port.now();
    const current = view.current;
    if (!current) {
      throw new ValidationError(
        resolution === "HOURLY"
          ? phrase(
              "tibber-prices:errors.noCurrentHour",
              "Tibber sent no price for the current hour; the next refresh retries.",
            )
          : phrase(
              "tibber-prices:errors.noCurrentQuarter",
              "Tibber sent no price for the current quarter; the next refresh retries.",
            ),
      );
    }
    if (current.delivered === "HOURLY" && resolution === "QUARTER_HOURLY") {
      this.port.warnOnce(
        `tibber-hourly-standin:${localDateKey(now, view.home.timeZone)}`,
        this.say(
          phrase(
            "tibber-prices:warnings.hourlyStandIn",
            `Tibber sent no 15-minute prices for today (it answered an empty day, as on 2026-05-17); each hour's price stands for its four quarters meanwhile (resolution "HOURLY" in the output), and the node asks again every 15 minutes.`,
          ),
        ),
      );
    }
    const known = view.today.length + view.tomorrow.length;
    const changed = !this.lastSent || this.lastSent.slotStartMs !== current.startMs || this.lastSent.known !== known;
    const storage = this.freshSlots(view, now);
    let outputs: Outputs | undefined;
    if (force || changed) {
      const msg: Message = base ?? {};
      msg.payload = summaryPayload(view, current, resolution, this.options.cheapest, now);
      // The series name for a chart, unless the input message brought a topic of its own (kept, as before).
      if (typeof msg.topic !== "string" || msg.topic === "") msg.topic = seriesName("tibber_prices", view.home.id);
      outputs = [msg, storage.length ? storage : null];
      this.lastSent = { slotStartMs: current.startMs, known };
    } else if (storage.length) {
      outputs = [null, storage];
    }
    this.port.show({
      kind: "price",
      price: priceText(current, view.currency),
      at: now,
      bannedUntil: source.bannedUntil(),
    });
    return { view, outputs };
  }

  /** The consumption hours not sent before, on output 2. */
  async consumption(msg?: Message): Promise<Outputs | undefined> {
    const target = await this.home(msg);
    const hours = await this.requireSource().consumption(target, this.options.consumptionHours, this.port.signal);
    const out = hours
      .filter((h) => this.consumptionLog.fresh(`${target.id}:${h.fromMs}`, h.fromMs, `${h.consumption}|${h.cost}`))
      .map((h) => consumptionReading(target.id, h));
    const now = this.port.now();
    this.consumptionLog.prune(now - CONSUMPTION_MEMORY_MS);
    this.port.show({ kind: "consumption", hours: out.length, at: now });
    return out.length ? [null, out] : undefined;
  }

  /** Starts the background emission; the port's timers and signal end it. */
  start(): void {
    this.schedule(this.port.now(), 0);
  }

  /** One background round: emits what changed, returns when to wake next. Only a close ends it with a throw. */
  async tick(): Promise<number> {
    let wakeAt = this.port.now() + RETRY_WITHOUT_HOME_MS;
    try {
      const { view, outputs } = await this.prices(undefined, false);
      if (outputs) this.port.send(outputs);
      const now = this.port.now();
      wakeAt = Math.min(nextBoundary(now, this.options.resolution), view.nextRefreshAtMs) + AFTER_BOUNDARY_MS;
      if (this.options.consumptionDaily) wakeAt = Math.min(wakeAt, await this.dailyConsumption(view.home, now));
    } catch (err) {
      if (err instanceof AbortedError || this.port.signal.aborted) throw err;
      const error = err instanceof Error ? err : new Error(String(err));
      const banEnd = this.source?.bannedUntil();
      if (banEnd === undefined) {
        this.port.fail(error);
        return wakeAt;
      }
      // One warning per ban, so the debug sidebar says why without repeating it every quarter.
      this.port.show(this.failureStatus(error));
      const said = phraseOf(error);
      this.port.warnOnce(`tibber-ban:${banEnd}`, said ? this.say(said) : error.message);
      return banEnd + AFTER_BOUNDARY_MS;
    }
    return wakeAt;
  }

  /** How a failure shows: a rate limit as a wait with the time it retries. */
  failureStatus(err: Error): PricesStatus {
    if (!(err instanceof RateLimitError)) return { kind: "failed", error: err };
    return { kind: "rate-limited", until: this.source?.bannedUntil() ?? this.port.now() + err.retryAfterMs };
  }

  /** Fetches consumption once a day after 06:00 local; returns when to look again. */
  private async dailyConsumption(target: TibberHome, now: number): Promise<number> {
    const today = localDateKey(now, target.timeZone);
    const dueAt = atLocalTime(today, CONSUMPTION_AT_MINUTES, target.timeZone);
    if (now >= dueAt && this.consumptionDoneFor !== today) {
      const outputs = await this.consumption();
      if (outputs) this.port.send(outputs);
      this.consumptionDoneFor = today;
    }
    return this.consumptionDoneFor === today
      ? atLocalTime(addDays(today, 1), CONSUMPTION_AT_MINUTES, target.timeZone)
      : dueAt;
  }

  private schedule(at: number, minMs?: number): void {
    if (this.port.signal.aborted) return;
    this.port.after(sleepMs(at, this.port.now(), minMs), async () => this.schedule(await this.tick()));
  }

  private freshSlots(view: PriceView, now: number): Reading[] {
    const out: Reading[] = [];
    for (const slot of [...view.today, ...view.tomorrow]) {
      const fingerprint = `${slot.total}|${slot.energy}|${slot.tax}|${slot.level}`;
      // Keyed by home too: with the home taken from messages, one node may serve several homes.
      if (this.priceLog.fresh(`${view.home.id}:${slot.startMs}`, slot.startMs, fingerprint))
        out.push(priceReading(view.home.id, this.options.resolution, slot));
    }
    this.priceLog.prune(now - PRICE_MEMORY_MS);
    return out;
  }

  private say(p: Phrase): string {
    return (this.port.say ?? english)(p);
  }

  private async home(msg?: Message): Promise<TibberHome> {
    const source = this.requireSource();
    const { home } = this.options;
    return source.resolveHome(typeof home === "function" ? await home(msg) : home, this.port.signal);
  }

  private requireSource(): PriceSource {
    if (this.source) return this.source;
    throw new ValidationError(
      phrase(
        "tibber-prices:errors.noToken",
        "No Tibber token: choose a Tibber account in this node (with a token from developer.tibber.com/settings/access-token), then deploy.",
      ),
    );
  }
}

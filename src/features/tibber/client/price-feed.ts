import { clock } from "../../../shared/clock";
import { createHash } from "node:crypto";
import { AuthError, RateLimitError, ValidationError } from "../../../shared/errors";
import { backoffDelay, type RetryPolicy } from "../../../shared/retry";
import { planRefresh, type RefreshPlan } from "../domain/schedule";
import { coversDay, quartersFromHours, slotAt, type PriceSlot, type Resolution } from "../domain/slots";
import { addDays, localDateKey, startOfLocalDay } from "../../../shared/time/calendar";
import { TibberClient } from "./client";
import { selectHome } from "./homes";
import type { ConsumptionHour, TibberHome } from "./models";

/**
 * The price cache every node with the same token shares (one Tibber account, one IP budget): one fetch
 * per home, resolution and local day, then polls for tomorrow on the schedule of `planRefresh`. Nodes
 * ask as often as they like (every quarter hour, every inject) and are answered from the cache;
 * `current` is found locally. Accounts are keyed by base URL and a hash of the token, never the token.
 */

/** The 13:00 start is spread over this many ms per account, so installations do not all call at once. */
const JITTER_SPAN_MS = 2 * 60_000;
const HOMES_TTL_MS = 24 * 3_600_000;
const MAX_BACKOFF_MS = 15 * 60_000;
/** Accounts nobody used for this long are forgotten. */
const IDLE_EVICT_MS = 48 * 3_600_000;

export interface PriceView {
  home: TibberHome;
  resolution: Resolution;
  currency: string;
  current: PriceSlot | undefined;
  today: PriceSlot[];
  tomorrow: PriceSlot[];
  /** Set when a refresh failed but cached prices still cover now. */
  refreshError?: Error;
  /** When the cache wants to be asked again (next poll, ban end or midnight). */
  nextRefreshAtMs: number;
}

interface PriceEntry {
  resolution: Resolution;
  slots: PriceSlot[];
  currency: string;
  /** Local date of the last successful fetch: today counts as fetched even if Tibber sent a partial day. */
  fetchedDateKey?: string;
  lastAttemptMs?: number;
  retryAtMs?: number;
  failures: number;
  lastError?: Error;
  inFlight?: Promise<void>;
  /** Calls for this entry on one local day, against DAILY_CALL_CAP. */
  callsOn?: { dateKey: string; count: number };
}

export interface FeedOptions {
  timeoutMs?: number;
  retry?: RetryPolicy;
}

export class TibberAccount {
  readonly client: TibberClient;
  /** Calls this account made, for the budget test and the docs' figures. */
  calls = 0;
  private homesCache: { list: TibberHome[]; atMs: number } | undefined;
  private homesInFlight: Promise<TibberHome[]> | undefined;
  private readonly entries = new Map<string, PriceEntry>();
  private readonly jitterMs: number;
  /** An IP ban seen on any call holds every call of this account. */
  private bannedUntilMs = 0;
  private banError: RateLimitError | undefined;
  users = 0;
  lastUsedMs = clock.now();

  constructor(baseUrl: string, token: string, options: FeedOptions = {}) {
    this.client = new TibberClient({
      baseUrl,
      token,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      now: () => clock.now(),
    });
    this.jitterMs = Math.floor(clock.random() * JITTER_SPAN_MS);
  }

  /** The home a node means (see selectHome); the home list is cached for a day. */
  async resolveHome(wanted: string | undefined, signal?: AbortSignal): Promise<TibberHome> {
    const now = clock.now();
    if (!this.homesCache || now - this.homesCache.atMs > HOMES_TTL_MS) {
      this.homesInFlight ??= this.call(() => this.client.homes(signal)).finally(() => (this.homesInFlight = undefined));
      this.homesCache = { list: await this.homesInFlight, atMs: now };
    }
    return selectHome(this.homesCache.list, wanted);
  }

  async prices(home: TibberHome, resolution: Resolution, signal?: AbortSignal): Promise<PriceView> {
    const entry = this.entry(home.id, resolution);
    let plan = this.plan(entry, home);
    if (plan.due) {
      entry.inFlight ??= this.refresh(entry, home, resolution, signal).finally(() => (entry.inFlight = undefined));
      await entry.inFlight;
      plan = this.plan(entry, home);
    } else if (entry.inFlight) {
      await entry.inFlight;
    }
    return this.view(entry, home, resolution, plan);
  }

  /** When the cache for this home and resolution wants to be asked again. */
  nextRefreshAtMs(home: TibberHome, resolution: Resolution): number {
    return this.plan(this.entry(home.id, resolution), home).nextAtMs;
  }

  /** When an IP ban is known to end, else undefined. */
  bannedUntil(): number | undefined {
    return this.bannedUntilMs > clock.now() ? this.bannedUntilMs : undefined;
  }

  async consumption(home: TibberHome, hours: number, signal?: AbortSignal): Promise<ConsumptionHour[]> {
    return this.call(() => this.client.consumption(home.id, hours, signal));
  }

  private entry(homeId: string, resolution: Resolution): PriceEntry {
    const key = `${homeId}|${resolution}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { resolution, slots: [], currency: "", failures: 0 };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private plan(entry: PriceEntry, home: TibberHome): RefreshPlan {
    const now = clock.now();
    const today = localDateKey(now, home.timeZone);
    const haveToday = entry.fetchedDateKey === today || coversDay(entry.slots, today, home.timeZone, entry.resolution);
    const retryAt = Math.max(entry.retryAtMs ?? 0, this.bannedUntilMs) || undefined;
    const todayStart = startOfLocalDay(today, home.timeZone);
    const degraded = entry.slots.some((s) => s.delivered === "HOURLY" && s.startMs >= todayStart);
    return planRefresh({
      nowMs: now,
      timeZone: home.timeZone,
      todayKey: haveToday ? today : undefined,
      tomorrowComplete: coversDay(entry.slots, addDays(today, 1), home.timeZone, entry.resolution),
      // A failed attempt is retried when its back-off ends, not on the next 15-minute step.
      lastAttemptMs: entry.lastError ? undefined : entry.lastAttemptMs,
      retryAtMs: retryAt,
      jitterMs: this.jitterMs,
      degraded,
      callsToday: entry.callsOn?.dateKey === today ? entry.callsOn.count : 0,
    });
  }

  private async refresh(
    entry: PriceEntry,
    home: TibberHome,
    resolution: Resolution,
    signal?: AbortSignal,
  ): Promise<void> {
    const now = clock.now();
    entry.lastAttemptMs = now;
    const dateKey = localDateKey(now, home.timeZone);
    entry.callsOn = { dateKey, count: (entry.callsOn?.dateKey === dateKey ? entry.callsOn.count : 0) + 1 };
    try {
      const prices = await this.call(() => this.client.prices(home.id, resolution, signal));
      const dayStart = startOfLocalDay(dateKey, home.timeZone);
      const merged = new Map<number, PriceSlot>();
      // Hourly prices stand in for a 15-minute day Tibber left empty; real quarters replace them later.
      const standIn = (quarters: PriceSlot[], hours: PriceSlot[] | undefined): PriceSlot[] =>
        quarters.length === 0 && hours?.length ? quartersFromHours(hours, home.timeZone) : [];
      const fallback = [
        ...standIn(prices.today, prices.hourly?.today),
        ...standIn(prices.tomorrow, prices.hourly?.tomorrow),
      ];
      for (const s of [...fallback, ...entry.slots, ...prices.today, ...prices.tomorrow])
        if (s.startMs >= dayStart) merged.set(s.startMs, s);
      entry.slots = [...merged.values()].sort((a, b) => a.startMs - b.startMs);
      entry.currency = prices.currency || entry.currency;
      entry.fetchedDateKey = localDateKey(now, home.timeZone);
      entry.failures = 0;
      entry.retryAtMs = undefined;
      entry.lastError = undefined;
    } catch (err) {
      if (err instanceof Error && err.name === "AbortedError") throw err;
      const error = err instanceof Error ? err : new Error(String(err));
      entry.failures++;
      entry.lastError = error;
      entry.retryAtMs = clock.now() + this.backoffMs(error, entry.failures);
      if (!this.coversNow(entry)) throw error;
    }
  }

  private backoffMs(err: Error, failures: number): number {
    if (err instanceof RateLimitError) return err.retryAfterMs;
    // A wrong token or home will not fix itself; do not keep knocking.
    if (err instanceof AuthError || err instanceof ValidationError) return MAX_BACKOFF_MS;
    // The full ceiling, without jitter: each home is fetched once per process, so there is no herd to spread.
    return backoffDelay(failures, { baseMs: 60_000, maxMs: MAX_BACKOFF_MS }, () => 1);
  }

  private coversNow(entry: PriceEntry): boolean {
    return slotAt(entry.slots, clock.now()) !== undefined;
  }

  private view(entry: PriceEntry, home: TibberHome, resolution: Resolution, plan: RefreshPlan): PriceView {
    const now = clock.now();
    if (!this.coversNow(entry)) {
      // Nothing usable: the error that got us here, or the ban that stops us from asking.
      if (entry.lastError) throw entry.lastError;
      if (this.banError && this.bannedUntil()) throw this.banError;
    }
    const today = localDateKey(now, home.timeZone);
    const todayStart = startOfLocalDay(today, home.timeZone);
    const tomorrowStart = startOfLocalDay(addDays(today, 1), home.timeZone);
    const dayAfter = startOfLocalDay(addDays(today, 2), home.timeZone);
    return {
      home,
      resolution,
      currency: entry.currency,
      current: slotAt(entry.slots, now),
      today: entry.slots.filter((s) => s.startMs >= todayStart && s.startMs < tomorrowStart),
      tomorrow: entry.slots.filter((s) => s.startMs >= tomorrowStart && s.startMs < dayAfter),
      refreshError: entry.lastError,
      nextRefreshAtMs: plan.nextAtMs,
    };
  }

  /** Every call goes through here: counted, and held while a ban lasts. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    const banned = this.bannedUntil();
    if (banned !== undefined && this.banError) throw this.banError;
    this.calls++;
    try {
      return await fn();
    } catch (err) {
      if (err instanceof RateLimitError) {
        this.bannedUntilMs = clock.now() + err.retryAfterMs;
        this.banError = err;
      }
      throw err;
    }
  }
}

const accounts = new Map<string, TibberAccount>();

/** The shared account for this base URL and token; `release` when the node closes. */
export function acquireAccount(baseUrl: string, token: string, options: FeedOptions = {}): TibberAccount {
  const now = clock.now();
  for (const [key, account] of accounts)
    if (account.users === 0 && now - account.lastUsedMs > IDLE_EVICT_MS) accounts.delete(key);
  const key = `${baseUrl}|${createHash("sha256").update(token.trim()).digest("hex").slice(0, 16)}`;
  let account = accounts.get(key);
  if (!account) {
    account = new TibberAccount(baseUrl, token, options);
    accounts.set(key, account);
  }
  account.users++;
  account.lastUsedMs = now;
  return account;
}

export function releaseAccount(account: TibberAccount): void {
  account.users = Math.max(0, account.users - 1);
  account.lastUsedMs = clock.now();
}

/** Forgets every cached account (tests). */
export function resetTibberAccounts(): void {
  accounts.clear();
}

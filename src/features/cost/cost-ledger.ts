import { english, phrase, ValidationError, type Phrase } from "../../shared/errors";
import { batch, type Batch, type Point } from "../../shared/reading";
import { localDateKey, startOfLocalDay, addDays } from "../../shared/time/calendar";
import { billInterval, nextMonth, PriceIndex, sumLines, type BillContext, type BillLine } from "./domain/bill";
import { parseConsumption, type ConsumptionOptions } from "./domain/consumption";
import { billPoint } from "./domain/points";
import { parsePrices } from "./domain/prices";
import type { Tariff } from "./domain/tariff";
import type { Interval, PriceSlot } from "./domain/types";

/**
 * What an energy-cost node does, without Node-RED: keeps the prices and the intervals of consumption it
 * was sent (in its node state, so a redeploy keeps them), and answers each message with the bill lines
 * it changed: every new interval, and its day and month so far. Prices that arrive after the
 * consumption (or are corrected) re-bill the intervals they cover. Kept: the current and the last month.
 */

export interface LedgerSettings extends ConsumptionOptions {
  tariff: Tariff;
  currency: string;
}

export interface StateStore {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

export interface LedgerAnswer {
  out?: Batch;
  warnings: string[];
  /** Some intervals have no price yet: their energy cost is left out. */
  unpriced: boolean;
  /** The status line: the newest day's total, or how many prices are known. */
  status: string;
}

const KEY = "energyCost";
type Stored = {
  v: 1;
  prices: [number, number, number, string][];
  intervals: [string, number, number, number, number | null][];
};

export class CostLedger {
  private readonly prices = new Map<number, PriceSlot>();
  private readonly intervals = new Map<string, Interval>();

  constructor(
    private readonly settings: LedgerSettings,
    private readonly store: StateStore,
    /** Says a phrase in the runtime's language; English without one. */
    private readonly say: (p: Phrase) => string = english,
  ) {
    const saved = store.get<Stored>(KEY);
    if (saved?.v !== 1) return;
    for (const [startMs, endMs, total, currency] of saved.prices)
      this.prices.set(startMs, { startMs, endMs, total, currency });
    for (const [series, startMs, endMs, kwh, cost] of saved.intervals) {
      const iv: Interval = { series, startMs, endMs, kwh };
      if (cost !== null) iv.tibberCost = cost;
      this.intervals.set(`${series}|${startMs}`, iv);
    }
  }

  input(msg: Record<string, unknown>): LedgerAnswer {
    const prices = parsePrices(msg);
    if (prices) return this.addPrices(prices.items, prices.warnings.map(this.say));
    const consumption = parseConsumption(msg, this.settings);
    if (consumption) return this.addConsumption(consumption.items, consumption.warnings.map(this.say));
    throw new ValidationError(
      phrase(
        "energy-cost:errors.neither",
        "msg.payload is neither prices (tibber-prices output, [{startsAt, total}]) nor consumption (meter-interpolate output, tibber_consumption, [{t, v}])",
      ),
    );
  }

  private addPrices(slots: PriceSlot[], warnings: string[]): LedgerAnswer {
    if (slots.length === 0) return { warnings, unpriced: false, status: this.pricesKnown() };
    const from = Math.min(...slots.map((s) => s.startMs));
    const to = Math.max(...slots.map((s) => s.endMs));
    const touched = [...this.intervals.values()].filter((iv) => iv.startMs < to && iv.endMs > from);
    const before = new Map(touched.map((iv) => [iv, billInterval(iv, this.context())]));
    for (const s of slots) this.prices.set(s.startMs, s);
    const ctx = this.context();
    const changed = touched.filter((iv) => !sameBill(before.get(iv)!, billInterval(iv, ctx)));
    const answer = this.answer(changed, warnings);
    return changed.length ? answer : { warnings, unpriced: false, status: this.pricesKnown() };
  }

  private pricesKnown(): string {
    return this.say(phrase("energy-cost:status.prices", "__count__ prices", { count: this.prices.size }));
  }

  private addConsumption(items: Interval[], warnings: string[]): LedgerAnswer {
    for (const iv of items) this.intervals.set(`${iv.series}|${iv.startMs}`, iv);
    return this.answer(items, warnings);
  }

  /** Interval lines for `items`, and the day and month lines they belong to. */
  private answer(items: Interval[], warnings: string[]): LedgerAnswer {
    this.prune();
    this.save();
    const ctx = this.context();
    const tz = this.settings.timeZone;
    const points: Point[] = [];
    const days = new Map<string, [string, string]>();
    let unpriced = 0;
    for (const iv of items) {
      const line = billInterval(iv, ctx);
      if (line.unpricedKwh > 1e-12) unpriced++;
      points.push(billPoint(line, "interval"));
      const day = localDateKey(iv.startMs, tz);
      days.set(`${iv.series}|${day}`, [iv.series, day]);
    }
    if (unpriced)
      warnings.push(
        this.say(
          phrase(
            "energy-cost:warnings.unpriced",
            "__count__ of __total__ intervals have no price (yet): their energy cost is left out until the prices arrive",
            { count: unpriced, total: items.length },
          ),
        ),
      );
    const months = new Map<string, [string, string]>();
    let newest: BillLine | undefined;
    for (const [series, day] of days.values()) {
      const line = this.period(series, day, addDays(day, 1), ctx);
      points.push(billPoint(line, "daily"));
      if (!newest || line.startMs > newest.startMs) newest = line;
      const month = `${day.slice(0, 8)}01`;
      months.set(`${series}|${month}`, [series, month]);
    }
    for (const [series, month] of months.values())
      points.push(billPoint(this.period(series, month, nextMonth(month), ctx), "monthly"));
    const status = newest ? this.say(dayLine(newest, tz)) : this.pricesKnown();
    const series = items[0]?.series ?? "";
    const out = points.length ? batch(points, `energy_cost/${series}`) : undefined;
    return { out, warnings, unpriced: unpriced > 0, status };
  }

  private period(series: string, fromKey: string, toKey: string, ctx: BillContext): BillLine {
    const tz = this.settings.timeZone;
    const from = startOfLocalDay(fromKey, tz);
    const to = startOfLocalDay(toKey, tz);
    const lines = [...this.intervals.values()]
      .filter((iv) => iv.series === series && iv.startMs >= from && iv.startMs < to)
      .map((iv) => billInterval(iv, ctx));
    return sumLines(series, from, to, lines, this.settings.currency);
  }

  private context(): BillContext {
    const { tariff, timeZone, currency } = this.settings;
    return { prices: new PriceIndex(this.prices.values()), tariff, timeZone, currency };
  }

  /** Keeps the month of the newest data and the one before it. */
  private prune(): void {
    let newest = -Infinity;
    for (const iv of this.intervals.values()) newest = Math.max(newest, iv.endMs);
    for (const s of this.prices.values()) newest = Math.max(newest, s.endMs);
    if (!Number.isFinite(newest)) return;
    const tz = this.settings.timeZone;
    const month = localDateKey(newest, tz).slice(0, 7);
    const [y, m] = month.split("-").map(Number);
    const previous = m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, "0")}-01`;
    const keepFrom = startOfLocalDay(previous, tz);
    for (const [k, iv] of this.intervals) if (iv.endMs <= keepFrom) this.intervals.delete(k);
    for (const [k, s] of this.prices) if (s.endMs <= keepFrom) this.prices.delete(k);
  }

  private save(): void {
    const stored: Stored = {
      v: 1,
      prices: [...this.prices.values()].map((s) => [s.startMs, s.endMs, s.total, s.currency]),
      intervals: [...this.intervals.values()].map((iv) => [
        iv.series,
        iv.startMs,
        iv.endMs,
        iv.kwh,
        iv.tibberCost ?? null,
      ]),
    };
    this.store.set(KEY, stored);
  }
}

/** The newest day's total: "12.34 EUR 05-01", with "(gap)" while some of its energy has no price. */
function dayLine(day: BillLine, tz: string): Phrase {
  const vars = {
    total: (day.energy + day.grid + day.levies + day.fixed).toFixed(2),
    currency: day.currency,
    day: localDateKey(day.startMs, tz).slice(5),
  };
  return day.unpricedKwh > 1e-12
    ? phrase("energy-cost:status.dayGap", "__total__ __currency__ (gap) __day__", vars)
    : phrase("energy-cost:status.day", "__total__ __currency__ __day__", vars);
}

function sameBill(a: BillLine, b: BillLine): boolean {
  return Math.abs(a.energy - b.energy) < 1e-9 && Math.abs(a.unpricedKwh - b.unpricedKwh) < 1e-12;
}

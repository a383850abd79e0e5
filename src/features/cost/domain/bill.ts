import { addDays, localDateKey, startOfLocalDay } from "../../../shared/time/calendar";
import { feeChanges, gridFeeAt, type Tariff } from "./tariff";
import type { Interval, PriceSlot } from "./types";

/**
 * The bill of one interval of consumption: its kWh priced slot by slot. An interval that spans several
 * price slots (hourly consumption, 15-minute prices) or a change of grid fee is cut at each boundary,
 * and each piece gets the share of the kWh its duration has (consumption is taken as even within an
 * interval, as nothing finer is known). A piece without a price is unpriced: never charged as zero.
 * Every money field includes VAT where the tariff adds it.
 */

export interface BillLine {
  series: string;
  startMs: number;
  endMs: number;
  kwh: number;
  /** Hours of consumption the line covers (a day's line: the hours of its intervals). */
  hours: number;
  /** kWh of pieces without a price; energy and total are unknown while it is above 0. */
  unpricedKwh: number;
  energy: number;
  grid: number;
  levies: number;
  fixed: number;
  /** The VAT inside the fields above. */
  vat: number;
  currency: string;
  tibberCost?: number;
}

/** Price slots sorted by start, looked up by instant. */
export class PriceIndex {
  readonly slots: PriceSlot[];
  constructor(slots: Iterable<PriceSlot>) {
    this.slots = [...slots].sort((a, b) => a.startMs - b.startMs);
  }
  /** The slot containing `ms`. */
  at(ms: number): PriceSlot | undefined {
    let lo = 0;
    let hi = this.slots.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.slots[mid];
      if (ms < s.startMs) hi = mid - 1;
      else if (ms >= s.endMs) lo = mid + 1;
      else return s;
    }
    return undefined;
  }
  /** Slot edges strictly inside (startMs, endMs). */
  edges(startMs: number, endMs: number): number[] {
    const out: number[] = [];
    for (const s of this.slots) {
      if (s.endMs <= startMs) continue;
      if (s.startMs >= endMs) break;
      if (s.startMs > startMs) out.push(s.startMs);
      if (s.endMs < endMs) out.push(s.endMs);
    }
    return out;
  }
}

export interface BillContext {
  prices: PriceIndex;
  tariff: Tariff;
  timeZone: string;
  /** Currency when no price names one. */
  currency: string;
}

export function billInterval(iv: Interval, ctx: BillContext): BillLine {
  const { tariff, timeZone } = ctx;
  const cuts = [
    ...new Set([...ctx.prices.edges(iv.startMs, iv.endMs), ...feeChanges(tariff, iv.startMs, iv.endMs, timeZone)]),
  ].sort((a, b) => a - b);
  const bounds = [iv.startMs, ...cuts, iv.endMs];
  const duration = iv.endMs - iv.startMs;
  const vat = tariff.vat / 100;
  let energyNet = 0;
  let unpriced = 0;
  let gridNet = 0;
  let currency = "";
  for (let i = 0; i + 1 < bounds.length; i++) {
    const a = bounds[i];
    const kwh = (iv.kwh * (bounds[i + 1] - a)) / duration;
    const slot = ctx.prices.at(a);
    if (slot) {
      energyNet += kwh * slot.total;
      currency ||= slot.currency;
    } else unpriced += kwh;
    gridNet += kwh * gridFeeAt(tariff, a, timeZone);
  }
  const leviesNet = iv.kwh * tariff.levies;
  const fixedNet = fixedShare(tariff, iv.startMs, iv.endMs, timeZone);
  const energyVat = tariff.vatOnEnergy ? energyNet * vat : 0;
  const line: BillLine = {
    series: iv.series,
    startMs: iv.startMs,
    endMs: iv.endMs,
    kwh: iv.kwh,
    hours: duration / 3_600_000,
    unpricedKwh: unpriced,
    energy: energyNet + energyVat,
    grid: gridNet * (1 + vat),
    levies: leviesNet * (1 + vat),
    fixed: fixedNet * (1 + vat),
    vat: energyVat + (gridNet + leviesNet + fixedNet) * vat,
    currency: currency || ctx.currency,
  };
  if (iv.tibberCost !== undefined) line.tibberCost = iv.tibberCost;
  return line;
}

/** The fixed charge for [startMs, endMs): each local day (or month) in proportion to the time it covers. */
export function fixedShare(t: Tariff, startMs: number, endMs: number, timeZone: string): number {
  if (!t.fixed) return 0;
  let sum = 0;
  let key = localDateKey(startMs, timeZone);
  if (t.fixedPer === "month") key = `${key.slice(0, 8)}01`;
  for (;;) {
    const from = startOfLocalDay(key, timeZone);
    if (from >= endMs) break;
    const nextKey = t.fixedPer === "day" ? addDays(key, 1) : nextMonth(key);
    const to = startOfLocalDay(nextKey, timeZone);
    const overlap = Math.min(to, endMs) - Math.max(from, startMs);
    if (overlap > 0) sum += (t.fixed * overlap) / (to - from);
    key = nextKey;
  }
  return sum;
}

export function nextMonth(key: string): string {
  const [y, m] = key.split("-").map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

/** Lines added up: a day's or a month's bill. Unpriced kWh stay unpriced in the sum. */
export function sumLines(
  series: string,
  startMs: number,
  endMs: number,
  lines: readonly BillLine[],
  currency: string,
): BillLine {
  const out: BillLine = {
    series,
    startMs,
    endMs,
    kwh: 0,
    hours: 0,
    unpricedKwh: 0,
    energy: 0,
    grid: 0,
    levies: 0,
    fixed: 0,
    vat: 0,
    currency,
  };
  let tibber: number | undefined = 0;
  for (const l of lines) {
    out.kwh += l.kwh;
    out.hours += l.hours;
    out.unpricedKwh += l.unpricedKwh;
    out.energy += l.energy;
    out.grid += l.grid;
    out.levies += l.levies;
    out.fixed += l.fixed;
    out.vat += l.vat;
    if (l.currency) out.currency = l.currency;
    tibber = tibber !== undefined && l.tibberCost !== undefined ? tibber + l.tibberCost : undefined;
  }
  if (tibber !== undefined && lines.length) out.tibberCost = tibber;
  return out;
}

import type { Phrase } from "../../../shared/errors";
/**
 * The shapes the cost slice reads from other nodes' messages, described here (a slice never imports
 * another): price slots as tibber-prices or any price list sends them, and intervals of consumption as
 * meter-interpolate, Tibber's consumption hours or any `{t, v}` series sends them.
 */

/** One price slot, [startMs, endMs), price per kWh in `currency` (VAT included for Tibber's `total`). */
export interface PriceSlot {
  startMs: number;
  endMs: number;
  total: number;
  currency: string;
  /** The slot's start as the source wrote it (Tibber: local time with the home's offset), when it did. */
  startsAt?: string;
}

/** Consumption over [startMs, endMs) in kWh, for one series (a meter or a home). */
export interface Interval {
  series: string;
  startMs: number;
  endMs: number;
  kwh: number;
  /** What Tibber charged for this interval, when the input is Tibber's own consumption. */
  tibberCost?: number;
}

export interface Parsed<T> {
  items: T[];
  /** Entries that were skipped, said once per message. */
  warnings: Phrase[];
}

import { mergeRuns, selectCheapest } from "../../../shared/cheapest";
import type { PriceSlot } from "./slots";

/**
 * The cheapest window of a given length over the known prices, as the "start the dishwasher" question
 * is asked: contiguous (one block of consecutive slots) or not (the cheapest slots wherever they fall).
 * The slot running now counts, so "now" is a possible answer. Ties go to the earlier start. The choice
 * itself is the package's one cheapest-slots algorithm (shared/cheapest.ts), which price-plan uses too.
 */

export interface CheapestWindow {
  /** First slot's start and last slot's end, epoch ms. */
  startMs: number;
  endMs: number;
  /** Mean `total` of the chosen slots, rounded to 4 decimals. */
  average: number;
  /** The chosen slots merged into runs of consecutive slots (one run when contiguous). */
  periods: { startMs: number; endMs: number }[];
  slotCount: number;
}

export interface CheapestOptions {
  minutes: number;
  contiguous: boolean;
  /** Slots that end at or before this instant are over and not considered. */
  fromMs: number;
}

/** Undefined when the known horizon is shorter than the window asked for (or no contiguous run fits). */
export function cheapestWindow(slots: readonly PriceSlot[], options: CheapestOptions): CheapestWindow | undefined {
  const future = slots.filter((s) => s.endMs > options.fromMs).sort((a, b) => a.startMs - b.startMs);
  if (future.length === 0 || !(options.minutes > 0)) return undefined;
  const slotLength = future[0].endMs - future[0].startMs;
  const count = Math.ceil((options.minutes * 60_000) / slotLength);
  if (count > future.length) return undefined;
  const chosen = selectCheapest(future, { count, contiguous: options.contiguous });
  if (!chosen) return undefined;
  const sum = chosen.reduce((acc, s) => acc + s.total, 0);
  return {
    startMs: chosen[0].startMs,
    endMs: chosen[chosen.length - 1].endMs,
    average: round4(sum / chosen.length),
    periods: mergeRuns(chosen),
    slotCount: chosen.length,
  };
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

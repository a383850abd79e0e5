import type { PriceSlot } from "./slots";

/**
 * The cheapest window of a given length over the known prices, as the "start the dishwasher" question
 * is asked: contiguous (one block of consecutive slots) or not (the cheapest slots wherever they fall).
 * The slot running now counts, so "now" is a possible answer. Ties go to the earlier start.
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
  const chosen = options.contiguous ? cheapestRun(future, count) : cheapestSet(future, count);
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

/** Sliding window over consecutive slots; a gap in the data breaks a run. */
function cheapestRun(slots: readonly PriceSlot[], count: number): PriceSlot[] | undefined {
  let best: { at: number; sum: number } | undefined;
  let runStart = 0;
  let sum = 0;
  for (let i = 0; i < slots.length; i++) {
    if (i > runStart && slots[i].startMs !== slots[i - 1].endMs) {
      runStart = i;
      sum = 0;
    }
    sum += slots[i].total;
    if (i - runStart + 1 > count) sum -= slots[i - count].total;
    if (i - runStart + 1 >= count) {
      const at = i - count + 1;
      // Compare with a small tolerance so floating-point noise cannot beat an earlier equal window.
      if (!best || sum < best.sum - 1e-9) best = { at, sum };
    }
  }
  return best ? slots.slice(best.at, best.at + count) : undefined;
}

function cheapestSet(slots: readonly PriceSlot[], count: number): PriceSlot[] {
  return [...slots]
    .sort((a, b) => a.total - b.total || a.startMs - b.startMs)
    .slice(0, count)
    .sort((a, b) => a.startMs - b.startMs);
}

function mergeRuns(slots: readonly PriceSlot[]): { startMs: number; endMs: number }[] {
  const runs: { startMs: number; endMs: number }[] = [];
  for (const s of slots) {
    const last = runs[runs.length - 1];
    if (last && last.endMs === s.startMs) last.endMs = s.endMs;
    else runs.push({ startMs: s.startMs, endMs: s.endMs });
  }
  return runs;
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

/**
 * The one cheapest-slots algorithm: which price slots to use so that a device runs `count` slots at the
 * lowest total price. Used by tibber-prices' "cheapest window" and by price-plan. The caller picks the
 * candidate slots (a time window, slots not yet over); this chooses among them.
 *
 *  - contiguous: one block of `count` consecutive slots (a gap in the data breaks a block);
 *  - not contiguous: the cheapest slots wherever they fall, in runs of at least `minRun` consecutive slots;
 *  - `maxPrice`: a slot above it is never chosen (so fewer than `count` may be chosen when not contiguous);
 *  - `mustRun`: at least `count` of the chosen slots end at or before `byMs`.
 * Ties go to the earlier slots, so the same prices always give the same plan.
 */

export interface PricedSlot {
  startMs: number;
  endMs: number;
  /** Price per kWh of the slot. */
  total: number;
}

export interface CheapestRequest {
  /** Slots wanted. */
  count: number;
  contiguous: boolean;
  /** Shortest run of consecutive slots when not contiguous (default 1). */
  minRun?: number;
  maxPrice?: number;
  mustRun?: { count: number; byMs: number };
}

const EPS = 1e-9;

/** The chosen slots in time order, or undefined when no choice meets the request. */
export function selectCheapest<T extends PricedSlot>(slots: readonly T[], req: CheapestRequest): T[] | undefined {
  const sorted = [...slots].sort((a, b) => a.startMs - b.startMs);
  const max = req.maxPrice;
  const candidates = max === undefined ? sorted : sorted.filter((s) => s.total <= max + EPS);
  const must = req.mustRun && req.mustRun.count > 0 ? req.mustRun : undefined;
  const count = Math.max(Math.floor(req.count), must ? must.count : 0);
  if (!(count > 0) || candidates.length === 0) return undefined;
  if (req.contiguous) return cheapestRun(candidates, count, must);
  // A minimum run longer than the whole request means one block of what is asked.
  const minRun = Math.min(count, Math.max(1, Math.floor(req.minRun ?? 1)));
  if (minRun === 1 && !must) return cheapestSet(candidates, count);
  return cheapestRuns(candidates, Math.min(count, candidates.length), minRun, must);
}

/** Consecutive slots merged into runs `{startMs, endMs}`. */
export function mergeRuns(slots: readonly PricedSlot[]): { startMs: number; endMs: number }[] {
  const runs: { startMs: number; endMs: number }[] = [];
  for (const s of slots) {
    const last = runs[runs.length - 1];
    if (last && last.endMs === s.startMs) last.endMs = s.endMs;
    else runs.push({ startMs: s.startMs, endMs: s.endMs });
  }
  return runs;
}

/** Sliding window over consecutive slots; the earliest of equal sums wins. */
function cheapestRun<T extends PricedSlot>(
  slots: readonly T[],
  count: number,
  must: CheapestRequest["mustRun"],
): T[] | undefined {
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
    if (i - runStart + 1 < count) continue;
    const at = i - count + 1;
    if (must && !(countEndingBy(slots, at, count, must.byMs) >= must.count)) continue;
    if (!best || sum < best.sum - EPS) best = { at, sum };
  }
  return best ? slots.slice(best.at, best.at + count) : undefined;
}

function countEndingBy(slots: readonly PricedSlot[], at: number, count: number, byMs: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) if (slots[i].endMs <= byMs) n++;
  return n;
}

function cheapestSet<T extends PricedSlot>(slots: readonly T[], count: number): T[] {
  return [...slots]
    .sort((a, b) => a.total - b.total || a.startMs - b.startMs)
    .slice(0, count)
    .sort((a, b) => a.startMs - b.startMs);
}

/**
 * Runs of at least `minRun` slots, `count` slots in all (or the most that fit), by dynamic programming
 * over (slot, chosen so far, length of the run in progress capped at minRun). Exact, not greedy: taking
 * the single cheapest slots first can leave no room for a run of the minimum length.
 */
function cheapestRuns<T extends PricedSlot>(
  slots: readonly T[],
  count: number,
  minRun: number,
  must: CheapestRequest["mustRun"],
): T[] | undefined {
  const n = slots.length;
  const R = minRun + 1; // run length 0..minRun (minRun means "long enough")
  const width = (count + 1) * R;
  let cost = new Float64Array(width).fill(Infinity);
  cost[0] = 0;
  // took[i][c*R+r]: how state (c, r) after slot i was reached: 0 none, 1 skip from (c, 0 or full), 2 take.
  const from: Int32Array[] = [];
  const mustIndex = must ? slots.findIndex((s) => s.endMs > must.byMs) : -1;
  for (let i = 0; i < n; i++) {
    if (must && i === mustIndex) pruneBelow(cost, must.count, R);
    const next = new Float64Array(width).fill(Infinity);
    const via = new Int32Array(width).fill(-1);
    const adjacent = i > 0 && slots[i - 1].endMs === slots[i].startMs;
    for (let c = 0; c <= count; c++) {
      for (let r = 0; r < R; r++) {
        const here = cost[c * R + r];
        if (here === Infinity) continue;
        // An open run that is still short can only go on, and only into the next adjacent slot.
        const open = r > 0 && r < minRun;
        if (open && !adjacent) continue;
        // take slot i: the run goes on when adjacent, else a new run starts
        if (c < count) {
          const run = Math.min(minRun, (adjacent ? r : 0) + 1);
          relax(next, via, (c + 1) * R + run, here + slots[i].total, c * R + r);
        }
        // skip slot i: allowed when no short run is open
        if (!open) relax(next, via, c * R, here, c * R + r);
      }
    }
    from.push(via);
    cost = next;
  }
  if (must && mustIndex === -1) pruneBelow(cost, must.count, R);
  // The most slots that fit (up to count), with every run long enough at the end.
  for (let c = count; c > 0; c--) {
    let bestR = -1;
    for (const r of [0, minRun])
      if (cost[c * R + r] < Infinity && (bestR < 0 || cost[c * R + r] < cost[c * R + bestR] - EPS)) bestR = r;
    if (bestR < 0) continue;
    return reconstruct(slots, from, c * R + bestR, R);
  }
  return undefined;
}

function relax(next: Float64Array, via: Int32Array, to: number, value: number, source: number): void {
  // Strictly cheaper only: the first way found (taking before skipping, earlier slots first) wins ties.
  if (value < next[to] - EPS) {
    next[to] = value;
    via[to] = source;
  }
}

function pruneBelow(cost: Float64Array, least: number, R: number): void {
  for (let c = 0; c < least && c * R < cost.length; c++) for (let r = 0; r < R; r++) cost[c * R + r] = Infinity;
}

function reconstruct<T extends PricedSlot>(slots: readonly T[], from: Int32Array[], state: number, R: number): T[] {
  const chosen: T[] = [];
  for (let i = slots.length - 1; i >= 0; i--) {
    const prev = from[i][state];
    if (Math.floor(prev / R) !== Math.floor(state / R)) chosen.push(slots[i]);
    state = prev;
  }
  return chosen.reverse();
}

import { mergeRuns, selectCheapest } from "../../../shared/cheapest";
import { addDays, atLocalTime, localDateKey } from "../../../shared/time/calendar";
import type { PriceSlot } from "./types";

/**
 * price-plan's plan: for every occurrence of the daily window (say 22:00–07:00, or a whole day when
 * from = to) the cheapest slots, with the shared cheapest-slots algorithm. A window is planned once its
 * prices are complete, or with the prices known once it has begun. Slots that have begun keep the
 * decision of the previous plan, so new prices in the middle of a run never undo what already ran.
 */

export interface PlanOptions {
  /** Hours on per window occurrence. */
  hours: number;
  /** Window, minutes after local midnight. */
  from: number;
  to: number;
  contiguous: boolean;
  minRunMinutes: number;
  maxPrice?: number;
  /** At least `mustRunHours` on by the local time `mustRunBy` (minutes) in each occurrence. */
  mustRunHours: number;
  mustRunBy?: number;
  timeZone: string;
}

export interface PlannedSlot extends PriceSlot {
  on: boolean;
}

export interface Occurrence {
  startMs: number;
  endMs: number;
  /** Whether every slot of it has a price. */
  complete: boolean;
  planned: boolean;
  /** True when the request could not be met (too few slots under the maximum price, a missed deadline). */
  short: boolean;
}

export interface Plan {
  slots: PlannedSlot[];
  occurrences: Occurrence[];
}

/** Window occurrences that overlap [fromMs, toMs). */
export function occurrences(
  o: PlanOptions,
  fromMs: number,
  toMs: number,
): { startMs: number; endMs: number; day: string }[] {
  const out: { startMs: number; endMs: number; day: string }[] = [];
  const last = localDateKey(toMs, o.timeZone);
  for (let day = addDays(localDateKey(fromMs, o.timeZone), -1), n = 0; n < 400; day = addDays(day, 1), n++) {
    const startMs = atLocalTime(day, o.from, o.timeZone);
    const endMs = o.to > o.from ? atLocalTime(day, o.to, o.timeZone) : atLocalTime(addDays(day, 1), o.to, o.timeZone);
    if (endMs > fromMs && startMs < toMs) out.push({ startMs, endMs, day });
    if (day === last) break;
  }
  return out;
}

export function makePlan(
  prices: readonly PriceSlot[],
  o: PlanOptions,
  now: number,
  previous?: ReadonlyMap<number, boolean>,
): Plan {
  const slots = [...prices].sort((a, b) => a.startMs - b.startMs);
  const on = new Set<number>();
  const result: Occurrence[] = [];
  if (slots.length === 0) return { slots: [], occurrences: [] };
  for (const occ of occurrences(o, slots[0].startMs, slots[slots.length - 1].endMs)) {
    const inside = slots.filter((s) => s.startMs >= occ.startMs && s.endMs <= occ.endMs);
    const covered = inside.reduce((sum, s) => sum + (s.endMs - s.startMs), 0);
    const complete = covered >= occ.endMs - occ.startMs;
    // A window that is over keeps what was planned for it; one not begun waits for all its prices.
    const over = occ.endMs <= now;
    const planned = !over && inside.length > 0 && (complete || now >= occ.startMs);
    let short = false;
    if (planned) short = !planOccurrence(inside, occ, o, now, previous, on);
    else if (over) for (const s of inside) if (previous?.get(s.startMs) === true) on.add(s.startMs);
    result.push({ startMs: occ.startMs, endMs: occ.endMs, complete, planned, short });
  }
  return { slots: slots.map((s) => ({ ...s, on: on.has(s.startMs) })), occurrences: result };
}

/** Adds the occurrence's on-slots to `on`; false when the request could not be met in full. */
function planOccurrence(
  inside: PriceSlot[],
  occ: { startMs: number; endMs: number; day: string },
  o: PlanOptions,
  now: number,
  previous: ReadonlyMap<number, boolean> | undefined,
  on: Set<number>,
): boolean {
  const slotMin = (inside[0].endMs - inside[0].startMs) / 60_000;
  const count = Math.ceil((o.hours * 60) / slotMin - 1e-9);
  const mustCount = Math.ceil((o.mustRunHours * 60) / slotMin - 1e-9);
  let byMs: number | undefined;
  if (o.mustRunBy !== undefined && mustCount > 0) {
    byMs = atLocalTime(occ.day, o.mustRunBy, o.timeZone);
    if (byMs <= occ.startMs) byMs = atLocalTime(addDays(occ.day, 1), o.mustRunBy, o.timeZone);
    byMs = Math.min(byMs, occ.endMs);
  }
  // Begun slots are settled: what the previous plan said (a slot over without a plan was off).
  const settled = inside.filter((s) => s.endMs <= now || (s.startMs <= now && previous?.has(s.startMs)));
  const settledOn = settled.filter((s) => previous?.get(s.startMs) === true);
  for (const s of settledOn) on.add(s.startMs);
  const open = inside.filter((s) => !settled.includes(s));
  const wanted = count - settledOn.length;
  if (wanted <= 0) return true;
  if (o.contiguous && settledOn.length > 0) {
    // A block that has begun runs to its planned end: cutting it would break "contiguous".
    for (const s of open) if (previous?.get(s.startMs) === true) on.add(s.startMs);
    return true;
  }
  const mustLeft = byMs === undefined ? 0 : mustCount - settledOn.filter((s) => s.endMs <= byMs).length;
  const chosen = selectCheapest(open, {
    count: wanted,
    contiguous: o.contiguous,
    minRun: Math.ceil(o.minRunMinutes / slotMin - 1e-9),
    maxPrice: o.maxPrice,
    mustRun: byMs !== undefined && mustLeft > 0 ? { count: mustLeft, byMs } : undefined,
  });
  for (const s of chosen ?? []) on.add(s.startMs);
  return (chosen?.length ?? 0) >= wanted;
}

/** Whether the plan is on at `ms`, and when that next changes (undefined: not within the known plan). */
export function stateAt(plan: readonly PlannedSlot[], ms: number): { on: boolean; nextChangeMs?: number } {
  const runs = mergeRuns(plan.filter((s) => s.on));
  const current = runs.find((r) => r.startMs <= ms && ms < r.endMs);
  if (current) return { on: true, nextChangeMs: current.endMs };
  const next = runs.find((r) => r.startMs > ms);
  return { on: false, nextChangeMs: next?.startMs };
}

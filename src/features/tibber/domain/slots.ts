import { ApiError, phrase } from "../../../shared/errors";
import { addDays, startOfLocalDay } from "../../../shared/time/calendar";
import { tryParseInstant } from "../../../shared/time/instant";
import { formatLocalIso } from "../../../shared/time/zone";

/**
 * Price slots as Tibber sends them, parsed into instants. Slots are keyed by `startsAt` read with its
 * own offset, never by index: DST days have 92 or 100 quarters (23 or 25 hours), and on the autumn day
 * the wall time 02:00 comes twice, first at +02:00 and then at +01:00.
 */

export type Resolution = "HOURLY" | "QUARTER_HOURLY";
export type PriceLevel = "VERY_CHEAP" | "CHEAP" | "NORMAL" | "EXPENSIVE" | "VERY_EXPENSIVE";

export const RESOLUTIONS: readonly Resolution[] = ["HOURLY", "QUARTER_HOURLY"];

/** A price as it comes over the wire; every field may be missing when the query did not ask for it. */
export interface RawPrice {
  total?: number | null;
  energy?: number | null;
  tax?: number | null;
  startsAt?: string | null;
  currency?: string | null;
  level?: string | null;
}

export interface PriceSlot {
  /** Tibber's own `startsAt` text, kept for output (local time with offset). */
  startsAt: string;
  startMs: number;
  endMs: number;
  total: number;
  energy: number;
  tax: number;
  level: PriceLevel | null;
  currency: string;
  /** Set when the slot is an hourly price standing in for a quarter Tibber did not deliver. */
  delivered?: "HOURLY";
}

export function slotMinutes(resolution: Resolution): number {
  return resolution === "QUARTER_HOURLY" ? 15 : 60;
}

export function slotMs(resolution: Resolution): number {
  return slotMinutes(resolution) * 60_000;
}

/** Parses and sorts Tibber prices; a slot without a readable `startsAt` or `total` is an API fault. */
export function parseSlots(raw: readonly (RawPrice | null)[], resolution: Resolution): PriceSlot[] {
  const length = slotMs(resolution);
  const slots: PriceSlot[] = [];
  for (const price of raw) {
    if (!price) continue;
    // Tibber writes startsAt with the home's offset; a time without one is as unreadable as none.
    const startMs = typeof price.startsAt === "string" ? tryParseInstant(price.startsAt) : undefined;
    if (startMs === undefined || typeof price.total !== "number") {
      throw new ApiError(
        phrase(
          "tibber-prices:errors.unreadablePrice",
          "Tibber sent a price without a readable startsAt or total (__price__); the next refresh retries.",
          { price: JSON.stringify(price).slice(0, 120) },
        ),
        0,
      );
    }
    slots.push({
      startsAt: price.startsAt as string,
      startMs,
      endMs: startMs + length,
      total: price.total,
      energy: typeof price.energy === "number" ? price.energy : price.total - (price.tax ?? 0),
      tax: typeof price.tax === "number" ? price.tax : 0,
      level: isLevel(price.level) ? price.level : null,
      currency: price.currency ?? "",
    });
  }
  slots.sort((a, b) => a.startMs - b.startMs);
  return slots;
}

/**
 * Hourly prices as quarters: each hour's price stands for its four quarters, marked as delivered
 * hourly, for a day Tibber sent no 15-minute prices for (evcc-io/evcc#29947).
 */
export function quartersFromHours(hours: readonly PriceSlot[], timeZone: string): PriceSlot[] {
  const quarter = slotMs("QUARTER_HOURLY");
  return hours.flatMap((h) =>
    [0, 1, 2, 3].map((i) => {
      const startMs = h.startMs + i * quarter;
      const startsAt = i === 0 ? h.startsAt : formatLocalIso(startMs, timeZone);
      return { ...h, startsAt, startMs, endMs: startMs + quarter, delivered: "HOURLY" as const };
    }),
  );
}

/** How many slots the local day `dateKey` has: 24/96, or 23/92 and 25/100 on DST days. */
export function expectedSlotCount(dateKey: string, timeZone: string, resolution: Resolution): number {
  const start = startOfLocalDay(dateKey, timeZone);
  const end = startOfLocalDay(addDays(dateKey, 1), timeZone);
  return Math.round((end - start) / slotMs(resolution));
}

/** True when `slots` cover the local day `dateKey` completely (a day Tibber has fully published). */
export function coversDay(
  slots: readonly PriceSlot[],
  dateKey: string,
  timeZone: string,
  resolution: Resolution,
): boolean {
  const start = startOfLocalDay(dateKey, timeZone);
  const end = startOfLocalDay(addDays(dateKey, 1), timeZone);
  const inDay = new Set(slots.filter((s) => s.startMs >= start && s.startMs < end).map((s) => s.startMs));
  return inDay.size >= expectedSlotCount(dateKey, timeZone, resolution);
}

/** The slot whose interval contains `ms`, if known. */
export function slotAt(slots: readonly PriceSlot[], ms: number): PriceSlot | undefined {
  return slots.find((s) => s.startMs <= ms && ms < s.endMs);
}

/**
 * The next slot boundary after `ms`. Tibber's zones are whole hours off UTC, so local quarter and hour
 * boundaries are UTC ones.
 */
export function nextBoundary(ms: number, resolution: Resolution): number {
  const length = slotMs(resolution);
  return Math.floor(ms / length) * length + length;
}

function isLevel(value: unknown): value is PriceLevel {
  return (
    value === "VERY_CHEAP" ||
    value === "CHEAP" ||
    value === "NORMAL" ||
    value === "EXPENSIVE" ||
    value === "VERY_EXPENSIVE"
  );
}

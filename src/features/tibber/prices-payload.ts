import { formatLocalIso } from "../../shared/time/zone";
import type { PriceView } from "./client/price-feed";
import { cheapestWindow } from "./domain/cheapest";
import type { PriceSlot, Resolution } from "./domain/slots";

/** Output 1 of tibber-prices: the price view as one summary payload, times in the home's own zone. */

export interface CheapestSetting {
  /** Window length; 0 leaves `cheapest` out. */
  minutes: number;
  contiguous: boolean;
}

export function summaryPayload(
  view: PriceView,
  current: PriceSlot,
  resolution: Resolution,
  cheapest: CheapestSetting,
  now: number,
): Record<string, unknown> {
  const tz = view.home.timeZone;
  const payload: Record<string, unknown> = {
    homeId: view.home.id,
    home: view.home.nickname ?? view.home.address1,
    currency: view.currency,
    // What Tibber really delivered: "HOURLY" while hourly prices stand in for a missing 15-minute day.
    resolution: current.delivered ?? resolution,
    current: slotOut(current, tz),
    today: view.today.map((slot) => slotOut(slot, tz)),
    tomorrow: view.tomorrow.map((slot) => slotOut(slot, tz)),
  };
  // One flat list as well, so a chart takes today and tomorrow from one property.
  payload.slots = [...(payload.today as unknown[]), ...(payload.tomorrow as unknown[])];
  const window = cheapestOut(view, cheapest, now);
  if (window) payload.cheapest = window;
  return payload;
}

/** The cheapest window from now on, or undefined when not asked for or the known prices are too few. */
function cheapestOut(view: PriceView, cheapest: CheapestSetting, now: number): Record<string, unknown> | undefined {
  if (!(cheapest.minutes > 0)) return undefined;
  const w = cheapestWindow([...view.today, ...view.tomorrow], {
    minutes: cheapest.minutes,
    contiguous: cheapest.contiguous,
    fromMs: now,
  });
  if (!w) return undefined;
  const tz = view.home.timeZone;
  return {
    start: formatLocalIso(w.startMs, tz),
    end: formatLocalIso(w.endMs, tz),
    average: w.average,
    minutes: cheapest.minutes,
    contiguous: cheapest.contiguous,
    periods: w.periods.map((p) => ({ start: formatLocalIso(p.startMs, tz), end: formatLocalIso(p.endMs, tz) })),
  };
}

function slotOut(slot: PriceSlot, timeZone: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    startsAt: slot.startsAt,
    endsAt: formatLocalIso(slot.endMs, timeZone),
    total: slot.total,
    energy: slot.energy,
    tax: slot.tax,
    level: slot.level,
  };
  if (slot.delivered) out.resolution = slot.delivered;
  return out;
}

/** The status line's price: total, currency and Tibber's level, e.g. `0.2412 NOK CHEAP`. */
export function priceText(current: PriceSlot, currency: string): string {
  return `${current.total.toFixed(4)} ${currency} ${current.level ?? ""}`.trim();
}

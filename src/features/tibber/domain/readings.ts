import { fields, point, reading, seriesName, tags, type Reading } from "../../../shared/reading";
import type { PriceSlot, Resolution } from "./slots";

/**
 * tibber-prices' storage output in the reading contract: one reading per price slot and per
 * consumption hour. The home, the resolution, the currency and the price level are tags (the level is
 * one of five names Tibber derives from the published price, so it does not split a slot's series).
 */

/** `tibber_price`: total, energy and tax per kWh, in the tag `currency`. */
export function priceReading(homeId: string, resolution: Resolution, slot: PriceSlot): Reading {
  const p = point(
    "tibber_price",
    tags({ home_id: homeId, resolution: slot.delivered ?? resolution, currency: slot.currency, level: slot.level }),
    fields({ total: slot.total, energy: slot.energy, tax: slot.tax }),
    slot.startMs,
  );
  return reading(p, seriesName("tibber_price", homeId));
}

/** What `tibber_consumption` needs of one hour Tibber reported. */
export interface ConsumedHour {
  fromMs: number;
  consumption: number;
  cost: number | null;
  unitPrice: number | null;
  /** The unit of `consumption` (kWh). */
  unit: string;
  /** The currency of `cost` and `unitPrice`. */
  currency: string;
}

/** `tibber_consumption`: the hour's consumption, cost and unit price; a value Tibber left out is no field. */
export function consumptionReading(homeId: string, h: ConsumedHour): Reading {
  const p = point(
    "tibber_consumption",
    tags({ home_id: homeId, unit: h.unit, currency: h.currency }),
    fields({ consumption: h.consumption, cost: h.cost, unitPrice: h.unitPrice }),
    h.fromMs,
  );
  return reading(p, seriesName("tibber_consumption", homeId));
}

import { fields, point, tags, type Point } from "../../../shared/reading";
import type { BillLine } from "./bill";

/**
 * Bill lines as points of the reading contract, measurement `energy_cost`: the meter (or home) and the
 * period in tags, the money in fields. A line with unpriced kWh carries `unpriced_kwh` and no
 * `energy_cost`, `total_cost` or `avg_price`: an unknown cost is a gap, not a zero.
 */

export type Period = "interval" | "daily" | "monthly";

const round = (n: number, digits = 6): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** The name of an interval by its length: `quarter_hourly`, `hourly`, else `interval`. */
export function intervalName(line: BillLine): string {
  const minutes = (line.endMs - line.startMs) / 60_000;
  return minutes === 15 ? "quarter_hourly" : minutes === 60 ? "hourly" : "interval";
}

export function billPoint(line: BillLine, period: Period): Point {
  const priced = line.unpricedKwh <= 1e-12;
  const total = line.energy + line.grid + line.levies + line.fixed;
  const f = fields({
    kwh: round(line.kwh),
    energy_cost: priced ? round(line.energy) : null,
    grid_cost: round(line.grid),
    levies_cost: round(line.levies),
    fixed_cost: round(line.fixed),
    vat: round(line.vat),
    total_cost: priced ? round(total) : null,
    avg_price: priced && line.kwh > 0 ? round(line.energy / line.kwh) : null,
    unpriced_kwh: priced ? null : round(line.unpricedKwh),
    hours: round(line.hours, 4),
    tibber_cost: line.tibberCost,
  });
  const t = tags({
    meter_id: line.series,
    interval: period === "interval" ? intervalName(line) : period,
    currency: line.currency,
  });
  return point("energy_cost", t, f, line.startMs);
}

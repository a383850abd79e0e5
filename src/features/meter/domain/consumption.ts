/** R7: consumption of adjacent boundary pairs that both have a value. */
import { F_RESET, Q_NONE, worseQuality } from "./types";
import type { ConsumptionSeries } from "./types";

export function emptyConsumption(): ConsumptionSeries {
  const z = new Float64Array(0);
  return { count: 0, start: z, end: z, value: z, quality: new Uint8Array(0), flags: new Uint8Array(0) };
}

/**
 * c_k = V(g_{k+1}) − V(g_k) for consecutive grid boundaries. `resetTimes` (ascending) set the reset flag when
 * one lies in (g_k, g_{k+1}], closed on the right so a reset exactly at a boundary belongs to the interval
 * it ends.
 */
export function consumptionOf(
  grid: Float64Array,
  value: Float64Array,
  quality: Uint8Array,
  resetTimes: Float64Array,
): ConsumptionSeries {
  const m = grid.length;
  if (m < 2) return emptyConsumption();
  const start = new Float64Array(m - 1);
  const end = new Float64Array(m - 1);
  const out = new Float64Array(m - 1);
  const q = new Uint8Array(m - 1);
  const flags = new Uint8Array(m - 1);
  let count = 0;
  let r = 0;
  for (let k = 0; k + 1 < m; k++) {
    const qa = quality[k];
    const qb = quality[k + 1];
    if (qa === Q_NONE || qb === Q_NONE) continue;
    const ga = grid[k];
    const gb = grid[k + 1];
    while (r < resetTimes.length && resetTimes[r] <= ga) r++;
    start[count] = ga;
    end[count] = gb;
    out[count] = value[k + 1] - value[k];
    q[count] = worseQuality(qa, qb);
    flags[count] = r < resetTimes.length && resetTimes[r] <= gb ? F_RESET : 0;
    count++;
  }
  return {
    count,
    start: start.subarray(0, count),
    end: end.subarray(0, count),
    value: out.subarray(0, count),
    quality: q.subarray(0, count),
    flags: flags.subarray(0, count),
  };
}

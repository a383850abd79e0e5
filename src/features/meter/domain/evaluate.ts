/** R4 and R6: the corrected value V at boundaries, by a merge-walk over sorted boundaries (O(n + g)). */
import type { CorrectedSeries } from "./resets";
import type { SeasonalWeight } from "./profile";
import { Q_EXACT, Q_EXTRAPOLATED, Q_GAP, Q_INTERPOLATED, Q_NONE, Q_SEASONAL } from "./types";
import type { ExtrapolateMode } from "./types";

export interface EvalOptions {
  maxGap: number;
  extrapolate: ExtrapolateMode;
  maxExtrapolation: number;
  rateWindow: number;
  increasing: boolean;
  weight?: SeasonalWeight;
  /** Boundaries after this instant get no value (a removed meter). */
  removedAt?: number;
}

export interface Evaluated {
  value: Float64Array;
  quality: Uint8Array;
}

/** R4 for a boundary g strictly between t[a] and t[a+1]. */
function interior(s: CorrectedSeries, a: number, g: number, o: EvalOptions): [number, number] {
  const ta = s.t[a];
  const tb = s.t[a + 1];
  const ca = s.C[a];
  const cb = s.C[a + 1];
  const gap = tb - ta;
  if (gap > o.maxGap) {
    if (o.weight) {
      const whole = o.weight.weight(ta, tb);
      if (whole > 0) return [ca + (cb - ca) * (o.weight.weight(ta, g) / whole), Q_SEASONAL];
    }
    return [ca + (cb - ca) * ((g - ta) / (tb - ta)), Q_GAP];
  }
  return [ca + (cb - ca) * ((g - ta) / (tb - ta)), Q_INTERPOLATED];
}

/** Index j of the largest t[j] ≤ x (or −1). */
function floorIndex(t: Float64Array, x: number): number {
  let lo = 0;
  let hi = t.length - 1;
  if (hi < 0 || t[0] > x) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** V at an instant inside the data span [t0, t_{n−1}] (R4), or NaN outside it. */
export function interiorValueAt(s: CorrectedSeries, x: number, o: EvalOptions): number {
  const j = floorIndex(s.t, x);
  if (j < 0 || x > s.t[s.t.length - 1]) return NaN;
  if (s.t[j] === x) return s.C[j];
  return interior(s, j, x, o)[0];
}

/** R6 `rate` slopes after and before the data, clamped to ≥ 0 in increasing mode. */
function rateSlopes(s: CorrectedSeries, o: EvalOptions): { after: number; before: number } {
  const n = s.t.length;
  const t0 = s.t[0];
  const tn = s.t[n - 1];
  if (n < 2) return { after: 0, before: 0 };
  const from = Math.max(t0, tn - o.rateWindow);
  let after = (s.C[n - 1] - interiorValueAt(s, from, o)) / (tn - from);
  const to = Math.min(tn, t0 + o.rateWindow);
  let before = (interiorValueAt(s, to, o) - s.C[0]) / (to - t0);
  if (o.increasing) {
    after = Math.max(0, after);
    before = Math.max(0, before);
  }
  return { after, before };
}

/** V and quality at every boundary of `grid` (ascending). Missing values are NaN with Q_NONE. */
export function evaluateOnGrid(s: CorrectedSeries, grid: Float64Array, o: EvalOptions): Evaluated {
  const m = grid.length;
  const value = new Float64Array(m).fill(NaN);
  const quality = new Uint8Array(m).fill(Q_NONE);
  const n = s.t.length;
  if (n === 0) return { value, quality };
  const t = s.t;
  const C = s.C;
  const t0 = t[0];
  const tn = t[n - 1];
  let slopes: { after: number; before: number } | undefined;
  let j = 0;
  const removedAt = o.removedAt ?? Infinity;
  for (let k = 0; k < m; k++) {
    const g = grid[k];
    if (g > removedAt) break;
    if (g < t0 || g > tn) {
      if (o.extrapolate === "none") continue;
      if ((g < t0 ? t0 - g : g - tn) > o.maxExtrapolation) continue;
      let v: number;
      if (o.extrapolate === "hold" || n === 1) v = g < t0 ? C[0] : C[n - 1];
      else {
        slopes ??= rateSlopes(s, o);
        if (g > tn) v = C[n - 1] + slopes.after * (g - tn);
        else {
          v = C[0] - slopes.before * (t0 - g);
          if (o.increasing && v < 0) v = 0;
        }
      }
      value[k] = v;
      quality[k] = Q_EXTRAPOLATED;
      continue;
    }
    while (j + 1 < n && t[j + 1] <= g) j++;
    if (t[j] === g) {
      value[k] = C[j]!;
      quality[k] = Q_EXACT;
    } else {
      const ta = t[j];
      const tb = t[j + 1];
      if (tb - ta <= o.maxGap) {
        const ca = C[j];
        value[k] = ca + (C[j + 1] - ca) * ((g - ta) / (tb - ta));
        quality[k] = Q_INTERPOLATED;
      } else {
        const [v, q] = interior(s, j, g, o);
        value[k] = v;
        quality[k] = q;
      }
    }
  }
  return { value, quality };
}

/** V at one instant with `hold` beyond the data without limit (R8's evaluation at a period start). */
export function valueHeldAt(s: CorrectedSeries, x: number, o: EvalOptions): number {
  const n = s.t.length;
  if (n === 0) return NaN;
  if (x <= s.t[0]) return s.C[0];
  if (x >= s.t[n - 1]) return s.C[n - 1];
  return interiorValueAt(s, x, o);
}

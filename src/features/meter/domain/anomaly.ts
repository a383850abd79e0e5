/** R10: anomaly detection over a meter's emitted consumption values, by position. */
import type { AnomalyRecord, Unit } from "./types";
import type { ZoneClock } from "./zone";

/** Quantile with linear interpolation, h = (N−1)q (numpy/pandas default, R type 7), on sorted data. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The k-th smallest value (0-based) of `a`, reordering `a` in place (Hoare quickselect). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const x = a[i];
        a[i] = a[j];
        a[j] = x;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Type-7 quantile without a full sort: the two neighbouring order statistics, by quickselect. */
export function quantileUnsorted(a: Float64Array, q: number): number {
  const h = (a.length - 1) * q;
  const lo = Math.floor(h);
  const low = select(a, lo);
  if (lo + 1 >= a.length || h === lo) return low;
  // After selecting lo, everything right of it is ≥ it; the next order statistic is their minimum.
  let next = Infinity;
  for (let i = lo + 1; i < a.length; i++) if (a[i] < next) next = a[i];
  return low + (h - lo) * (next - low);
}

/** The original's "2 of 3 votes": global z > 3, IQR 1.5, centred rolling-30 z > 2.5 (min 10 values). */
export function voteAnomalies(values: ArrayLike<number>): AnomalyRecord[] {
  const c = values instanceof Float64Array ? values : Float64Array.from(values);
  const n = c.length;
  let count = 0;
  for (let i = 0; i < n; i++) if (c[i] > 0) count++;
  if (n < 60 || count < 30) return [];
  const positives = new Float64Array(count);
  let sum = 0;
  for (let i = 0, k = 0; i < n; i++) {
    if (c[i] > 0) {
      positives[k++] = c[i];
      sum += c[i];
    }
  }
  const mu = sum / count;
  let ss = 0;
  for (let k = 0; k < count; k++) {
    const d = positives[k] - mu;
    ss += d * d;
  }
  const sigma = Math.sqrt(ss / (count - 1));
  const q1 = quantileUnsorted(positives, 0.25);
  const q3 = quantileUnsorted(positives, 0.75);
  const iqr = q3 - q1;
  const iqrLow = q1 - 1.5 * iqr;
  const iqrHigh = q3 + 1.5 * iqr;
  const out: AnomalyRecord[] = [];
  for (let i = 0; i < n; i++) {
    const ci = c[i];
    let votes = 0;
    let z: number | undefined;
    if (sigma > 0) {
      z = (ci - mu) / sigma;
      if (Math.abs(z) > 3) votes++;
    }
    if (ci < iqrLow || ci > iqrHigh) votes++;
    // Without one of the first two votes, the rolling vote alone cannot reach 2.
    if (votes === 0) continue;
    const from = Math.max(0, i - 15);
    const to = Math.min(n, i + 15);
    let rollingZ: number | undefined;
    if (to - from >= 10) {
      let s = 0;
      for (let k = from; k < to; k++) s += c[k];
      const m = s / (to - from);
      let sq = 0;
      for (let k = from; k < to; k++) sq += (c[k] - m) * (c[k] - m);
      const sd = Math.sqrt(sq / (to - from - 1));
      if (sd > 0) {
        rollingZ = (ci - m) / sd;
        if (Math.abs(rollingZ) > 2.5) votes++;
      }
    }
    if (votes >= 2) {
      const rec: AnomalyRecord = { index: i, method: "vote", votes };
      if (z !== undefined) rec.z = z;
      if (rollingZ !== undefined) rec.rollingZ = rollingZ;
      rec.iqrLow = iqrLow;
      rec.iqrHigh = iqrHigh;
      out.push(rec);
    }
  }
  return out;
}

function medianOf(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Phase of the cycle: local hour-of-week (hour), weekday (day) or month-of-year (month). */
function seasonalKey(unit: Unit, t: number, clock: ZoneClock): number {
  const f = clock.fields(t);
  if (unit === "hour") return f.weekday * 24 + f.hour;
  if (unit === "day") return f.weekday;
  return f.month;
}

/** Modified z-score against the last `lookback` values of the same phase; |score| > 3.5 flags. */
export function seasonalMadAnomalies(
  c: ArrayLike<number>,
  starts: ArrayLike<number>,
  unit: Unit,
  clock: ZoneClock,
  lookback: number,
  minRefs: number,
): AnomalyRecord[] {
  const refs = new Map<number, number[]>();
  const out: AnomalyRecord[] = [];
  for (let i = 0; i < c.length; i++) {
    const key = seasonalKey(unit, starts[i], clock);
    let r = refs.get(key);
    if (!r) refs.set(key, (r = []));
    if (r.length >= minRefs) {
      const med = medianOf(r);
      const mad = medianOf(r.map((x) => Math.abs(x - med)));
      if (mad > 0) {
        const score = (0.6745 * (c[i] - med)) / mad;
        if (Math.abs(score) > 3.5) out.push({ index: i, method: "seasonal-mad", score, median: med, mad });
      }
    }
    r.push(c[i]);
    if (r.length > lookback) r.shift();
  }
  return out;
}

/** Legacy rule: c_i > 2 · mean(c_{max(0,i−6)} … c_i), the current value included. */
export function ratioAnomalies(c: ArrayLike<number>): AnomalyRecord[] {
  const out: AnomalyRecord[] = [];
  for (let i = 0; i < c.length; i++) {
    const from = Math.max(0, i - 6);
    let sum = 0;
    for (let k = from; k <= i; k++) sum += c[k];
    const mean7 = sum / (i - from + 1);
    if (c[i] > 2 * mean7) out.push({ index: i, method: "ratio", mean7 });
  }
  return out;
}

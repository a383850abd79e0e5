/** R3: counter reset and glitch correction, producing the non-decreasing corrected series C. */

export interface CorrectedSeries {
  t: Float64Array;
  C: Float64Array;
  /** Instants of the readings that were treated as counter resets, ascending. */
  resetTimes: Float64Array;
  resets: number;
  glitches: number;
}

/**
 * A drop to below `resetRatio` of the previous level is a restart from 0 (the offset grows by the last raw
 * value); a smaller drop is a glitch and holds the previous level. `net` mode passes values through.
 */
export function correctResets(
  t: Float64Array,
  v: Float64Array,
  resetRatio: number,
  increasing: boolean,
): CorrectedSeries {
  const n = v.length;
  // Nothing to correct (net mode, or a counter that never drops): C is v itself. Nothing writes to C, and a
  // copy would be one more array of the meter's size to allocate and later collect.
  let rising = true;
  for (let i = 1; i < n && increasing; i++)
    if (!(v[i] >= v[i - 1])) {
      rising = false;
      break;
    }
  if (!increasing || rising) return { t, C: v, resetTimes: new Float64Array(0), resets: 0, glitches: 0 };
  const C = new Float64Array(n);
  const resetTimes: number[] = [];
  let offset = 0;
  let last = v[0];
  let glitches = 0;
  C[0] = last;
  for (let i = 1; i < n; i++) {
    const vi = v[i];
    if (vi >= last) {
      C[i] = vi + offset;
      last = vi;
    } else if (vi >= resetRatio * last) {
      C[i] = last + offset;
      glitches++;
    } else {
      offset += last;
      C[i] = vi + offset;
      last = vi;
      resetTimes.push(t[i]);
    }
  }
  return { t, C, resetTimes: Float64Array.from(resetTimes), resets: resetTimes.length, glitches };
}

/** R1: readings in any accepted form → sorted, de-duplicated typed arrays, with counts of what was dropped. */
import { MAX_INSTANT_MS, SECONDS_BELOW } from "../../../shared/time/instant";
import { parseTime } from "./time";
import { isDate, isFloat64Array, isRecord } from "../../../shared/shape";
import { phrase, ValidationError } from "../../../shared/errors";

export interface NormalizedReadings {
  t: Float64Array;
  v: Float64Array;
  raw: number;
  dropped: number;
  duplicates: number;
}

export interface NormalizeOptions {
  allowNegative: boolean;
  /** (installedAt, initialValue): added first, so an explicit reading at the same t wins. */
  synthetic?: { t: number; v: number };
}

/** Thrown for input that must fail the whole meter (a time without an offset, or in µs); names the reading. */
export class ReadingError extends ValidationError {}

interface Columns {
  t: ArrayLike<unknown>;
  v: ArrayLike<unknown>;
}

function isColumns(x: unknown): x is Columns {
  if (!isRecord(x)) return false;
  const c = x as { t?: unknown; v?: unknown };
  const isList = (a: unknown) => Array.isArray(a) || ArrayBuffer.isView(a);
  return isList(c.t) && isList(c.v);
}

function describe(r: unknown): string {
  if (isDate(r)) return r.toISOString();
  try {
    const s = JSON.stringify(r);
    return s === undefined ? String(r) : s.length > 80 ? s.slice(0, 77) + "..." : s;
  } catch {
    return String(r);
  }
}

/** Splits one reading into its time and value, whatever its form; undefined when it has none. */
function splitReading(r: unknown): [unknown, unknown] | undefined {
  if (Array.isArray(r)) return r.length >= 2 ? [r[0], r[1]] : undefined;
  if (typeof r !== "object" || r === null) return undefined;
  const o = r as Record<string, unknown>;
  if ("t" in o) return [o.t, o.v];
  if ("time" in o) return [o.time, o.value];
  if ("_time" in o) return [o._time, o._value];
  return undefined;
}

/** True if this list of readings is a usable collection (an array, or columns). */
export function isReadingCollection(x: unknown): boolean {
  return Array.isArray(x) || isColumns(x);
}

/**
 * Columns of Float64Arrays that are valid and strictly increasing need no sorting: one pass checks that,
 * then they are used as they are. Returns undefined when the general path is needed.
 */
function cleanColumns(t: Float64Array, v: Float64Array, allowNegative: boolean): NormalizedReadings | undefined {
  const n = Math.min(t.length, v.length);
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    const ti = t[i];
    const vi = v[i];
    if (!(ti > prev) || !(ti >= 1e11) || ti === Infinity || !Number.isFinite(vi) || (vi < 0 && !allowNegative))
      return undefined;
    prev = ti;
  }
  // Views, not copies: the engine never writes to t or v, and a copy would double the input's memory.
  return { t: t.subarray(0, n), v: v.subarray(0, n), raw: n, dropped: 0, duplicates: 0 };
}

export function normalizeReadings(meterId: string, readings: unknown, opts: NormalizeOptions): NormalizedReadings {
  const columns = isColumns(readings) ? readings : null;
  if (columns && !opts.synthetic && isFloat64Array(columns.t) && isFloat64Array(columns.v)) {
    const clean = cleanColumns(columns.t, columns.v, opts.allowNegative);
    if (clean) return clean;
  }
  const list = columns ? null : Array.isArray(readings) ? (readings as unknown[]) : [];
  const raw = columns ? Math.min(columns.t.length, columns.v.length) : list!.length;
  const extra = opts.synthetic ? 1 : 0;
  const ts = new Float64Array(raw + extra);
  const vs = new Float64Array(raw + extra);
  let n = 0;
  let dropped = 0;
  if (opts.synthetic) {
    ts[0] = opts.synthetic.t;
    vs[0] = opts.synthetic.v;
    n = 1;
  }
  const fastColumns = columns !== null && isFloat64Array(columns.t) && isFloat64Array(columns.v);
  for (let i = 0; i < raw; i++) {
    let tRaw: unknown;
    let vRaw: unknown;
    if (columns) {
      tRaw = columns.t[i];
      vRaw = columns.v[i];
    } else {
      const r = list![i];
      // The shape an InfluxDB query gives, read in place: no pair array per reading, which would make the
      // collector copy every still-live input object once more.
      if (typeof r === "object" && r !== null && !Array.isArray(r) && "t" in r) {
        tRaw = r.t;
        vRaw = (r as { v?: unknown }).v;
        if (
          typeof tRaw === "number" &&
          typeof vRaw === "number" &&
          tRaw >= SECONDS_BELOW &&
          tRaw < MAX_INSTANT_MS &&
          Number.isInteger(tRaw) &&
          Number.isFinite(vRaw) &&
          (vRaw >= 0 || opts.allowNegative)
        ) {
          ts[n] = tRaw;
          vs[n] = vRaw;
          n++;
          continue;
        }
      } else {
        const parts = splitReading(r);
        if (!parts) {
          dropped++;
          continue;
        }
        [tRaw, vRaw] = parts;
      }
    }
    let t: number;
    // The fast path takes exactly the numbers the shared parser returns unchanged (whole epoch ms in range).
    const ms = tRaw as number;
    if (fastColumns && ms >= SECONDS_BELOW && ms < MAX_INSTANT_MS && Number.isInteger(ms)) t = ms;
    else {
      const p = parseTime(tRaw);
      if (!p.ok) {
        if (p.error) {
          const reading = columns ? `[${describe(tRaw)}, ${describe(vRaw)}]` : describe(list![i]);
          throw new ReadingError(
            phrase("meter-interpolate:errors.readingTime", 'meter "__meter__", reading __reading__: time __reason__', {
              meter: meterId,
              reading,
              reason: p.error.said,
            }),
          );
        }
        dropped++;
        continue;
      }
      t = p.t;
    }
    if (typeof vRaw !== "number" || !Number.isFinite(vRaw) || (vRaw < 0 && !opts.allowNegative)) {
      dropped++;
      continue;
    }
    ts[n] = t;
    vs[n] = vRaw;
    n++;
  }
  return { ...sortAndDedupe(ts.subarray(0, n), vs.subarray(0, n), extra === 1), raw, dropped };
}

/** Stable sort by t; among equal t the last in input order wins. The synthetic first entry is never counted. */
function sortAndDedupe(
  ts: Float64Array,
  vs: Float64Array,
  hasSynthetic: boolean,
): { t: Float64Array; v: Float64Array; duplicates: number } {
  const n = ts.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (ts[i] <= ts[i - 1]) {
      sorted = false;
      break;
    }
  }
  // Sorted: the arrays are the result; a copy only when readings were dropped, to let go of the longer buffer.
  if (sorted)
    return ts.length === ts.buffer.byteLength / 8
      ? { t: ts, v: vs, duplicates: 0 }
      : { t: ts.slice(), v: vs.slice(), duplicates: 0 };
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const idx = Array.from(order).sort((a, b) => ts[a] - ts[b] || a - b);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  let m = 0;
  let duplicates = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    if (m > 0 && t[m - 1] === ts[i]) {
      // Later input order replaces the earlier one.
      v[m - 1] = vs[i]!;
      if (!(hasSynthetic && idx[k - 1] === 0)) duplicates++;
    } else {
      t[m] = ts[i]!;
      v[m] = vs[i]!;
      m++;
    }
  }
  return { t: t.slice(0, m), v: v.slice(0, m), duplicates };
}

/**
 * Time-zone arithmetic with Intl only: zone offsets, local wall time → instant, and the
 * hour/day/month boundaries of R2. Offsets are cached as constant stretches per block of days, so a
 * boundary walk costs arithmetic, not an Intl call per boundary.
 */
import { resolveWallTime, zoneFormatter, zoneOffsetMs, type OffsetAt } from "../../../shared/time/zone";
import { phrase, ValidationError } from "../../../shared/errors";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "./time";
import type { Unit } from "./types";

const QUARTER_MS = 15 * MINUTE_MS;

/** Offsets of one block of days: the offset at the block start and every change inside the block. */
interface OffsetBlock {
  start: number;
  end: number;
  /** Instants at which a new offset starts, ascending. */
  changes: number[];
  /** offsets[0] applies from `start`, offsets[i + 1] from changes[i]. */
  offsets: number[];
}

const BLOCK_DAYS = 64;
const MAX_SHARED_SPAN = 30 * 366 * DAY_MS;

/** First index i with a[i] ≥ x. */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
const BLOCK_MS = BLOCK_DAYS * DAY_MS;

export class ZoneClock {
  readonly timeZone: string;
  private readonly blocks = new Map<number, OffsetBlock>();
  private readonly fixedOffset: number | null;
  private readonly grids = new Map<Unit, { from: number; to: number; grid: Float64Array }>();
  // The constant-offset stretch of the last lookup: boundary walks ask for neighbouring instants.
  private segFrom = 0;
  private segTo = -1;
  private segOffset = 0;
  /** `offsetAt` bound once, for the shared wall-time rule. */
  private readonly cachedOffsetAt: OffsetAt = (t) => this.offsetAt(t);

  constructor(timeZone: string) {
    this.timeZone = timeZone;
    // Throws RangeError for a zone ICU does not know.
    zoneFormatter(timeZone);
    this.fixedOffset = timeZone === "UTC" || timeZone === "Etc/UTC" ? 0 : null;
  }

  /** Offset (local − UTC) in ms at instant t, asked from ICU. */
  exactOffset(t: number): number {
    return zoneOffsetMs(t, this.timeZone);
  }

  /**
   * A zone changes its offset at most once a day, so comparing day starts finds the days with a change,
   * and a bisection to the second finds the instant.
   */
  private block(index: number): OffsetBlock {
    let b = this.blocks.get(index);
    if (b) return b;
    const start = index * BLOCK_MS;
    const changes: number[] = [];
    const offsets = [this.exactOffset(start)];
    let before = offsets[0];
    for (let d = 1; d <= BLOCK_DAYS; d++) {
      const after = this.exactOffset(start + d * DAY_MS);
      if (after !== before) {
        let lo = start + (d - 1) * DAY_MS;
        let hi = start + d * DAY_MS;
        while (hi - lo > 1000) {
          const mid = Math.floor((lo + hi) / 2000) * 1000;
          if (mid <= lo) break;
          if (this.exactOffset(mid) === before) lo = mid;
          else hi = mid;
        }
        if (hi < start + BLOCK_MS) {
          changes.push(hi);
          offsets.push(after);
        }
        before = after;
      }
    }
    b = { start, end: start + BLOCK_MS, changes, offsets };
    this.blocks.set(index, b);
    return b;
  }

  /** Offset (local − UTC) in ms at instant t. */
  offsetAt(t: number): number {
    if (this.fixedOffset !== null) return this.fixedOffset;
    if (t >= this.segFrom && t < this.segTo) return this.segOffset;
    const b = this.block(Math.floor(t / BLOCK_MS));
    let i = 0;
    while (i < b.changes.length && b.changes[i] <= t) i++;
    this.segFrom = i === 0 ? b.start : b.changes[i - 1];
    this.segTo = i < b.changes.length ? b.changes[i] : b.end;
    this.segOffset = b.offsets[i];
    return this.segOffset;
  }

  /** Local wall time (as if UTC) of instant t. */
  toLocal(t: number): number {
    return t + this.offsetAt(t);
  }

  /** The instant of a local wall time, by the package's one rule (see `resolveWallTime`) on cached offsets. */
  toInstant(local: number): number {
    return resolveWallTime(local, this.cachedOffsetAt);
  }

  /** True if instant t is a local whole hour (minute and second 0). */
  private isLocalHour(t: number): boolean {
    const local = t + this.offsetAt(t);
    return ((local % HOUR_MS) + HOUR_MS) % HOUR_MS === 0;
  }

  /** R2: all boundaries g of `unit` with start ≤ g ≤ end, ascending. */
  boundaries(unit: Unit, start: number, end: number): Float64Array {
    if (!(end >= start)) return new Float64Array(0);
    const out: number[] = [];
    if (unit === "hour") {
      // Every local whole hour, walking instants, so both fall-back 02:00s are included.
      let g = Math.ceil(start / QUARTER_MS) * QUARTER_MS;
      while (!this.isLocalHour(g) && g <= end) g += QUARTER_MS;
      while (g <= end) {
        out.push(g);
        let next = g + HOUR_MS;
        if (!this.isLocalHour(next)) {
          // The offset changed by a non-whole hour: find the next local whole hour.
          next = g + QUARTER_MS;
          for (let i = 0; i < 8 && !this.isLocalHour(next); i++) next += QUARTER_MS;
        }
        g = next;
      }
    } else {
      const first = new Date(this.toLocal(start));
      const y = first.getUTCFullYear();
      const m = first.getUTCMonth();
      const d = first.getUTCDate();
      for (let i = 0; ; i++) {
        const local = unit === "day" ? Date.UTC(y, m, d + i) : Date.UTC(y, m + i, 1);
        const g = this.toInstant(local);
        if (g > end) break;
        if (g >= start) out.push(g);
      }
    }
    return Float64Array.from(out);
  }

  /**
   * Like `boundaries`, from a grid kept per unit and widened when asked for more, so meters with nearly
   * the same range (the usual batch) share one walk. The result is a view: do not modify it.
   */
  boundariesShared(unit: Unit, start: number, end: number): Float64Array {
    if (!(end >= start)) return new Float64Array(0);
    let cached = this.grids.get(unit);
    if (!cached || start < cached.from || end > cached.to) {
      const from = cached ? Math.min(start, cached.from) : start;
      const to = cached ? Math.max(end, cached.to) : end;
      // Do not let one odd range make every later grid huge.
      if (to - from > MAX_SHARED_SPAN) return this.boundaries(unit, start, end);
      cached = { from, to, grid: this.boundaries(unit, from, to) };
      this.grids.set(unit, cached);
    }
    const g = cached.grid;
    return g.subarray(lowerBound(g, start), lowerBound(g, end + 1));
  }

  /** Local calendar fields of instant t (month 0–11, weekday 0 = Sunday). */
  fields(t: number): { year: number; month: number; day: number; weekday: number; hour: number } {
    const d = new Date(this.toLocal(t));
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth(),
      day: d.getUTCDate(),
      weekday: d.getUTCDay(),
      hour: d.getUTCHours(),
    };
  }

  /** Instant of local 00:00 on day 1 of the local month containing t, and of the next month. */
  monthBounds(t: number): { start: number; end: number; month: number; year: number } {
    const d = new Date(this.toLocal(t));
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth();
    return { start: this.toInstant(Date.UTC(y, m, 1)), end: this.toInstant(Date.UTC(y, m + 1, 1)), month: m, year: y };
  }
}

const clocks = new Map<string, ZoneClock>();

/** One cached clock per zone; throws a readable error for an unknown zone. */
export function zoneClock(timeZone: string): ZoneClock {
  let c = clocks.get(timeZone);
  if (!c) {
    try {
      c = new ZoneClock(timeZone);
    } catch {
      throw new ValidationError(
        phrase(
          "meter-interpolate:errors.timezone",
          'timezone __zone__ is not an IANA zone (e.g. "Europe/Berlin" or "UTC")',
          {
            zone: JSON.stringify(timeZone),
          },
        ),
      );
    }
    clocks.set(timeZone, c);
  }
  return c;
}

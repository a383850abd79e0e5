/**
 * Time-zone arithmetic with Intl only (spec §2.7): zone offsets, local wall time → instant, and the
 * hour/day/month boundaries of R2. Offsets are cached per UTC day, because a zone changes its offset at
 * most once a day; only transition days ask Intl for the exact instant.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS } from "./time";
import type { Unit } from "./types";

const QUARTER_MS = 15 * MINUTE_MS;

export class ZoneClock {
  readonly timeZone: string;
  private readonly fmt: Intl.DateTimeFormat;
  private readonly dayOffsets = new Map<number, number>();
  private readonly fixedOffset: number | null;

  constructor(timeZone: string) {
    this.timeZone = timeZone;
    // Throws RangeError for a zone ICU does not know.
    this.fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    this.fixedOffset = timeZone === "UTC" || timeZone === "Etc/UTC" ? 0 : null;
  }

  /** Offset (local − UTC) in ms at instant t, asked from ICU. */
  exactOffset(t: number): number {
    const whole = Math.floor(t / 1000) * 1000;
    let y = 0,
      mo = 0,
      d = 0,
      h = 0,
      mi = 0,
      s = 0;
    for (const p of this.fmt.formatToParts(whole)) {
      switch (p.type) {
        case "year":
          y = Number(p.value);
          break;
        case "month":
          mo = Number(p.value);
          break;
        case "day":
          d = Number(p.value);
          break;
        case "hour":
          h = Number(p.value);
          break;
        case "minute":
          mi = Number(p.value);
          break;
        case "second":
          s = Number(p.value);
          break;
        default:
          break;
      }
    }
    return Date.UTC(y, mo - 1, d, h, mi, s) - whole;
  }

  private offsetAtDay(day: number): number {
    let o = this.dayOffsets.get(day);
    if (o === undefined) {
      o = this.exactOffset(day * DAY_MS);
      this.dayOffsets.set(day, o);
    }
    return o;
  }

  /** Offset (local − UTC) in ms at instant t. */
  offsetAt(t: number): number {
    if (this.fixedOffset !== null) return this.fixedOffset;
    const day = Math.floor(t / DAY_MS);
    const a = this.offsetAtDay(day);
    return a === this.offsetAtDay(day + 1) ? a : this.exactOffset(t);
  }

  /** Local wall time (as if UTC) of instant t. */
  toLocal(t: number): number {
    return t + this.offsetAt(t);
  }

  /**
   * The instant of a local wall time. Ambiguous times (fall-back) give the earlier instant; times in a
   * spring-forward gap are shifted forward by the gap, like a wall clock would be.
   */
  toInstant(local: number): number {
    const before = this.offsetAt(local - DAY_MS);
    const after = this.offsetAt(local + DAY_MS);
    if (before === after) {
      const t = local - before;
      if (this.offsetAt(t) === before) return t;
    }
    let best = Infinity;
    for (const o of before === after ? [before] : [before, after]) {
      const t = local - o;
      if (this.offsetAt(t) === o && t < best) best = t;
    }
    if (best !== Infinity) return best;
    return local - Math.min(before, after);
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
      throw new Error(`timezone ${JSON.stringify(timeZone)} is not an IANA zone (e.g. "Europe/Berlin" or "UTC")`);
    }
    clocks.set(timeZone, c);
  }
  return c;
}

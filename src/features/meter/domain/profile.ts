/**
 * R5: seasonal weight W(x, y) = ∫ density, where local calendar month m has density p_m / L_m. The integral
 * is a cumulative F(t) = years since a base + Σ shares of earlier months + p_m · (elapsed part of month m).
 */
import { DAY_MS } from "./time";
import type { ZoneClock } from "./zone";
import { phrase, type Phrase } from "../../../shared/errors";

export class SeasonalWeight {
  private readonly shares: Float64Array;
  private readonly before: Float64Array;
  private readonly clock: ZoneClock;

  /** `shares` are normalised here; they must be 12 non-negative numbers with a positive sum. */
  constructor(profile: ArrayLike<number>, clock: ZoneClock) {
    let sum = 0;
    for (let m = 0; m < 12; m++) sum += profile[m];
    this.shares = new Float64Array(12);
    this.before = new Float64Array(12);
    let acc = 0;
    for (let m = 0; m < 12; m++) {
      this.shares[m] = profile[m] / sum;
      this.before[m] = acc;
      acc += this.shares[m];
    }
    this.clock = clock;
  }

  private cumulative(t: number, baseYear: number): number {
    const mb = this.clock.monthBounds(t);
    const frac = (t - mb.start) / (mb.end - mb.start);
    return mb.year - baseYear + this.before[mb.month] + this.shares[mb.month] * frac;
  }

  /** W(x, y) for x ≤ y. */
  weight(x: number, y: number): number {
    const base = this.clock.monthBounds(x).year;
    return this.cumulative(y, base) - this.cumulative(x, base);
  }
}

/** Returns a warning when a profile's raw sum is outside 95–105 (the original's check), else undefined. */
export function profileSumWarning(meterId: string, profile: ArrayLike<number>): Phrase | undefined {
  let sum = 0;
  for (let m = 0; m < profile.length; m++) sum += profile[m];
  return sum < 95 || sum > 105
    ? phrase(
        "meter-interpolate:warnings.profileSum",
        'meter "__meter__": profile shares sum to __sum__, not about 100; they are normalised anyway',
        { meter: meterId, sum },
      )
    : undefined;
}

/** Validates a 12-share profile; returns the error's text or undefined. */
export function profileError(meterId: string, profile: unknown): Phrase | undefined {
  if (profile === "auto") return undefined;
  const meter = { meter: meterId };
  if (!Array.isArray(profile) || profile.length !== 12)
    return phrase(
      "meter-interpolate:errors.profileShape",
      'meter "__meter__": profile must be 12 monthly shares or "auto"',
      meter,
    );
  let sum = 0;
  for (const p of profile) {
    if (typeof p !== "number" || !Number.isFinite(p) || p < 0)
      return phrase(
        "meter-interpolate:errors.profileShare",
        'meter "__meter__": profile share __share__ is not a non-negative number',
        { ...meter, share: String(JSON.stringify(p)) },
      );
    sum += p;
  }
  return sum > 0
    ? undefined
    : phrase("meter-interpolate:errors.profileZero", 'meter "__meter__": profile shares are all zero', meter);
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * `profile: "auto"`: median daily rate per local month (pairs ≥ 1 day apart, at the pair's midpoint)
 * × days in that month. Needs ≥ 12 pairs over ≥ 6 months, else undefined (no profile).
 */
export function autoProfile(t: Float64Array, C: Float64Array, clock: ZoneClock): number[] | undefined {
  const rates: number[][] = Array.from({ length: 12 }, () => []);
  const daysIn: number[][] = Array.from({ length: 12 }, () => []);
  let pairs = 0;
  for (let i = 1; i < t.length; i++) {
    const dt = t[i] - t[i - 1];
    if (dt < DAY_MS) continue;
    const mb = clock.monthBounds(t[i - 1] + dt / 2);
    rates[mb.month].push((C[i] - C[i - 1]) / (dt / DAY_MS));
    daysIn[mb.month].push(Math.round((mb.end - mb.start) / DAY_MS));
    pairs++;
  }
  const covered = rates.filter((r) => r.length > 0).length;
  if (pairs < 12 || covered < 6) return undefined;
  const p: (number | undefined)[] = rates.map((r, m) => (r.length ? median(r) * median(daysIn[m]) : undefined));
  const known = p.filter((x): x is number => x !== undefined);
  const fill = median(known);
  return p.map((x) => (x === undefined ? fill : x));
}

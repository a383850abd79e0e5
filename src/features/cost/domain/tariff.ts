import { phrase, ValidationError } from "../../../shared/errors";
import { isPlainObject } from "../../../shared/shape";
import { addDays, atLocalTime, localDateKey } from "../../../shared/time/calendar";
import { localParts } from "../../../shared/time/zone";

/**
 * The user's tariff on top of the energy price: a grid fee per kWh, flat or by time-of-use windows
 * (local clock times, weekdays or weekends, a range of months), levies per kWh, VAT on these parts (and
 * on the energy price too for a net price list), and a fixed charge per day or per month.
 */

export interface FeeWindow {
  /** Minutes after local midnight; `from` ≥ `to` runs over midnight, equal means the whole day. */
  from: number;
  to: number;
  days: "all" | "weekday" | "weekend";
  /** Months 1–12, inclusive; `fromMonth` > `toMonth` wraps over the new year (11–2). */
  fromMonth: number;
  toMonth: number;
  fee: number;
}

export interface Tariff {
  /** Grid fee per kWh outside every window. */
  gridFee: number;
  windows: FeeWindow[];
  levies: number;
  /** Percent, e.g. 19. */
  vat: number;
  /** VAT also on the energy price: for net price lists; Tibber's `total` already includes it. */
  vatOnEnergy: boolean;
  fixed: number;
  fixedPer: "day" | "month";
}

export const NO_TARIFF: Tariff = {
  gridFee: 0,
  windows: [],
  levies: 0,
  vat: 0,
  vatOnEnergy: false,
  fixed: 0,
  fixedPer: "month",
};

const CLOCK = /^([01]?\d|2[0-3]):([0-5]\d)$/;

function clockMinutes(text: unknown, n: number, field: "from" | "to"): number {
  const m = typeof text === "string" ? CLOCK.exec(text.trim()) : null;
  if (!m) {
    const vars = { n, field, value: String(JSON.stringify(text)) };
    throw new ValidationError(
      phrase(
        "energy-cost:errors.windowClock",
        'grid fee window __n__ "__field__" must be a clock time such as "22:00", not __value__',
        vars,
      ),
    );
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The grid-fee windows from the editor's JSON; throws a ValidationError that names the bad entry. */
export function parseWindows(value: unknown): FeeWindow[] {
  const list: unknown = typeof value === "string" ? (value.trim() ? JSON.parse(value) : []) : (value ?? []);
  if (!Array.isArray(list))
    throw new ValidationError(phrase("energy-cost:errors.windowsNoArray", "Grid fee windows must be a JSON array"));
  return list.map((w, i): FeeWindow => {
    const n = i + 1;
    if (!isPlainObject(w) || typeof w.fee !== "number")
      throw new ValidationError(
        phrase("energy-cost:errors.windowFee", 'grid fee window __n__ needs a numeric "fee"', { n }),
      );
    const days = w.days ?? "all";
    if (days !== "all" && days !== "weekday" && days !== "weekend")
      throw new ValidationError(
        phrase("energy-cost:errors.windowDays", 'grid fee window __n__: "days" is "all", "weekday" or "weekend"', {
          n,
        }),
      );
    const [fromMonth, toMonth] = [w.fromMonth ?? 1, w.toMonth ?? 12].map(Number);
    if (![fromMonth, toMonth].every((m) => Number.isInteger(m) && m >= 1 && m <= 12))
      throw new ValidationError(
        phrase("energy-cost:errors.windowMonths", "grid fee window __n__: months are 1–12", { n }),
      );
    return {
      from: clockMinutes(w.from ?? "00:00", n, "from"),
      to: clockMinutes(w.to ?? "00:00", n, "to"),
      days,
      fromMonth,
      toMonth,
      fee: w.fee,
    };
  });
}

function inWindow(w: FeeWindow, minutes: number, weekday: number, month: number): boolean {
  const weekend = weekday === 0 || weekday === 6;
  if ((w.days === "weekday" && weekend) || (w.days === "weekend" && !weekend)) return false;
  const months =
    w.fromMonth <= w.toMonth ? month >= w.fromMonth && month <= w.toMonth : month >= w.fromMonth || month <= w.toMonth;
  if (!months) return false;
  if (w.from === w.to) return true;
  return w.from < w.to ? minutes >= w.from && minutes < w.to : minutes >= w.from || minutes < w.to;
}

/** The grid fee per kWh at instant `ms`: the first window that holds it, else the flat fee. */
export function gridFeeAt(t: Tariff, ms: number, timeZone: string): number {
  if (t.windows.length === 0) return t.gridFee;
  const p = localParts(ms, timeZone);
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  const w = t.windows.find((x) => inWindow(x, p.hour * 60 + p.minute, weekday, p.month));
  return w ? w.fee : t.gridFee;
}

/** Instants in (startMs, endMs) where the grid fee may change: window edges and local midnights. */
export function feeChanges(t: Tariff, startMs: number, endMs: number, timeZone: string): number[] {
  if (t.windows.length === 0) return [];
  const out = new Set<number>();
  const last = localDateKey(endMs, timeZone);
  for (let day = localDateKey(startMs, timeZone), n = 0; n < 400; day = addDays(day, 1), n++) {
    for (const minutes of [0, ...t.windows.flatMap((w) => [w.from, w.to])]) {
      const at = atLocalTime(day, minutes, timeZone);
      if (at > startMs && at < endMs) out.add(at);
    }
    if (day === last) break;
  }
  return [...out].sort((a, b) => a - b);
}

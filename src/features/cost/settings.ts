import { checkCount, checkKeys, checkList, checkText, checkTexts } from "../../shared/bounds";
import { phrase, ValidationError } from "../../shared/errors";
import { isRecord } from "../../shared/shape";
import { numberProp, textProp } from "../../shared/props";
import { isValidTimeZone } from "../../shared/time/zone";
import { kwhFactor } from "./domain/consumption";
import { parseWindows, type Tariff } from "./domain/tariff";

/** The editor's properties of energy-cost and price-plan, read into settings; a bad one throws. */

export const num = numberProp;

/** A text property, trimmed. */
export function text(value: unknown, fallback = ""): string {
  return textProp(value, fallback).trim();
}

/** An IANA zone; blank gives `fallback` (undefined: none). */
export function zoneSetting(value: unknown, fallback?: string): string | undefined {
  const zone = text(value) || fallback;
  if (zone !== undefined && !isValidTimeZone(zone))
    throw new ValidationError(
      phrase("energy-cost:errors.zone", 'Unknown time zone "__zone__": use an IANA name such as Europe/Berlin', {
        zone,
      }),
    );
  return zone;
}

export function tariffSetting(config: Record<string, unknown>): Tariff {
  const vat = num(config.vat, 0);
  if (vat < 0 || vat > 100)
    throw new ValidationError(
      phrase("energy-cost:errors.vat", "VAT is a percentage between 0 and 100, not __vat__", { vat }),
    );
  let windows;
  try {
    windows = parseWindows(config.gridWindows);
  } catch (err) {
    if (err instanceof SyntaxError)
      throw new ValidationError(
        phrase("energy-cost:errors.windowsJson", "Grid fee windows are no valid JSON: __detail__", {
          detail: err.message,
        }),
      );
    throw err;
  }
  return {
    gridFee: num(config.gridFee, 0),
    windows,
    levies: num(config.levies, 0),
    vat,
    vatOnEnergy: config.vatOnEnergy === true || config.vatOnEnergy === "true",
    fixed: num(config.fixed, 0),
    fixedPer: config.fixedPer === "day" ? "day" : "month",
  };
}

export function unitSetting(value: unknown): string {
  const unit = text(value) || "kWh";
  if (kwhFactor(unit) === undefined)
    throw new ValidationError(
      phrase("energy-cost:errors.unit", 'Unit "__unit__" is no energy unit: use Wh, kWh or MWh', { unit }),
    );
  return unit;
}

/** A clock time ("22:00") as minutes of the day; blank gives `fallback` (undefined: none). */
export function clockSetting(
  value: unknown,
  field: "from" | "to" | "mustRunBy",
  fallback?: string,
): number | undefined {
  const t = text(value) || fallback;
  if (t === undefined) return undefined;
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(t);
  if (!m) throw new ValidationError(CLOCKS[field](t));
  return Number(m[1]) * 60 + Number(m[2]);
}

const CLOCKS = {
  from: (value: string) =>
    phrase("price-plan:errors.from", 'From must be a clock time such as "22:00", not "__value__"', { value }),
  to: (value: string) =>
    phrase("price-plan:errors.to", 'To must be a clock time such as "22:00", not "__value__"', { value }),
  mustRunBy: (value: string) =>
    phrase("price-plan:errors.mustRunBy", 'Must have run by must be a clock time such as "22:00", not "__value__"', {
      value,
    }),
};

/** Entries one message may carry (price slots, points, consumption values): over five years of hours. */
export const MAX_ENTRIES = 50_000;
/** Meters in one `payload.meters` object. */
export const MAX_METERS = 1000;

/**
 * Refuses, before it is parsed, a message whose lists or names (topic, tags, currency, meter ids: they
 * become series names kept in the node state) are out of bounds (shared/bounds).
 */
export function checkCostMessage(msg: Record<string, unknown>): void {
  checkText(msg.topic, "topic");
  checkTexts(msg.tags, "tags");
  const payload = msg.payload;
  const entries = (list: unknown, where: string): void => {
    checkList(list, where, MAX_ENTRIES);
    if (!Array.isArray(list)) return;
    for (let i = 0; i < list.length; i++) {
      const e: unknown = list[i];
      if (!isRecord(e)) continue;
      checkTexts(e.tags, `${where}[${i}].tags`);
      checkText(e.currency, `${where}[${i}].currency`);
    }
  };
  entries(payload, "payload");
  if (!isRecord(payload)) return;
  checkText(payload.currency, "payload.currency");
  entries(payload.today, "payload.today");
  entries(payload.tomorrow, "payload.tomorrow");
  const days = [payload.today, payload.tomorrow].map((d) => (Array.isArray(d) ? d.length : 0));
  checkCount(days[0] + days[1], "payload.today and tomorrow", MAX_ENTRIES);
  checkKeys(payload.meters, "payload.meters", MAX_METERS);
  if (!isRecord(payload.meters)) return;
  let values = 0;
  for (const m of Object.values(payload.meters)) {
    for (const level of ["hour", "day", "month"]) {
      const at = isRecord(m) ? m[level] : undefined;
      if (isRecord(at) && Array.isArray(at.consumption)) values += at.consumption.length;
    }
    if (isRecord(m)) checkText(m.unit, "payload.meters unit");
  }
  checkCount(values, "payload.meters consumption", MAX_ENTRIES);
}

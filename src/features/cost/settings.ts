import { ValidationError } from "../../shared/errors";
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
    throw new ValidationError(`Unknown time zone "${zone}": use an IANA name such as Europe/Berlin`);
  return zone;
}

export function tariffSetting(config: Record<string, unknown>): Tariff {
  const vat = num(config.vat, 0);
  if (vat < 0 || vat > 100) throw new ValidationError(`VAT is a percentage between 0 and 100, not ${vat}`);
  let windows;
  try {
    windows = parseWindows(config.gridWindows);
  } catch (err) {
    if (err instanceof SyntaxError) throw new ValidationError(`Grid fee windows are no valid JSON: ${err.message}`);
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
  if (kwhFactor(unit) === undefined) throw new ValidationError(`Unit "${unit}" is no energy unit: use Wh, kWh or MWh`);
  return unit;
}

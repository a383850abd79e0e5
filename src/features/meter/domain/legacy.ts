/**
 * The original system's meters.yaml (as JSON) → our meter definitions (§2.2),
 * so people moving from it can paste their configuration. Only the listed fields are mapped.
 */
import { addDays } from "../../../shared/time/calendar";
import type { MasterPeriodDef, MeterDef, VirtualTerm } from "./types";
import { isRecord } from "../../../shared/shape";
import { phrase, ValidationError, type Phrase } from "../../../shared/errors";

type Loose = Record<string, unknown>;

const isObject: (x: unknown) => x is Loose = isRecord;

export function looksLegacy(x: Loose): boolean {
  if ("base_meter" in x || "subtract_meters" in x || "monthly_percentages" in x) return true;
  return Array.isArray(x.periods) && x.periods.some((p) => isObject(p) && ("start_date" in p || "source_meters" in p));
}

function isM3(u: unknown): boolean {
  return typeof u === "string" && /^m(3|³)$/i.test(u.trim());
}
function isKwh(u: unknown): boolean {
  return typeof u === "string" && u.trim().toLowerCase() === "kwh";
}

/** m³ → kWh (or back) needs energy_content · z_factor from the meter definition. */
function conversion(id: string, from: unknown, to: unknown, def: Loose): number {
  if (from === undefined || to === undefined || from === to) return 1;
  const energy = def.energy_content ?? def.energyContent;
  const z = def.z_factor ?? def.zFactor;
  if ((isM3(from) && isKwh(to)) || (isKwh(from) && isM3(to))) {
    if (typeof energy !== "number" || typeof z !== "number") {
      throw new ValidationError(
        phrase(
          "meter-interpolate:errors.legacyConversion",
          'meter "__meter__": converting __from__ to __to__ needs "energy_content" and "z_factor" on the meter',
          { meter: id, from: String(JSON.stringify(from)), to: String(JSON.stringify(to)) },
        ),
      );
    }
    return isM3(from) ? energy * z : 1 / (energy * z);
  }
  return 1;
}

const nextDay = (date: string): string => addDays(date, 1);

/** Translates one legacy definition; `warnings` collects the mapping's checks. */
export function fromLegacy(x: Loose, warnings: Phrase[]): MeterDef {
  const id = String(x.id);
  const unit = (x.output_unit ?? x.unit) as string | undefined;
  const base: { id: string; unit?: string } = { id };
  if (unit !== undefined) base.unit = unit;
  if (Array.isArray(x.periods)) {
    const periods: MasterPeriodDef[] = x.periods.filter(isObject).map((p, k, all) => {
      const start = (p.start ?? p.start_date) as string;
      const next = all[k + 1];
      if (
        typeof p.end_date === "string" &&
        next &&
        typeof next.start_date === "string" &&
        nextDay(p.end_date) !== next.start_date
      ) {
        warnings.push(
          phrase(
            "meter-interpolate:warnings.legacyPeriods",
            'meter "__meter__": period __n__ ends __end__ but the next starts __next__; the next start is used',
            { meter: id, n: k + 1, end: p.end_date, next: next.start_date },
          ),
        );
      }
      const sources = (p.sources ?? p.source_meters) as string[];
      const combine = (p.combine ?? p.composition_type) as "single" | "sum" | undefined;
      const out: MasterPeriodDef = { start, sources };
      if (combine !== undefined) out.combine = combine;
      const factor = typeof p.factor === "number" ? p.factor : conversion(id, p.source_unit, unit, x);
      if (factor !== 1 || p.source_unit !== undefined) out.factor = factor;
      const offset = p.offsetFromPrevious ?? p.apply_offset_from_previous_period;
      if (typeof offset === "boolean") out.offsetFromPrevious = offset;
      if (typeof p.initialValue === "number") out.initialValue = p.initialValue;
      return out;
    });
    return { ...base, type: "master", periods };
  }
  if ("base_meter" in x || "subtract_meters" in x) {
    const factorOf = (meter: unknown): number => {
      const units = isObject(x.source_units) ? x.source_units : {};
      return conversion(id, units[String(meter)], unit, x);
    };
    const terms: VirtualTerm[] = [{ meter: String(x.base_meter), factor: factorOf(x.base_meter) }];
    for (const m of Array.isArray(x.subtract_meters) ? x.subtract_meters : [])
      terms.push({ meter: String(m), factor: -factorOf(m) });
    return { ...base, type: "virtual", terms };
  }
  const physical: Loose = { ...x, type: "physical", readings: x.readings ?? [] };
  if (Array.isArray(x.monthly_percentages)) physical.profile = x.monthly_percentages;
  return physical as unknown as MeterDef;
}

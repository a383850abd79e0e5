import { checkList, checkText } from "../../shared/bounds";
import { phrase, phraseOf, ValidationError, type Phrase } from "../../shared/errors";
import { isRecord } from "../../shared/shape";
import { engineConfig, MAX_METER_ID_LENGTH, parseMeterDefinitions } from "./domain";
import { MAX_READINGS_PER_RUN } from "./domain/engine";
import type { EngineConfig, MeterDef } from "./domain";

/** The editor's properties of a meter-interpolate node, checked once per deploy. */

export interface OutputMode {
  object: boolean;
  points: boolean;
}

/** A typed input (value and its type) as the editor stores it; blank means automatic. */
export interface TypedValue {
  value: string;
  type: string;
}

export interface MeterSettings {
  cfg: EngineConfig;
  mode: OutputMode;
  /** The meter definitions of the node (units, counter modes, masters, virtual meters). */
  meters: MeterDef[];
  /** What the meter definitions' parser noticed; said once the node starts. */
  warnings: Phrase[];
  rangeStart?: TypedValue;
  rangeEnd?: TypedValue;
  /** Batches continue the per-meter state of the batch before (incremental.ts). */
  incremental: boolean;
}

export function outputMode(x: unknown): OutputMode {
  const s = Array.isArray(x) ? x.join(",") : typeof x === "string" && x !== "" ? x : "object";
  if (s === "both") return { object: true, points: true };
  const parts = s.split(",").map((p) => p.trim());
  const mode = { object: parts.includes("object"), points: parts.includes("points") };
  if (!mode.object && !mode.points)
    throw new ValidationError(
      phrase("meter-interpolate:errors.output", 'output must be "object", "points" or "both", not __value__', {
        value: String(JSON.stringify(x)),
      }),
    );
  return mode;
}

function typedValue(value: unknown, type: unknown): TypedValue | undefined {
  const v = typeof value === "number" || typeof value === "boolean" ? String(value) : value;
  if (typeof v !== "string") return undefined;
  const t = typeof type === "string" && type !== "" ? type : "str";
  return v === "" && t === "str" ? undefined : { value: v, type: t };
}

/** Throws a ValidationError naming the property; the node then fails every message with it. */
export function parseMeterSettings(def: Record<string, unknown>): MeterSettings {
  try {
    // Not rangeStart/rangeEnd: they are typed inputs, evaluated per message.
    const cfg = engineConfig({
      intervals: def.intervals,
      timezone: def.timezone,
      counterMode: def.counterMode,
      resetRatio: def.resetRatio,
      maxGap: def.maxGap,
      extrapolate: def.extrapolate,
      maxExtrapolation: def.maxExtrapolation,
      rateWindow: def.rateWindow,
      anomalyMethod: def.anomalyMethod,
      consumptionTimestamp: def.consumptionTimestamp,
      meterTag: def.meterTag,
      maxBoundaries: def.maxBoundaries,
    });
    const mode = outputMode(def.output);
    const warnings: Phrase[] = [];
    const meters = parseMeterDefinitions(def.meters, warnings);
    const incremental = def.incremental === true || def.incremental === "true";
    if (incremental && cfg.extrapolate !== "none")
      throw new ValidationError(
        phrase("meter-interpolate:errors.incrementalExtrapolate", 'incremental runs need extrapolate "none"'),
      );
    const settings: MeterSettings = { cfg, mode, meters, warnings, incremental };
    const rangeStart = typedValue(def.rangeStart, def.rangeStartType);
    const rangeEnd = typedValue(def.rangeEnd, def.rangeEndType);
    if (rangeStart) settings.rangeStart = rangeStart;
    if (rangeEnd) settings.rangeEnd = rangeEnd;
    return settings;
  } catch (e) {
    // The reason keeps its own key (a JSON syntax error of the meters field has none: it stays as V8 says it).
    const reason = phraseOf(e) ?? (e as Error).message;
    throw new ValidationError(
      phrase("meter-interpolate:errors.configuration", "meter-interpolate configuration: __reason__", { reason }),
      { statusText: phrase("meter-interpolate:status.configuration", "configuration error") },
    );
  }
}

/** Meters in one `payload.meters` list. */
export const MAX_METERS_PER_MESSAGE = 10_000;

/**
 * Refuses, before any parsing, a message whose meter names (msg.topic, a row's meter tag, a meter's id:
 * each is kept as a key of the results and of the live state; the engine's own MAX_METER_ID_LENGTH) or lists
 * are out of bounds (shared/bounds).
 */
export function checkMeterMessage(msg: { topic?: unknown; payload?: unknown }, meterTag: string): void {
  checkText(msg.topic, "topic", MAX_METER_ID_LENGTH);
  const payload = msg.payload;
  if (Array.isArray(payload)) {
    checkList(payload, "payload", MAX_READINGS_PER_RUN);
    for (let i = 0; i < payload.length; i++) {
      const row: unknown = payload[i];
      if (isRecord(row)) checkText(row[meterTag], `payload[${i}].${meterTag}`, MAX_METER_ID_LENGTH);
    }
  } else if (isRecord(payload) && Array.isArray(payload.meters)) {
    const meters: unknown[] = payload.meters;
    checkList(meters, "payload.meters", MAX_METERS_PER_MESSAGE);
    for (let i = 0; i < meters.length; i++) {
      const m = meters[i];
      if (isRecord(m)) checkText(m.id, `payload.meters[${i}].id`, MAX_METER_ID_LENGTH);
    }
  }
}

/**
 * §2.2 input shapes → meter definitions: (1) one meter's readings with msg.topic, (2) `{meters, range}`,
 * (3) Flux/Influx rows grouped by a tag. Definitions from the node's form fill in what the input lacks.
 */
import { optionalTime } from "./engine";
import type { RangeOverride } from "./engine";
import { fromLegacy, looksLegacy } from "./legacy";
import { isReadingCollection } from "./normalize";
import type { MeterDef, PhysicalDef } from "./types";
import { isRecord as isObject } from "../../../shared/shape";
import { phrase, ValidationError, type Phrase } from "../../../shared/errors";

export interface ParsedInput {
  defs: MeterDef[];
  range?: RangeOverride;
  /** Checks of the original-configuration mapping, for node.warn. */
  warnings?: Phrase[];
}

/**
 * Longest meter id taken (characters). An id becomes a key of the node's state and part of every status,
 * warning and point of its meter, so a 4 MB string as msg.topic would stay in memory for good.
 */
export const MAX_METER_ID_LENGTH = 200;

/** Refuses a meter id over MAX_METER_ID_LENGTH, naming where it came from and its start. */
export function checkMeterId(id: string, where: string | Phrase): string {
  if (id.length > MAX_METER_ID_LENGTH)
    throw new ValidationError(
      phrase(
        "meter-interpolate:errors.idTooLong",
        '__where__: a meter id has at most __max__ characters, this one __length__ ("__start__…")',
        { where, max: MAX_METER_ID_LENGTH, length: id.length, start: id.slice(0, 20) },
      ),
    );
  return id;
}

/** Validates one MeterDef loosely (the engine checks the details); throws with the meter named. */
export function meterDef(x: unknown, where: string | Phrase, warnings: Phrase[] = []): MeterDef {
  if (!isObject(x) || typeof x.id !== "string" || x.id === "")
    throw new ValidationError(
      phrase("meter-interpolate:errors.noId", '__where__: every meter needs a string "id"', { where }),
    );
  checkMeterId(x.id, where);
  if (looksLegacy(x)) return fromLegacy(x, warnings);
  const type = x.type ?? "physical";
  if (type === "physical") {
    return { ...(x as object), type: "physical", readings: x.readings ?? [] } as PhysicalDef;
  }
  if (type === "master") {
    if (!Array.isArray(x.periods))
      throw new ValidationError(
        phrase("meter-interpolate:errors.noPeriods", '__where__: master meter "__meter__" needs "periods"', {
          where,
          meter: x.id,
        }),
      );
    return x as unknown as MeterDef;
  }
  if (type === "virtual") {
    if (!Array.isArray(x.terms))
      throw new ValidationError(
        phrase("meter-interpolate:errors.noTerms", '__where__: virtual meter "__meter__" needs "terms"', {
          where,
          meter: x.id,
        }),
      );
    return x as unknown as MeterDef;
  }
  throw new ValidationError(
    phrase("meter-interpolate:errors.meterType", '__where__: meter "__meter__" has unknown type __type__', {
      where,
      meter: x.id,
      type: String(JSON.stringify(type)),
    }),
  );
}

/** Parses the meters definition of the node's form (a JSON array of MeterDefs, or `{meters: [...]}`). */
export function parseMeterDefinitions(json: unknown, warnings: Phrase[] = []): MeterDef[] {
  if (json === undefined || json === null || json === "") return [];
  const value = typeof json === "string" ? (JSON.parse(json) as unknown) : json;
  const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.meters) ? value.meters : undefined;
  if (!list)
    throw new ValidationError(
      phrase("meter-interpolate:errors.definitions", "meters definition must be a JSON array of meters"),
    );
  // Once per deploy: the entry's name is a phrase, so a German editor reads "Zählerdefinition, Eintrag 2".
  return list.map((m, i) =>
    meterDef(
      m,
      phrase("meter-interpolate:errors.where.entry", "meters definition entry __n__", { n: i + 1 }),
      warnings,
    ),
  );
}

function isRowList(payload: unknown[], meterTag: string): boolean {
  const first = payload.find((r) => r !== null && r !== undefined);
  return isObject(first) && "_time" in first && meterTag in first;
}

/** Which meters a definition refers to. */
function references(d: MeterDef): string[] {
  if (d.type === "master") return d.periods.flatMap((p) => (Array.isArray(p.sources) ? p.sources : []));
  if (d.type === "virtual") return d.terms.map((t) => t.meter);
  return [];
}

/**
 * Merges input meters with the form's definitions: a physical definition without readings lends its
 * options (unit, profile, …) to the input meter of the same id; masters and virtual meters are kept when
 * the input has any meter they refer to.
 */
function mergeDefinitions(input: MeterDef[], configured: MeterDef[]): MeterDef[] {
  const byId = new Map<string, MeterDef>();
  for (const d of input) byId.set(d.id, d);
  for (const c of configured) {
    const own = byId.get(c.id);
    if (c.type === "physical") {
      if (own && own.type === "physical") byId.set(c.id, { ...c, ...own, readings: own.readings });
    } else if (!own) {
      byId.set(c.id, c);
    }
  }
  // Keep configured composites only if something they (transitively) refer to is present.
  const present = new Set(input.map((d) => d.id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of byId.values()) {
      if (!present.has(d.id) && references(d).some((r) => present.has(r))) {
        present.add(d.id);
        grew = true;
      }
    }
  }
  return [...byId.values()].filter((d) => present.has(d.id));
}

export function parseInput(
  msg: { topic?: unknown; payload?: unknown },
  meterTag: string,
  configured: MeterDef[] = [],
): ParsedInput {
  const payload = msg.payload;
  if (Array.isArray(payload)) {
    if (isRowList(payload, meterTag)) {
      const groups = new Map<string, unknown[]>();
      let untagged = 0;
      const where = phrase("meter-interpolate:errors.where.rowTag", 'row tag "__tag__"', { tag: meterTag });
      for (const row of payload) {
        const id = isObject(row) ? row[meterTag] : undefined;
        if (typeof id !== "string" || id === "") {
          untagged++;
          continue;
        }
        let g = groups.get(id);
        if (!g) groups.set(checkMeterId(id, where), (g = []));
        g.push(row);
      }
      const defs: MeterDef[] = [...groups].map(([id, readings]) => ({ id, type: "physical", readings }));
      if (untagged && defs.length === 0)
        throw new ValidationError(
          phrase("meter-interpolate:errors.untagged", 'none of the __count__ rows has the meter tag "__tag__"', {
            count: untagged,
            tag: meterTag,
          }),
        );
      return { defs: mergeDefinitions(defs, configured) };
    }
    if (typeof msg.topic !== "string" || msg.topic === "") {
      throw new ValidationError(
        phrase(
          "meter-interpolate:errors.noTopic",
          'msg.payload is a list of readings but msg.topic does not name the meter (or rows lack the tag "__tag__")',
          { tag: meterTag },
        ),
      );
    }
    checkMeterId(msg.topic, "msg.topic");
    return { defs: mergeDefinitions([{ id: msg.topic, type: "physical", readings: payload }], configured) };
  }
  if (isObject(payload) && isReadingCollection(payload) && typeof msg.topic === "string" && msg.topic !== "") {
    // Columns {t: [...], v: [...]} for one meter: the compact form of shape 1.
    checkMeterId(msg.topic, "msg.topic");
    return { defs: mergeDefinitions([{ id: msg.topic, type: "physical", readings: payload }], configured) };
  }
  if (isObject(payload) && Array.isArray(payload.meters)) {
    const warnings: Phrase[] = [];
    const defs = payload.meters.map((m, i) => meterDef(m, `msg.payload.meters[${i}]`, warnings));
    for (const d of defs) {
      if (d.type === "physical" && !isReadingCollection(d.readings))
        throw new ValidationError(
          phrase("meter-interpolate:errors.readingsList", 'meter "__meter__": readings must be an array of readings', {
            meter: d.id,
          }),
        );
    }
    const out: ParsedInput = { defs: mergeDefinitions(defs, configured) };
    if (warnings.length) out.warnings = warnings;
    if (isObject(payload.range)) {
      const range: RangeOverride = {};
      const s = optionalTime(payload.range.start, "msg.payload.range.start");
      const e = optionalTime(payload.range.end, "msg.payload.range.end");
      if (s !== undefined) range.start = s;
      if (e !== undefined) range.end = e;
      out.range = range;
    }
    return out;
  }
  throw new ValidationError(
    phrase(
      "meter-interpolate:errors.payload",
      "msg.payload must be readings with msg.topic as the meter id, {meters: [...]}, or Flux rows with _time, _value and a meter tag",
    ),
  );
}

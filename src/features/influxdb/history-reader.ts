import { phrase, ValidationError } from "../../shared/errors";
import type { SeriesPiece } from "./client/query";

/**
 * Turns a streamed InfluxQL answer into meter histories in the shapes `meter-interpolate` takes: per meter
 * the columns `{t, v}` (Float64Arrays of epoch ms and values: its fast path, 16 bytes a reading) or a list
 * of `{t, v}` objects. A meter's readings are handed on as soon as its series ends, so with one message
 * per meter only one meter is held at a time.
 */

export type ReadingsShape = "columns" | "objects";

export interface HistoryOptions {
  /** The tag that names the meter; a series without it is named by its only tag, else its measurement. */
  meterTag: string;
  /** The column of the value; blank means the first column other than `time`. */
  field?: string;
  readings: ReadingsShape;
  /** All meters go out in one message, so all are held until the end. */
  allInOne?: boolean;
  /** Readings held at once (one meter, or all meters in one message); more is refused. */
  maxHeld?: number;
}

/** As many readings as one meter-interpolate run takes (its MAX_READINGS_PER_RUN): more could not be used. */
export const MAX_HELD_READINGS = 5_000_000;

export interface Columns {
  t: Float64Array;
  v: Float64Array;
}

export interface MeterHistory {
  id: string;
  readings: Columns | Array<{ t: number; v: number }>;
  rows: number;
}

/** A growing pair of Float64Arrays: doubling keeps appends cheap, the final `subarray` copies nothing. */
class ColumnBuilder {
  private t: Float64Array<ArrayBuffer> = new Float64Array(1024);
  private v: Float64Array<ArrayBuffer> = new Float64Array(1024);
  length = 0;

  push(t: number, v: number): void {
    if (this.length === this.t.length) {
      const grow = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.t = grow(this.t);
      this.v = grow(this.v);
    }
    this.t[this.length] = t;
    this.v[this.length] = v;
    this.length++;
  }

  /** The columns, trimmed to a fresh buffer when more than a quarter would be slack. */
  columns(): Columns {
    const n = this.length;
    if (n < this.t.length * 0.75) return { t: this.t.slice(0, n), v: this.v.slice(0, n) };
    return { t: this.t.subarray(0, n), v: this.v.subarray(0, n) };
  }

  objects(): Array<{ t: number; v: number }> {
    const out = new Array<{ t: number; v: number }>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = { t: this.t[i], v: this.v[i] };
    return out;
  }
}

export function meterIdOf(piece: SeriesPiece, meterTag: string): string {
  const own = piece.tags[meterTag];
  if (own) return own;
  const values = Object.values(piece.tags);
  return values.length === 1 && values[0] ? values[0] : piece.name;
}

export interface HistorySummary {
  meters: number;
  rows: number;
  /** Rows without a numeric value (null, text, boolean): not readings. */
  skipped: number;
}

/**
 * Reads `pieces` to the end, calling `onMeter` once per meter as its series completes (consecutive series
 * of the same meter are joined). Resolves with what was read.
 */
export async function readHistories(
  pieces: AsyncIterable<SeriesPiece>,
  options: HistoryOptions,
  onMeter: (meter: MeterHistory) => void | Promise<void>,
): Promise<HistorySummary> {
  const summary: HistorySummary = { meters: 0, rows: 0, skipped: 0 };
  const maxHeld = options.maxHeld ?? MAX_HELD_READINGS;
  let held = 0;
  let id: string | undefined;
  let builder = new ColumnBuilder();
  const flush = async (): Promise<void> => {
    if (id === undefined) return;
    const readings = options.readings === "objects" ? builder.objects() : builder.columns();
    const meter: MeterHistory = { id, readings, rows: builder.length };
    id = undefined;
    builder = new ColumnBuilder();
    summary.meters++;
    if (!options.allInOne) held = 0;
    await onMeter(meter);
  };
  for await (const piece of pieces) {
    const next = meterIdOf(piece, options.meterTag);
    if (next !== id) {
      await flush();
      id = next;
    }
    const ti = piece.columns.indexOf("time");
    const vi = options.field ? piece.columns.indexOf(options.field) : piece.columns.findIndex((c) => c !== "time");
    if (ti < 0 || vi < 0) {
      summary.skipped += piece.values.length;
      continue;
    }
    for (const row of piece.values) {
      const t = row[ti];
      const v = row[vi];
      if (typeof t === "number" && typeof v === "number" && Number.isFinite(v)) {
        if (++held > maxHeld) throw tooManyReadings(maxHeld);
        builder.push(t, v);
        summary.rows++;
      } else summary.skipped++;
    }
  }
  await flush();
  return summary;
}

function tooManyReadings(max: number): ValidationError {
  const text = phrase(
    "meter-influxdb-query:errors.tooManyReadings",
    "The query returned more than __max__ readings for one message; narrow the time range, name fewer meters, or send one message per meter.",
    { max },
  );
  return new ValidationError(text, {
    statusText: phrase("meter-influxdb-query:status.tooManyReadings", "too many readings"),
  });
}

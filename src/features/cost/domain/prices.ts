import { phrase, type Phrase } from "../../../shared/errors";
import { isPlainObject, isRecord } from "../../../shared/shape";
import { tryParseInstant } from "../../../shared/time/instant";
import type { Parsed, PriceSlot } from "./types";

/**
 * Price slots from a message: tibber-prices' output 1 (`payload.today`/`tomorrow` with `startsAt` and
 * `total`), its output 2 (`tibber_price` readings, one per message, or a batch of such points), or a
 * list in the same shape from another source (`[{startsAt, total}]`, optionally with `endsAt`).
 * Undefined when the message carries no prices, so the caller can try it as consumption.
 */

const QUARTER_MS = 15 * 60_000;
const HOUR_MS = 60 * 60_000;

export function parsePrices(msg: Record<string, unknown>): Parsed<PriceSlot> | undefined {
  const payload = msg.payload;
  if (msg.measurement === "tibber_price" && isRecord(payload)) {
    const slot = fromPoint(payload, msg.tags, msg.timestamp);
    return {
      items: slot ? [slot] : [],
      warnings: slot ? [] : [phrase("energy-cost:warnings.pricePoint", "a tibber_price reading without total or time")],
    };
  }
  if (
    Array.isArray(payload) &&
    payload.length > 0 &&
    payload.every((p) => isPlainObject(p) && p.measurement === "tibber_price")
  ) {
    const items: PriceSlot[] = [];
    for (const p of payload as Record<string, unknown>[]) {
      const slot = isRecord(p.fields) ? fromPoint(p.fields, p.tags, p.timestamp) : undefined;
      if (slot) items.push(slot);
    }
    const skipped = phrase("energy-cost:warnings.pricePoints", "tibber_price points without total or time");
    return { items, warnings: items.length < payload.length ? [skipped] : [] };
  }
  if (isPlainObject(payload) && (Array.isArray(payload.today) || Array.isArray(payload.tomorrow))) {
    const list = [...asArray(payload.today), ...asArray(payload.tomorrow)];
    const currency = typeof payload.currency === "string" ? payload.currency : "";
    const step =
      payload.resolution === "QUARTER_HOURLY" ? QUARTER_MS : payload.resolution === "HOURLY" ? HOUR_MS : undefined;
    return fromList(list, currency, step);
  }
  if (
    Array.isArray(payload) &&
    payload.length > 0 &&
    payload.every((p) => isPlainObject(p) && "startsAt" in p && "total" in p)
  ) {
    return fromList(payload as Record<string, unknown>[], "", undefined);
  }
  return undefined;
}

function asArray(x: unknown): Record<string, unknown>[] {
  return Array.isArray(x) ? x.filter(isPlainObject) : [];
}

function fromPoint(fields: Record<string, unknown>, tags: unknown, timestamp: unknown): PriceSlot | undefined {
  const t = isRecord(tags) ? tags : {};
  const startMs = tryParseInstant(timestamp);
  if (startMs === undefined || typeof fields.total !== "number" || !Number.isFinite(fields.total)) return undefined;
  const step = t.resolution === "QUARTER_HOURLY" ? QUARTER_MS : HOUR_MS;
  return {
    startMs,
    endMs: startMs + step,
    total: fields.total,
    currency: typeof t.currency === "string" ? t.currency : "",
  };
}

/**
 * A list of `{startsAt, total, endsAt?}`. Without `endsAt` or a resolution, every slot lasts the
 * shortest spacing between two starts (one hour when there is one slot): a missing slot stays a gap.
 */
function fromList(list: Record<string, unknown>[], currency: string, step: number | undefined): Parsed<PriceSlot> {
  const warnings: Phrase[] = [];
  const starts: { p: Record<string, unknown>; startMs: number }[] = [];
  for (const p of list) {
    const startMs = tryParseInstant(p.startsAt);
    if (startMs === undefined || typeof p.total !== "number" || !Number.isFinite(p.total)) {
      warnings.push(
        phrase("energy-cost:warnings.price", "a price without a readable startsAt (with offset) or total: __price__", {
          price: JSON.stringify(p).slice(0, 80),
        }),
      );
      continue;
    }
    starts.push({ p, startMs });
  }
  starts.sort((a, b) => a.startMs - b.startMs);
  let spacing = Infinity;
  for (let i = 1; i < starts.length; i++) {
    const d = starts[i].startMs - starts[i - 1].startMs;
    if (d > 0) spacing = Math.min(spacing, d);
  }
  const length = step ?? (Number.isFinite(spacing) ? spacing : HOUR_MS);
  const items = starts.map(({ p, startMs }): PriceSlot => {
    const endMs = tryParseInstant(p.endsAt) ?? startMs + length;
    const own = typeof p.currency === "string" ? p.currency : currency;
    const slot: PriceSlot = { startMs, endMs, total: p.total as number, currency: own };
    if (typeof p.startsAt === "string") slot.startsAt = p.startsAt;
    return slot;
  });
  return { items, warnings };
}

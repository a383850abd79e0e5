import { english, phrase, ValidationError, type Phrase } from "../../shared/errors";
import { formatLocalIso } from "../../shared/time/zone";
import { makePlan, stateAt, type Plan, type PlanOptions } from "./domain/plan";
import { parsePrices } from "./domain/prices";
import type { PriceSlot } from "./domain/types";

/**
 * What a price-plan node does, without Node-RED: plans from the prices it is sent, sends the plan
 * (output 1) and `on`/`off` at the moments the plan switches (output 2). Prices, plan and the last state
 * sent live in the node state, so after a redeploy or a restart (with a persistent context store) it
 * sends the state that is due now, if it is not the one sent last, and goes on with the same plan.
 */

export interface PlanSettings extends PlanOptions {
  /** kW of the device, for the plan's expected cost; 0 leaves it out. */
  powerKw: number;
  onPayload: string;
  offPayload: string;
}

export type Message = { payload?: unknown; [key: string]: unknown };

export interface PlanPort {
  now(): number;
  /** A timer the node stops on close; returns its cancel. */
  after(ms: number, work: () => void): () => void;
  send(outputs: [Message | null, Message | null]): void;
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  status(on: boolean | undefined, text: string): void;
  /** A phrase in the runtime's language; without it, English. */
  say?(p: Phrase): string;
}

/** Never sleep longer than this, so a host that slept or changed its clock catches up. */
export const MAX_SLEEP_MS = 15 * 60_000;
/** Switch a moment after the boundary, so "now" is inside the new slot. */
const AFTER_MS = 50;
/** A message sent while the flows start could reach nodes not created yet. */
export const RESUME_AFTER_MS = 500;
const KEEP_MS = 2 * 86_400_000;
const KEY = "pricePlan";
type Stored = { v: 1; prices: [number, number, number, string][]; on: number[]; sent: boolean | null };

export class PlanRunner {
  private prices = new Map<number, PriceSlot>();
  private plan: Plan = { slots: [], occurrences: [] };
  private sent: boolean | null = null;
  private cancel: (() => void) | undefined;

  constructor(
    private readonly settings: PlanSettings,
    private readonly port: PlanPort,
  ) {
    const saved = port.get<Stored>(KEY);
    if (saved?.v !== 1) return;
    for (const [startMs, endMs, total, currency] of saved.prices)
      this.prices.set(startMs, { startMs, endMs, total, currency });
    this.sent = saved.sent;
    const on = new Set(saved.on);
    this.plan = makePlan([...this.prices.values()], settings, port.now(), new Map(saved.on.map((t) => [t, true])));
    // The stored decisions stand for every slot they cover, also the ones not begun yet.
    this.plan.slots = this.plan.slots.map((s) => ({ ...s, on: on.has(s.startMs) }));
  }

  /** Resumes after a deploy or a restart: the state due now, then the timer, once the flows run. */
  start(): void {
    if (this.plan.slots.length) this.cancel = this.port.after(RESUME_AFTER_MS, () => this.tick());
  }

  /** New prices: plan again, send the plan and the state due now. */
  input(msg: Message): void {
    const parsed = parsePrices(msg);
    if (!parsed)
      throw new ValidationError(
        phrase(
          "price-plan:errors.noPrices",
          "msg.payload holds no prices: wire tibber-prices (either output) or send [{startsAt, total}]",
        ),
      );
    const now = this.port.now();
    for (const s of parsed.items) this.prices.set(s.startMs, s);
    for (const [k, s] of this.prices) if (s.endMs < now - KEEP_MS) this.prices.delete(k);
    const previous = new Map(this.plan.slots.map((s) => [s.startMs, s.on]));
    this.plan = makePlan([...this.prices.values()], this.settings, now, previous);
    this.save();
    this.port.send([{ ...msg, payload: this.payload() }, null]);
    this.tick();
  }

  private tick(): void {
    this.cancel?.();
    const now = this.port.now();
    const { on, nextChangeMs } = stateAt(this.plan.slots, now);
    const next = nextChangeMs === undefined ? "" : formatLocalIso(nextChangeMs, this.settings.timeZone);
    if (on !== this.sent) {
      this.sent = on;
      this.save();
      const payload = on ? this.settings.onPayload : this.settings.offPayload;
      this.port.send([null, { payload, on, ...(next ? { until: next } : {}) }]);
    }
    this.port.status(on, (this.port.say ?? english)(statusLine(on === true, next.slice(11, 16))));
    if (nextChangeMs !== undefined)
      this.cancel = this.port.after(Math.min(MAX_SLEEP_MS, Math.max(0, nextChangeMs - now) + AFTER_MS), () =>
        this.tick(),
      );
  }

  private payload(): Record<string, unknown> {
    const tz = this.settings.timeZone;
    const iso = (ms: number): string => formatLocalIso(ms, tz);
    const { powerKw } = this.settings;
    const onSlots = this.plan.slots.filter((s) => s.on);
    const hoursOn = onSlots.reduce((h, s) => h + (s.endMs - s.startMs) / 3_600_000, 0);
    const cost = onSlots.reduce((c, s) => c + s.total * powerKw * ((s.endMs - s.startMs) / 3_600_000), 0);
    const average = onSlots.length ? onSlots.reduce((a, s) => a + s.total, 0) / onSlots.length : undefined;
    return {
      currency: this.plan.slots[0]?.currency ?? "",
      hoursOn,
      ...(average !== undefined ? { averagePrice: round(average, 4) } : {}),
      ...(powerKw > 0 ? { expectedCost: round(cost, 4), powerKw } : {}),
      periods: mergeOn(this.plan.slots).map((r) => ({ start: iso(r.startMs), end: iso(r.endMs) })),
      windows: this.plan.occurrences.map((w) => ({
        start: iso(w.startMs),
        end: iso(w.endMs),
        complete: w.complete,
        planned: w.planned,
        short: w.short,
      })),
      slots: this.plan.slots.map((s) => ({
        start: iso(s.startMs),
        end: iso(s.endMs),
        price: s.total,
        on: s.on,
        ...(powerKw > 0 && s.on ? { cost: round(s.total * powerKw * ((s.endMs - s.startMs) / 3_600_000), 4) } : {}),
      })),
    };
  }

  private save(): void {
    const stored: Stored = {
      v: 1,
      prices: [...this.prices.values()].map((s) => [s.startMs, s.endMs, s.total, s.currency]),
      on: this.plan.slots.filter((s) => s.on).map((s) => s.startMs),
      sent: this.sent,
    };
    this.port.set(KEY, stored);
  }
}

function mergeOn(
  slots: readonly { startMs: number; endMs: number; on: boolean }[],
): { startMs: number; endMs: number }[] {
  const runs: { startMs: number; endMs: number }[] = [];
  for (const s of slots.filter((x) => x.on)) {
    const last = runs[runs.length - 1];
    if (last && last.endMs === s.startMs) last.endMs = s.endMs;
    else runs.push({ startMs: s.startMs, endMs: s.endMs });
  }
  return runs;
}

function statusLine(on: boolean, until: string): Phrase {
  if (!until) return on ? phrase("price-plan:status.on", "on") : phrase("price-plan:status.off", "off");
  return on
    ? phrase("price-plan:status.onUntil", "on until __time__", { time: until })
    : phrase("price-plan:status.offUntil", "off until __time__", { time: until });
}

const round = (n: number, d: number): number => Math.round(n * 10 ** d) / 10 ** d;

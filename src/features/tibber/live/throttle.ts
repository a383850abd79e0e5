import { fields, type Reading } from "../../../shared/reading";

/**
 * What tibber-live lets through: a measurement whose timestamp is not newer than the last one is a
 * repeat and dropped; with `everyMs` > 0 at most one message per window of measurement time, either the
 * last measurement of the window or its average. Windows are cut by the measurements' own timestamps,
 * so the result does not depend on when the messages arrive; a window is sent when the first measurement
 * of the next one arrives, or when the feed is interrupted (`flush`).
 */

export type ThrottleMode = "last" | "average";

/** Fields that are levels: averaged. Counters and "today" totals keep their last value; min/max their extreme. */
const AVERAGED = new Set([
  "power",
  "powerProduction",
  "averagePower",
  "powerReactive",
  "powerProductionReactive",
  "powerFactor",
  "voltagePhase1",
  "voltagePhase2",
  "voltagePhase3",
  "currentL1",
  "currentL2",
  "currentL3",
  "signalStrength",
]);
const MINIMUM = new Set(["minPower", "minPowerProduction"]);
const MAXIMUM = new Set(["maxPower", "maxPowerProduction"]);

export class LiveThrottle {
  private lastSeen = Number.NEGATIVE_INFINITY;
  private window: Reading[] = [];
  private windowStart = 0;
  /** Repeated timestamps dropped so far. */
  repeats = 0;

  constructor(
    private readonly everyMs: number,
    private readonly mode: ThrottleMode,
  ) {}

  /** The messages to send now for this measurement (none, one, or a finished window and nothing else). */
  push(r: Reading): Reading[] {
    if (r.timestamp <= this.lastSeen) {
      this.repeats++;
      return [];
    }
    this.lastSeen = r.timestamp;
    if (this.everyMs <= 0) return [r];
    if (this.window.length === 0) this.windowStart = r.timestamp;
    if (r.timestamp - this.windowStart < this.everyMs) {
      this.window.push(r);
      return [];
    }
    const out = this.flush();
    this.window = [r];
    this.windowStart = r.timestamp;
    return out;
  }

  /** The pending window as one message, if any. */
  flush(): Reading[] {
    const w = this.window;
    this.window = [];
    if (w.length === 0) return [];
    const last = w[w.length - 1];
    if (this.mode === "last" || w.length === 1) return [last];
    return [{ ...last, payload: combine(w) }];
  }
}

function combine(w: Reading[]): Reading["payload"] {
  const out: Record<string, number | boolean | undefined> = { ...w[w.length - 1].payload };
  for (const key of Object.keys(out)) {
    const values = w.map((r) => r.payload[key]).filter((v): v is number => typeof v === "number");
    if (values.length === 0) continue;
    if (AVERAGED.has(key)) out[key] = round(values.reduce((a, b) => a + b, 0) / values.length);
    else if (MINIMUM.has(key)) out[key] = Math.min(...values);
    else if (MAXIMUM.has(key)) out[key] = Math.max(...values);
  }
  return fields(out);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

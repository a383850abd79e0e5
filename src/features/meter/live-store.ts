import { english, phrase, ValidationError, type Phrase } from "../../shared/errors";
import { batch as pointBatch, type Batch } from "../../shared/reading";
import { checkMeterId, sharedIsoCache, LiveMeter, meterOut, pointChunks, requireTime, zoneClock } from "./domain";
import type { EngineConfig, LiveMeterState, MeterResult, MeterStats, PhysicalDef } from "./domain";
import { POINTS_PER_MESSAGE, type MetersPayload } from "./batch-runner";
import type { MeterSettings } from "./meter-settings";

/**
 * Live mode: one number per message, per meter (`msg.topic`). Each meter's state is a small JSON value
 * in a key-value store the node provides (its node state, so a redeploy or a persistent context store
 * keeps it); every boundary the reading crosses becomes one output.
 */

/** Where the per-meter states live between messages. */
export interface StateStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export interface LiveReading {
  topic?: unknown;
  payload: number;
  timestamp?: unknown;
}

/** One boundary: output 1's payload and/or output 2's points, as the output mode asks. */
export interface LiveOutput {
  object?: MetersPayload;
  points?: Batch;
}

export type LiveResult =
  { kind: "skipped"; warning: string } | { kind: "applied"; outputs: LiveOutput[]; status: string };

/** Context keys are property paths, so a meter id with dots or brackets is escaped. */
export function stateKey(meterId: string): string {
  return `meterInterpolate_${encodeURIComponent(meterId).replace(/\./g, "%2E")}`;
}

/** A stored state this version understands; anything else (another version, a hand edit) starts afresh. */
export function storedState(x: unknown): LiveMeterState | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  const s = x as Partial<LiveMeterState>;
  const numbers = [s.t, s.C, s.last, s.offset, s.raw, s.resets, s.glitches, s.ignored];
  return s.version === 1 &&
    numbers.every((n) => typeof n === "number" && Number.isFinite(n)) &&
    typeof s.intervals === "object"
    ? (s as LiveMeterState)
    : undefined;
}

function liveStats(s: LiveMeterState): MeterStats {
  return { raw: s.raw, dropped: 0, duplicates: 0, resets: s.resets, glitches: s.glitches, warnings: [] };
}

export class LiveStore {
  private readonly cfg: EngineConfig;
  /**
   * A LiveMeter holds no reading (the state store does), only options: one per configured meter and one
   * for all others, so the cache is not keyed by what messages send.
   */
  private readonly meters = new Map<PhysicalDef | undefined, LiveMeter>();

  constructor(
    private readonly settings: MeterSettings,
    private readonly store: StateStore,
    private readonly now: () => number,
    /** Says a warning in the runtime's language; English without one. */
    private readonly say: (p: Phrase) => string = english,
  ) {
    this.cfg = settings.cfg;
  }

  /** Applies one reading; throws a ValidationError for a message that cannot be a live reading. */
  push(reading: LiveReading): LiveResult {
    const id = reading.topic;
    const v = reading.payload;
    if (typeof id !== "string" || id === "")
      throw new ValidationError(
        phrase("meter-interpolate:errors.liveTopic", "live reading __value__: msg.topic must name the meter", {
          value: v,
        }),
      );
    checkMeterId(id, "msg.topic");
    const t =
      reading.timestamp === undefined
        ? this.now()
        : requireTime(
            reading.timestamp,
            phrase(
              "meter-interpolate:errors.where.liveTimestamp",
              'meter "__meter__", reading __value__: msg.timestamp',
              {
                meter: id,
                value: v,
              },
            ),
          );
    const own = this.physical(id);
    if (!Number.isFinite(v) || (v < 0 && (own?.counterMode ?? this.cfg.counterMode) !== "net")) {
      const warning = phrase(
        "meter-interpolate:warnings.liveInvalid",
        'meter "__meter__": reading __value__ at __at__ is not a valid counter value; dropped',
        { meter: id, value: v, at: new Date(t).toISOString() },
      );
      return { kind: "skipped", warning: this.say(warning) };
    }
    const key = stateKey(id);
    const outcome = this.meterFor(own).push(storedState(this.store.get(key)), t, v);
    this.store.set(key, outcome.state);
    if (outcome.kind === "ignored") {
      const warning = phrase(
        "meter-interpolate:warnings.liveIgnored",
        'meter "__meter__": reading at __at__ ignored (__reason__)',
        {
          meter: id,
          at: new Date(t).toISOString(),
          reason: outcome.reason,
        },
      );
      return { kind: "skipped", warning: this.say(warning) };
    }
    const { mode } = this.settings;
    const unit = this.settings.meters.find((d) => d.id === id)?.unit;
    const iso = sharedIsoCache;
    const format = { consumptionTimestamp: this.cfg.consumptionTimestamp, iso };
    const outputs = outcome.emitted.map((iv): LiveOutput => {
      const r: MeterResult = { id, type: "physical", intervals: { [iv.unit]: iv }, stats: liveStats(outcome.state) };
      if (unit !== undefined) r.unit = unit;
      const out: LiveOutput = {};
      if (mode.object) {
        const generatedAt = new Date(this.now()).toISOString();
        out.object = { timezone: this.cfg.timezone, generatedAt, meters: { [id]: meterOut(r, format) } };
      }
      if (mode.points) {
        const points = pointChunks(r, POINTS_PER_MESSAGE, this.cfg.consumptionTimestamp).next();
        if (!points.done) out.points = pointBatch(points.value, id);
      }
      return out;
    });
    return { kind: "applied", outputs, status: `${id} ${Math.round(outcome.state.C * 1000) / 1000}` };
  }

  private physical(id: string): PhysicalDef | undefined {
    return this.settings.meters.find((d): d is PhysicalDef => d.id === id && d.type === "physical");
  }

  private meterFor(own: PhysicalDef | undefined): LiveMeter {
    let lm = this.meters.get(own);
    if (!lm) {
      const profile = Array.isArray(own?.profile) ? own.profile : undefined;
      lm = new LiveMeter(this.cfg, zoneClock(this.cfg.timezone), {
        increasing: (own?.counterMode ?? this.cfg.counterMode) !== "net",
        resetRatio: own?.resetRatio ?? this.cfg.resetRatio,
        ...(profile ? { profile } : {}),
      });
      this.meters.set(own, lm);
    }
    return lm;
  }
}

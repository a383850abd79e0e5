import { localDateKey } from "../../../src/shared/time/calendar";
import { formatLocalIso } from "../../../src/shared/time/zone";
import type { GqlObject } from "./graphql/execute";
import type { SimHome } from "./accounts";

/**
 * The Pulse behind a home's `liveMeasurement` (reference A7 field list; evcc #19399 and #18961 traces
 * for the shape of `next` payloads): power drawn from a daily profile, the meter register growing by
 * it, today's accumulated consumption and cost, and three phases of which the third is often null, as
 * real Pulse feeds show. Timestamps are the home's local time with offset, like Tibber's.
 */

export interface PulseState {
  lastAt: number;
  meterKwh: number;
  producedKwh: number;
  dayKey: string;
  dayKwh: number;
  dayProducedKwh: number;
  dayCost: number;
  minPower: number;
  maxPower: number;
  powerSum: number;
  samples: number;
}

const PRICE_PER_KWH = 1.25;

export function newPulse(home: SimHome, at: number): PulseState {
  return {
    lastAt: at,
    meterKwh: 29_400 + home.seed * 100,
    producedKwh: 0.8461,
    dayKey: localDateKey(at, home.timeZone),
    dayKwh: 0,
    dayProducedKwh: 0,
    dayCost: 0,
    minPower: Number.POSITIVE_INFINITY,
    maxPower: 0,
    powerSum: 0,
    samples: 0,
  };
}

/** The household load at `t` in W: a daily wave and a 7-minute appliance cycle. */
export function pulsePowerW(home: SimHome, t: number): number {
  const day = (2 * Math.PI * (t % 86_400_000)) / 86_400_000;
  const cycle = (2 * Math.PI * (t % 420_000)) / 420_000;
  return Math.round(900 + 100 * home.seed - 500 * Math.cos(day) + 600 * Math.max(0, Math.sin(cycle)));
}

/** Advances the register to `t` and returns the measurement as a graph object for the executor. */
export function measureAt(home: SimHome, state: PulseState, t: number): GqlObject {
  const power = pulsePowerW(home, t);
  const dt = Math.max(0, t - state.lastAt);
  const kwh = (power * dt) / 3_600_000_000;
  const dayKey = localDateKey(t, home.timeZone);
  if (dayKey !== state.dayKey) {
    Object.assign(state, { dayKey, dayKwh: 0, dayProducedKwh: 0, dayCost: 0 });
    Object.assign(state, { minPower: Number.POSITIVE_INFINITY, maxPower: 0, powerSum: 0, samples: 0 });
  }
  state.lastAt = Math.max(state.lastAt, t);
  state.meterKwh += kwh;
  state.dayKwh += kwh;
  state.dayCost += kwh * PRICE_PER_KWH;
  state.minPower = Math.min(state.minPower, power);
  state.maxPower = Math.max(state.maxPower, power);
  state.powerSum += power;
  state.samples++;
  const round = (n: number, d: number): number => Math.round(n * 10 ** d) / 10 ** d;
  const volts = (phase: number): number => round(229 + 2 * Math.sin(t / 60_000 + phase), 1);
  const amps = (share: number): number => round((power / 230) * share, 2);
  return {
    __typename: "LiveMeasurement",
    timestamp: formatLocalIso(t, home.timeZone),
    power,
    lastMeterConsumption: round(state.meterKwh, 4),
    lastMeterProduction: round(state.producedKwh, 4),
    accumulatedConsumption: round(state.dayKwh, 6),
    accumulatedProduction: round(state.dayProducedKwh, 6),
    accumulatedConsumptionLastHour: round(state.dayKwh % 1, 6),
    accumulatedProductionLastHour: 0,
    accumulatedCost: round(state.dayCost, 6),
    accumulatedReward: null,
    currency: home.currency,
    minPower: state.minPower,
    averagePower: round(state.powerSum / state.samples, 1),
    maxPower: state.maxPower,
    powerProduction: 0,
    powerReactive: round(power * 0.1, 0),
    powerProductionReactive: 0,
    minPowerProduction: 0,
    maxPowerProduction: 0,
    powerFactor: 0.95,
    voltagePhase1: volts(0),
    voltagePhase2: volts(2),
    voltagePhase3: null,
    currentL1: amps(0.6),
    currentL2: amps(0.4),
    currentL3: null,
    signalStrength: -68,
  };
}

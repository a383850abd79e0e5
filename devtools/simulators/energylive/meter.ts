/**
 * The meter behind an energyLIVE interface (reference D2, D4; simulator spec E2): the device samples
 * every `sampleMs`, and its energy registers grow by the power drawn, a household load less solar.
 */

/**
 * - `normal`: the meter as described above.
 * - `empty`: `[]`, a device not yet paired or without data.
 * - `stale`: the device stopped reporting at `stoppedAt`; the same old values come back.
 * - `unknown-keys`: adds a tariff register, an ambiguous OBIS code and an unknown status key.
 * - `non-numeric`: some values are `null` or text, as guarded against by public clients.
 */
/**
 * `battery-volts`: `batteryVoltage` in V (3.2 in papers-mcce/energyops' mock "based on the API
 * documentation") instead of the mV the berwinter/ha-energylive integration reads (5540).
 */
export type Scenario = "normal" | "empty" | "stale" | "unknown-keys" | "non-numeric" | "battery-volts";

export interface DeviceOptions {
  type?: "interface" | "gateway";
  /** A constant household load in W instead of the daily profile (no solar), for exact checks. */
  fixedLoadW?: number;
  /** Peak solar production in W around noon (UTC); 0 = no export. */
  solarPeakW?: number;
  energyImportWh?: number;
  energyExportWh?: number;
  batteryMv?: number;
}

export interface MeterState {
  /** Sample time (epoch ms) the registers below belong to. */
  at: number;
  importWh: number;
  exportWh: number;
  reactiveImportVarh: number;
  reactiveExportVarh: number;
  messages: number;
}

export interface Device {
  uid: string;
  type: "interface" | "gateway";
  serial: string;
  options: Required<Omit<DeviceOptions, "fixedLoadW" | "type">> & { fixedLoadW?: number };
  scenario: Scenario;
  stoppedAt?: number;
  origin: MeterState;
  cursor: MeterState;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** The household load at `t` (W): a constant, or a daily profile with a short appliance cycle. */
export function loadW(d: Device, t: number): number {
  const { options } = d;
  if (options.fixedLoadW !== undefined) return options.fixedLoadW;
  const dayPhase = (2 * Math.PI * (t % DAY)) / DAY;
  const cycle = (2 * Math.PI * (t % (17 * 60_000))) / (17 * 60_000);
  return Math.round(450 - 250 * Math.cos(dayPhase) + 180 * Math.max(0, Math.sin(cycle)));
}

/** Solar production at `t` (W), zero at night (UTC 06–18 daylight). */
export function solarW(d: Device, t: number): number {
  const { options } = d;
  if (options.fixedLoadW !== undefined || options.solarPeakW <= 0) return 0;
  const hour = (t % DAY) / HOUR;
  return hour <= 6 || hour >= 18 ? 0 : Math.round(options.solarPeakW * Math.sin((Math.PI * (hour - 6)) / 12));
}

/** The registers at sample time `t`, integrating the power of every sample since the device was added. */
export function meterAt(
  device: Device,
  t: number,
  sampleMs: number,
): MeterState & { importW: number; exportW: number } {
  const at = sampleTime(t, sampleMs);
  if (at < device.origin.at) {
    // Before the device was added: run the meter backwards from its starting registers.
    const back = { ...device.origin };
    while (back.at > at) step(device, back, -1, sampleMs);
    return { ...back, ...powerAt(device, at) };
  }
  if (at < device.cursor.at) device.cursor = { ...device.origin };
  const c = device.cursor;
  while (c.at < at) step(device, c, 1, sampleMs);
  return { ...c, ...powerAt(device, at) };
}

/** Moves the registers one sample forward (+1) or back (−1) by the power drawn during that sample. */
function step(d: Device, state: MeterState, direction: 1 | -1, sampleMs: number): void {
  if (direction < 0) state.at -= sampleMs;
  const { importW, exportW } = powerAt(d, state.at);
  const hours = (direction * sampleMs) / HOUR;
  state.importWh += importW * hours;
  state.exportWh += exportW * hours;
  state.reactiveImportVarh += importW * 0.08 * hours;
  state.reactiveExportVarh += importW * 0.02 * hours;
  state.messages += direction;
  if (direction > 0) state.at += sampleMs;
}

function powerAt(d: Device, t: number): { importW: number; exportW: number } {
  const net = loadW(d, t) - solarW(d, t);
  return { importW: Math.max(0, net), exportW: Math.max(0, -net) };
}

export function sampleTime(t: number, sampleMs: number): number {
  return Math.floor(t / sampleMs) * sampleMs;
}

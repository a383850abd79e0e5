import { SimulatorServer, type SimRequest, type SimResponse } from "./server";

/**
 * A loopback energyLIVE backend (reference D2–D4, simulator spec E2): `X-API-KEY` on every route (403
 * otherwise), the device list, device details, measurement keys and the latest measurements of a meter
 * that advances with the simulator clock: the device samples every `sampleMs`, energy registers grow by
 * the power drawn, and each measurement carries its own timestamp a few seconds apart, as recorded.
 */

export const DEMO_API_KEY = "elv-demo-9Qm2Xr7LkP4sT8wZ3nB6yC1dVf";
export const DEMO_DEVICE_UID = "I-10082023-01658401";
export const DEMO_GATEWAY_UID = "G-01012024-00000001";

/** What the demo writes into the credentials of energylive-reader nodes. */
export const DEMO_CREDENTIALS = { apiKey: DEMO_API_KEY };

/**
 * - `normal`: the meter as described above.
 * - `empty`: `[]`, a device not yet paired or without data.
 * - `stale`: the device stopped reporting at `stoppedAt`; the same old values come back.
 * - `unknown-keys`: adds a tariff register, an ambiguous OBIS code and an unknown status key.
 * - `non-numeric`: some values are `null` or text, as guarded against by public clients.
 */
export type Scenario = "normal" | "empty" | "stale" | "unknown-keys" | "non-numeric";

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

interface MeterState {
  /** Sample time (epoch ms) the registers below belong to. */
  at: number;
  importWh: number;
  exportWh: number;
  reactiveImportVarh: number;
  reactiveExportVarh: number;
  messages: number;
}

interface Device {
  uid: string;
  type: "interface" | "gateway";
  serial: string;
  options: Required<Omit<DeviceOptions, "fixedLoadW" | "type">> & { fixedLoadW?: number };
  scenario: Scenario;
  stoppedAt?: number;
  origin: MeterState;
  cursor: MeterState;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Recording delays per key: the API's timestamps are when each value reached the database. */
const RECORD_DELAY_MS: Record<string, number> = {
  "0100010700": 0,
  "0100010800": 0,
  "0100020700": 1_000,
  "0100020800": 1_000,
  "0100030800": 2_000,
  "0100040800": 2_000,
  batteryVoltage: 3_000,
  messageCount: 3_000,
  loraRssi: 4_000,
  loraSnr: 4_000,
};

export class EnergyLiveSimulator extends SimulatorServer {
  readonly name = "energylive";
  protected override readonly basePath = "/api/v1";
  /** How often the interface sends a reading; the portal shows new values about every 20 s. */
  sampleMs = 20_000;
  private readonly keys = new Map<string, Set<string>>();
  private readonly devices = new Map<string, Device>();

  constructor() {
    super();
    this.route("GET", "/devices", (req) => this.authorized(req, (uids) => ({ status: 200, body: [...uids] })));
    this.route("GET", "/devices/:id", (req) =>
      this.withDevice(req, (d) => ({ status: 200, body: { type: d.type, serial: d.serial } })),
    );
    this.route("GET", "/devices/:id/measurements", (req) =>
      this.withDevice(req, (d) => ({ status: 200, body: this.keysOf(d) })),
    );
    this.route("GET", "/devices/:id/measurements/latest", (req) =>
      this.withDevice(req, (d) => ({ status: 200, body: this.latest(d) })),
    );
  }

  /** Lets `apiKey` read the given devices (added with `addDevice`). */
  addApiKey(apiKey: string, deviceUids: string[]): void {
    this.keys.set(apiKey, new Set(deviceUids));
  }

  addDevice(uid: string, options: DeviceOptions = {}): void {
    const type = options.type ?? (uid.startsWith("G-") ? "gateway" : "interface");
    const origin: MeterState = {
      at: this.sampleTime(this.clock.now()),
      importWh: options.energyImportWh ?? 13_899_364,
      exportWh: options.energyExportWh ?? 1,
      reactiveImportVarh: 271_578,
      reactiveExportVarh: 2_992_508,
      messages: 60_915,
    };
    this.devices.set(uid, {
      uid,
      type,
      serial: uid.split("-")[2] ?? uid,
      options: {
        solarPeakW: options.solarPeakW ?? 0,
        energyImportWh: origin.importWh,
        energyExportWh: origin.exportWh,
        batteryMv: options.batteryMv ?? 5_540,
        fixedLoadW: options.fixedLoadW,
      },
      scenario: "normal",
      origin,
      cursor: { ...origin },
    });
  }

  /** Switches a device's scenario; `stale` freezes its reports at the current simulator time. */
  setScenario(uid: string, scenario: Scenario): void {
    const device = this.device(uid);
    device.scenario = scenario;
    device.stoppedAt = scenario === "stale" ? this.clock.now() : undefined;
  }

  /** The household load at `t` (W): a constant, or a daily profile with a short appliance cycle. */
  loadW(uid: string, t: number): number {
    const { options } = this.device(uid);
    if (options.fixedLoadW !== undefined) return options.fixedLoadW;
    const dayPhase = (2 * Math.PI * (t % DAY)) / DAY;
    const cycle = (2 * Math.PI * (t % (17 * 60_000))) / (17 * 60_000);
    return Math.round(450 - 250 * Math.cos(dayPhase) + 180 * Math.max(0, Math.sin(cycle)));
  }

  /** Solar production at `t` (W), zero at night (UTC 06–18 daylight). */
  solarW(uid: string, t: number): number {
    const { options } = this.device(uid);
    if (options.fixedLoadW !== undefined || options.solarPeakW <= 0) return 0;
    const hour = (t % DAY) / HOUR;
    return hour <= 6 || hour >= 18 ? 0 : Math.round(options.solarPeakW * Math.sin((Math.PI * (hour - 6)) / 12));
  }

  /** The registers at sample time `t`, integrating the power of every sample since the device was added. */
  meterAt(uid: string, t: number): MeterState & { importW: number; exportW: number } {
    const device = this.device(uid);
    const at = this.sampleTime(t);
    if (at < device.origin.at) {
      // Before the device was added: run the meter backwards from its starting registers.
      const back = { ...device.origin };
      while (back.at > at) this.step(uid, back, -1);
      return { ...back, ...this.powerAt(uid, at) };
    }
    if (at < device.cursor.at) device.cursor = { ...device.origin };
    const c = device.cursor;
    while (c.at < at) this.step(uid, c, 1);
    return { ...c, ...this.powerAt(uid, at) };
  }

  /** Moves the registers one sample forward (+1) or back (−1) by the power drawn during that sample. */
  private step(uid: string, state: MeterState, direction: 1 | -1): void {
    if (direction < 0) state.at -= this.sampleMs;
    const { importW, exportW } = this.powerAt(uid, state.at);
    const hours = (direction * this.sampleMs) / HOUR;
    state.importWh += importW * hours;
    state.exportWh += exportW * hours;
    state.reactiveImportVarh += importW * 0.08 * hours;
    state.reactiveExportVarh += importW * 0.02 * hours;
    state.messages += direction;
    if (direction > 0) state.at += this.sampleMs;
  }

  private powerAt(uid: string, t: number): { importW: number; exportW: number } {
    const net = this.loadW(uid, t) - this.solarW(uid, t);
    return { importW: Math.max(0, net), exportW: Math.max(0, -net) };
  }

  private sampleTime(t: number): number {
    return Math.floor(t / this.sampleMs) * this.sampleMs;
  }

  private device(uid: string): Device {
    const device = this.devices.get(uid);
    if (!device) throw new Error(`no simulated energyLIVE device ${uid}`);
    return device;
  }

  private keysOf(d: Device): string[] {
    if (d.type === "gateway") return ["roomTemperature", "roomHumidity", "errorCode", "freeHeap8Bit"];
    return Object.keys(RECORD_DELAY_MS);
  }

  private latest(d: Device): unknown[] {
    if (d.scenario === "empty") return [];
    const now = this.clock.now();
    // The newest sample whose values have all been recorded by now.
    const reportedUpTo = d.stoppedAt !== undefined ? Math.min(now, d.stoppedAt) : now;
    const at = this.sampleTime(reportedUpTo - 4_000);
    if (d.type === "gateway") {
      const hour = (at % DAY) / HOUR;
      return [
        {
          measurement: "roomTemperature",
          timestamp: at,
          value: round(21.5 + 1.5 * Math.sin((Math.PI * hour) / 12), 2),
        },
        { measurement: "roomHumidity", timestamp: at + 500, value: 60.96 },
      ];
    }
    const m = this.meterAt(d.uid, at);
    const daysRunning = (at - d.origin.at) / DAY;
    const values: Record<string, number> = {
      "0100010700": m.importW,
      "0100010800": round(m.importWh, 0),
      "0100020700": m.exportW,
      "0100020800": round(m.exportWh, 0),
      "0100030800": round(m.reactiveImportVarh, 0),
      "0100040800": round(m.reactiveExportVarh, 0),
      batteryVoltage: Math.round(d.options.batteryMv - 2 * daysRunning),
      messageCount: m.messages,
      loraRssi: -103,
      loraSnr: 3.0,
    };
    const out: Array<{ measurement: string; timestamp: number; value: unknown }> = Object.entries(values).map(
      ([measurement, value]) => ({ measurement, timestamp: at + RECORD_DELAY_MS[measurement], value }),
    );
    if (d.scenario === "unknown-keys") {
      out.push(
        { measurement: "0100010801", timestamp: at, value: round(m.importWh * 0.6, 0) },
        { measurement: "0100200700", timestamp: at, value: 231.4 },
        { measurement: "fancyNewKey", timestamp: at, value: 7 },
      );
    }
    if (d.scenario === "non-numeric") {
      out.find((e) => e.measurement === "batteryVoltage")!.value = null;
      out.find((e) => e.measurement === "0100030800")!.value = "n/a";
    }
    return out;
  }

  private authorized(req: SimRequest, handle: (uids: Set<string>) => SimResponse): SimResponse {
    const key = req.headers["x-api-key"];
    const uids = typeof key === "string" ? this.keys.get(key) : undefined;
    if (!uids || this.revoked) return springError(403, "Forbidden", req.path, this.clock.now());
    return handle(uids);
  }

  /** A device the key does not own is answered like an unknown one (reference D3: 404 assumed). */
  private withDevice(req: SimRequest, handle: (d: Device) => SimResponse): SimResponse {
    return this.authorized(req, (uids) => {
      const device = this.devices.get(req.params.id);
      if (!device || !uids.has(device.uid)) return springError(404, "Not Found", req.path, this.clock.now());
      return handle(device);
    });
  }

  /** The backend is a Spring service behind a proxy: JSON errors from the app, HTML pages from the proxy. */
  protected override faultStatusResponse(status: number): SimResponse {
    if (status === 502 || status === 503 || status === 504) {
      return {
        status,
        headers: { "Content-Type": "text/html" },
        body: `<html>\r\n<head><title>${status} Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>${status} Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
      };
    }
    const reason = status === 403 ? "Forbidden" : status === 404 ? "Not Found" : "Internal Server Error";
    return springError(status, reason, "", this.clock.now());
  }
}

function springError(status: number, error: string, path: string, now: number): SimResponse {
  return { status, body: { timestamp: new Date(now).toISOString(), status, error, path } };
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** A simulator with the demo key, an interface with solar export and a gateway; it runs in real time. */
export function demoSimulator(): EnergyLiveSimulator {
  const sim = new EnergyLiveSimulator();
  sim.sampleMs = 10_000;
  sim.addDevice(DEMO_DEVICE_UID, { solarPeakW: 1_800 });
  sim.addDevice(DEMO_GATEWAY_UID);
  sim.addApiKey(DEMO_API_KEY, [DEMO_DEVICE_UID, DEMO_GATEWAY_UID]);
  return sim;
}

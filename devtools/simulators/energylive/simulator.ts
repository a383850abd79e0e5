import { SimulatorServer, type SimRequest, type SimResponse } from "../server";
import { EnergyLiveStreams } from "./live-stream";
import { keysOf, latest } from "./measurements";
import {
  type Device,
  type DeviceOptions,
  loadW,
  meterAt,
  type MeterState,
  sampleTime,
  type Scenario,
  solarW,
} from "./meter";

/**
 * A loopback energyLIVE backend (reference D2–D4, simulator spec E2): `X-API-KEY` on every route (403
 * otherwise), the device list, device details, measurement keys and the latest measurements of a meter
 * that advances with the simulator clock: the device samples every `sampleMs`, energy registers grow by
 * the power drawn, and each measurement carries its own timestamp a few seconds apart, as recorded.
 */

export class EnergyLiveSimulator extends SimulatorServer {
  readonly name = "energylive";
  protected override readonly basePath = "/api/v1";
  /** How often the interface sends a reading; the portal shows new values about every 20 s. */
  sampleMs = 20_000;
  private readonly keys = new Map<string, Set<string>>();
  private readonly devices = new Map<string, Device>();
  /** The SSE live stream of each device (`measurements/live`). */
  readonly streams = new EnergyLiveStreams(this);

  constructor() {
    super();
    this.route("GET", "/devices", (req) => this.authorized(req, (uids) => ({ status: 200, body: [...uids] })));
    this.route("GET", "/devices/:id", (req) =>
      this.withDevice(req, (d) => ({ status: 200, body: { type: d.type, serial: d.serial } })),
    );
    this.route("GET", "/devices/:id/measurements", (req) =>
      this.withDevice(req, (d) => ({ status: 200, body: keysOf(d) })),
    );
    this.route("GET", "/devices/:id/measurements/latest", (req) =>
      this.withDevice(req, (d) => ({ status: 200, body: latest(d, this.clock.now(), this.sampleMs) })),
    );
    this.route("GET", "/devices/:id/measurements/live", (req) =>
      this.withDevice(req, (d) => this.streams.respond(req, d)),
    );
  }

  /** Lets `apiKey` read the given devices (added with `addDevice`). */
  addApiKey(apiKey: string, deviceUids: string[]): void {
    this.keys.set(apiKey, new Set(deviceUids));
  }

  addDevice(uid: string, options: DeviceOptions = {}): void {
    const type = options.type ?? (uid.startsWith("G-") ? "gateway" : "interface");
    const origin: MeterState = {
      at: sampleTime(this.clock.now(), this.sampleMs),
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
    return loadW(this.device(uid), t);
  }

  /** Solar production at `t` (W), zero at night (UTC 06–18 daylight). */
  solarW(uid: string, t: number): number {
    return solarW(this.device(uid), t);
  }

  /** The registers at sample time `t`, integrating the power of every sample since the device was added. */
  meterAt(uid: string, t: number): MeterState & { importW: number; exportW: number } {
    return meterAt(this.device(uid), t, this.sampleMs);
  }

  private device(uid: string): Device {
    const device = this.devices.get(uid);
    if (!device) throw new Error(`no simulated energyLIVE device ${uid}`);
    return device;
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

"use strict";
const {
  EnergyLiveSimulator,
  demoSimulator,
  DEMO_API_KEY,
  DEMO_DEVICE_UID,
  DEMO_GATEWAY_UID,
} = require("../../build/devtools/simulators/energylive");
const { EnergyLiveClient, ENERGYLIVE_BASE_URL } = require("../../dist/features/energylive/client");
const { AuthError, ApiError, TimeoutError, ValidationError, RateLimitError } = require("../../dist/shared/errors");

const KEY = "test-key-5wJ9pQ2vX8rT1yL6";
const UID = "I-10082023-01658401";
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const FAST_RETRY = { retries: 2, baseMs: 5, maxMs: 20, maxRetryAfterMs: 1000 };

async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

function byName(readings) {
  return Object.fromEntries(readings.measurements.map((m) => [m.name, m]));
}

describe("energyLIVE client against the simulator", function () {
  let sim;
  let client;
  beforeEach(async function () {
    sim = new EnergyLiveSimulator();
    sim.clock.freeze(T0);
    sim.addDevice(UID, { fixedLoadW: 1380 });
    sim.addDevice("I-01022024-00000002");
    sim.addApiKey(KEY, [UID]);
    await sim.start();
    client = new EnergyLiveClient({ apiKey: KEY, baseUrl: sim.url, timeoutMs: 300, retry: FAST_RETRY });
  });
  afterEach(async function () {
    await sim.stop();
  });

  it("lists the devices of the key and sends the key in X-API-KEY", async function () {
    (await client.listDevices()).should.eql([UID]);
    const other = new EnergyLiveClient({ apiKey: "wrong", baseUrl: sim.url, retry: FAST_RETRY });
    (await rejection(other.listDevices())).should.be.instanceOf(AuthError);
  });

  it("reads the battery in V whether the device sends mV (5540) or V (3.2 in a mock from the docs)", async function () {
    // The API doc names no unit for batteryVoltage; berwinter/ha-energylive reads mV (5540 → 77 %),
    // papers-mcce/energyops' mock "based on the API documentation" sends 3.2. A value above 100 is mV.
    sim.setScenario(UID, "battery-volts");
    const volts = byName(await client.latest(UID));
    volts.battery_voltage_v.value.should.equal(5.54);
    volts.battery_voltage_v.unit.should.equal("V");
    sim.setScenario(UID, "normal");
    byName(await client.latest(UID)).battery_voltage_v.value.should.equal(5.54);
  });

  it("reads the latest measurements with OBIS names, units, battery in V and per-measurement timestamps", async function () {
    const latest = await client.latest(UID);
    latest.deviceUid.should.equal(UID);
    latest.skipped.should.eql([]);
    const m = byName(latest);
    Object.keys(m).should.eql([
      "power_import_w",
      "energy_import_wh",
      "power_export_w",
      "energy_export_wh",
      "reactive_energy_import_varh",
      "reactive_energy_export_varh",
      "battery_voltage_v",
      "messageCount",
      "loraRssi",
      "loraSnr",
    ]);
    m.power_import_w.value.should.equal(1380);
    m.power_import_w.obis.should.equal("1-0:1.7.0");
    m.battery_voltage_v.value.should.equal(5.54);
    m.battery_voltage_v.unit.should.equal("V");
    const stamps = new Set(latest.measurements.map((x) => x.timestamp));
    stamps.size.should.be.above(1);
    Math.max(...stamps).should.be.belowOrEqual(T0);
    (Math.max(...stamps) - Math.min(...stamps)).should.be.within(1000, 10_000);
  });

  it("sees energy import grow by the power drawn as the simulator clock advances", async function () {
    const before = byName(await client.latest(UID));
    sim.clock.advance(3_600_000);
    const after = byName(await client.latest(UID));
    (after.energy_import_wh.value - before.energy_import_wh.value).should.equal(1380);
    (after.energy_import_wh.timestamp - before.energy_import_wh.timestamp).should.equal(3_600_000);
    after.energy_export_wh.value.should.equal(before.energy_export_wh.value);
  });

  it("maps 401 and 403 to 'rejected the API key' without retrying", async function () {
    for (const status of [401, 403]) {
      sim.clearLog();
      sim.inject({ kind: "status", status, times: 1 });
      const err = await rejection(client.latest(UID));
      err.should.be.instanceOf(AuthError);
      err.message.should.match(/^energyLIVE rejected the API key/);
      sim.count(/latest$/).should.equal(1);
    }
    sim.revoked = true;
    (await rejection(client.latest(UID))).should.be.instanceOf(AuthError);
  });

  it("maps 404 to 'device UID not found', also for a device of another key", async function () {
    const unknown = await rejection(client.latest("I-01012020-99999999"));
    unknown.should.be.instanceOf(ApiError);
    unknown.status.should.equal(404);
    unknown.message.should.match(/device UID not found: I-01012020-99999999/);
    (await rejection(client.latest("I-01022024-00000002"))).message.should.match(/device UID not found/);
  });

  it("retries 5xx and HTML error pages, then reports them", async function () {
    sim.inject({ kind: "status", status: 503, times: 2 });
    const retries = [];
    const latest = await client.latest(UID, { onRetry: (err, _ms, attempt) => retries.push([err.status, attempt]) });
    latest.measurements.length.should.equal(10);
    retries.should.eql([
      [503, 1],
      [503, 2],
    ]);
    sim.clearLog();
    sim.inject({ kind: "status", status: 500 });
    const err = await rejection(client.latest(UID));
    err.should.be.instanceOf(ApiError);
    err.status.should.equal(500);
    err.message.should.match(/energyLIVE is having trouble \(HTTP 500\)/);
    sim.count(/latest$/).should.equal(3);
  });

  it("reports a malformed body and a timeout as such", async function () {
    sim.inject({ kind: "malformed" });
    (await rejection(client.latest(UID))).message.should.match(/not valid JSON/);
    sim.clearFaults();
    sim.inject({ kind: "hang" });
    const err = await rejection(client.latest(UID));
    err.should.be.instanceOf(TimeoutError);
    err.message.should.match(/energyLIVE did not answer within/);
    sim.count(/latest$/).should.equal(3 + 3);
  });

  it("gives up on a 429 that asks for a longer wait than a call may take, and says how long", async function () {
    sim.inject({ kind: "rate-limit", retryAfterSeconds: 3600 });
    const err = await rejection(client.latest(UID));
    err.should.be.instanceOf(RateLimitError);
    err.retryAfterMs.should.equal(3_600_000);
  });

  it("checks the UID before any request", async function () {
    (await rejection(client.latest("I-123"))).should.be.instanceOf(ValidationError);
    sim.count().should.equal(0);
  });

  it("returns [] as no measurements, stale values unchanged, and keeps unknown keys", async function () {
    sim.setScenario(UID, "empty");
    (await client.latest(UID)).measurements.should.eql([]);
    sim.setScenario(UID, "stale");
    const first = await client.latest(UID);
    sim.clock.advance(3 * 3_600_000);
    const later = await client.latest(UID);
    later.measurements.should.eql(first.measurements);
    sim.setScenario(UID, "unknown-keys");
    const m = byName(await client.latest(UID));
    m["1-0:1.8.1"].unit.should.equal("Wh");
    m["0100200700"].value.should.equal(231.4);
    m.fancyNewKey.value.should.equal(7);
  });

  it("skips non-numeric values and says which", async function () {
    sim.setScenario(UID, "non-numeric");
    const latest = await client.latest(UID);
    latest.skipped.map((s) => s.key).should.eql(["0100030800", "batteryVoltage"]);
    latest.measurements.length.should.equal(8);
  });

  it("refuses a blank key and defaults to the real service", function () {
    (() => new EnergyLiveClient({ apiKey: " " })).should.throw(AuthError);
    const saved = process.env.ENERGYLIVE_BASE_URL;
    delete process.env.ENERGYLIVE_BASE_URL;
    try {
      new EnergyLiveClient({ apiKey: "k" }).baseUrl.should.equal(ENERGYLIVE_BASE_URL);
      process.env.ENERGYLIVE_BASE_URL = "http://127.0.0.1:9/api/v1/";
      new EnergyLiveClient({ apiKey: "k" }).baseUrl.should.equal("http://127.0.0.1:9/api/v1");
    } finally {
      if (saved === undefined) delete process.env.ENERGYLIVE_BASE_URL;
      else process.env.ENERGYLIVE_BASE_URL = saved;
    }
  });
});

describe("energyLIVE demo simulator", function () {
  it("serves the demo key's interface and gateway in real time", async function () {
    const sim = demoSimulator();
    await sim.start();
    try {
      const client = new EnergyLiveClient({ apiKey: DEMO_API_KEY, baseUrl: sim.url });
      (await client.listDevices()).should.eql([DEMO_DEVICE_UID, DEMO_GATEWAY_UID]);
      const names = (await client.latest(DEMO_DEVICE_UID)).measurements.map((m) => m.name);
      names.should.containDeep(["power_import_w", "energy_import_wh", "battery_voltage_v"]);
      const room = (await client.latest(DEMO_GATEWAY_UID)).measurements.map((m) => m.name);
      room.should.eql(["roomTemperature", "roomHumidity"]);
    } finally {
      await sim.stop();
    }
  });
});

"use strict";
// The reading contract (DESIGN.md): every reader's real output, from nodes running against the simulators,
// goes through meter-influxdb-write's line builder. A reading is one line, a batch one line per point;
// identity and the time are tags and the timestamp, never fields.
const { helper, nodeModules, collect, waitFor } = require("../helpers/node-red");
const { linesFromMessage } = require("../../dist/features/influxdb/domain/points");
const { FlumeSimulator } = require("../../build/devtools/simulators/flume");
const { EnergyLiveSimulator } = require("../../build/devtools/simulators/energylive");
const { DEMO_TOKEN } = require("../../build/devtools/simulators/tibber");
const { useTibberSimulator } = require("../tibber/sim-clock");

const MIN = 60_000;
/** Field names that say who or when, in any spelling: they belong in tags or the timestamp. */
const IDENTITY =
  /^(device|deviceid|deviceuid|home|homeid|meter|meterid|location|unit|units|currency|timestamp|time|date)$/;

/** One line of line protocol → its parts (enough for our own lines: no escaped commas or spaces). */
function parseLine(line) {
  const m = /^(\S+) (\S+) (-?\d+)$/.exec(line);
  if (!m) throw new Error(`not a line of line protocol: ${line}`);
  const [measurement, ...tagPairs] = m[1].split(",");
  const tags = Object.fromEntries(tagPairs.map((p) => p.split("=")));
  const fields = {};
  for (const pair of m[2].match(/[^,=]+=("([^"\\]|\\.)*"|[^,]*)/g)) {
    const at = pair.indexOf("=");
    fields[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { measurement, tags, fields, timestamp: Number(m[3]) };
}

/** What the message claims to hold: one reading, or one per element of a batch. */
function readingsIn(msg) {
  return Array.isArray(msg.payload) ? msg.payload.length : 1;
}

/** Checks one reader message against the contract; returns its parsed lines. */
function checkContract(msg, what) {
  const built = linesFromMessage(msg, { now: 1 });
  built.rejected.should.eql([], `${what}: rejected points`);
  built.lines.length.should.equal(readingsIn(msg), `${what}: ${readingsIn(msg)} readings in, lines out`);
  const lines = built.lines.map(parseLine);
  for (const line of lines) {
    line.timestamp.should.not.equal(1, `${what}: a line without its own time`);
    const tagValues = new Set(Object.values(line.tags));
    const times = [String(line.timestamp), new Date(line.timestamp).toISOString()];
    for (const [key, raw] of Object.entries(line.fields)) {
      IDENTITY.test(key.toLowerCase().replace(/_/g, "")).should.be.false(`${what}: field "${key}" holds identity`);
      if (!raw.startsWith('"')) continue;
      const text = JSON.parse(raw);
      tagValues.has(text).should.be.false(`${what}: string field "${key}" repeats a tag (${text})`);
      times.includes(text).should.be.false(`${what}: string field "${key}" repeats the time`);
    }
  }
  if (!Array.isArray(msg.payload)) {
    for (const [k, v] of Object.entries(msg.payload))
      ["number", "boolean"].includes(typeof v).should.be.true(`${what}: payload.${k} is ${typeof v}, not measured`);
    (typeof msg.measurement).should.equal("string", `${what}: msg.measurement`);
    Number.isFinite(msg.timestamp).should.be.true(`${what}: msg.timestamp is epoch ms`);
    for (const [k, v] of Object.entries(msg.tags)) (typeof v).should.equal("string", `${what}: tag ${k} is a text`);
  } else {
    for (const [i, p] of msg.payload.entries())
      for (const [k, v] of Object.entries(p.fields))
        ["number", "boolean"].includes(typeof v).should.be.true(`${what}: point ${i + 1} field ${k} is ${typeof v}`);
  }
  (typeof msg.topic === "string" && msg.topic !== "").should.be.true(`${what}: msg.topic names the series`);
  return lines;
}

describe("reading contract: every reader's output through meter-influxdb-write's line builder", function () {
  before(function (done) {
    helper.startServer(done);
  });
  after(function (done) {
    helper.stopServer(done);
  });

  describe("flume-flow", function () {
    const CREDS = { clientId: "cid-c", clientSecret: "cs-c", username: "c@example.com", password: "pw-c" };
    let sim;
    beforeEach(async function () {
      sim = new FlumeSimulator({ account: CREDS });
      await sim.start();
    });
    afterEach(async function () {
      await helper.unload();
      await sim.stop();
    });

    async function load() {
      await helper.load(
        nodeModules("flume-config", "flume-flow"),
        [
          { id: "acct", type: "flume-config", name: "home", baseUrl: sim.url, budget: 100 },
          {
            id: "ff",
            type: "flume-flow",
            flume: "acct",
            interval: 0,
            unit: "gal",
            leakThreshold: 0.5,
            leakMinutes: 30,
            useFlumeAlerts: false,
            wires: [["out1"], ["out2"]],
          },
          { id: "out1", type: "helper" },
          { id: "out2", type: "helper" },
        ],
        { acct: CREDS },
      );
      return { out1: collect(helper.getNode("out1")), out2: collect(helper.getNode("out2")) };
    }

    it("the flow output is one reading: one line, identity and unit in tags", async function () {
      sim.scriptFlow(1.25);
      const { out1 } = await load();
      helper.getNode("ff").receive({ payload: "go" });
      await waitFor(() => out1.length === 1, 5000, "the flow");
      const [line] = checkContract(out1[0], "flume_flow");
      line.measurement.should.equal("flume_flow");
      line.tags.should.containEql({ device_id: sim.sensorId, unit: "gal/min" });
      Object.keys(line.fields).sort().should.eql(["active", "flowRate"]);
    });

    it("the usage output is a batch: N usage values, N lines", async function () {
      const start = Date.UTC(2026, 5, 1, 19, 0);
      sim.clock.freeze(start + 4 * 3600_000);
      sim.scriptFlow(2, { fromMs: start, minutes: 150 });
      const { out1 } = await load();
      helper.getNode("ff").receive({ payload: { usage: { bucket: "HR", since: new Date(start).toISOString() } } });
      await waitFor(() => out1.length === 1, 5000, "the usage");
      out1[0].payload.length.should.be.above(2);
      const lines = checkContract(out1[0], "flume_usage");
      lines.map((l) => l.timestamp).should.eql(out1[0].payload.map((p) => p.timestamp));
      lines[0].tags.should.containEql({ device_id: sim.sensorId, unit: "gal", bucket: "HR" });
      lines[0].fields.should.eql({ value: "120" });
    });
  });

  describe("energylive-reader", function () {
    const KEY = "contract-key-3kd9";
    const UID = "I-10082023-01658401";
    let sim;
    beforeEach(async function () {
      sim = new EnergyLiveSimulator();
      sim.clock.freeze(Math.floor(Date.now() / MIN) * MIN);
      sim.addDevice(UID, { fixedLoadW: 1380 });
      sim.addApiKey(KEY, [UID]);
      await sim.start();
    });
    afterEach(async function () {
      await helper.unload();
      await sim.stop();
    });

    it("one answer is one reading: one line, the device in a tag, no string fields", async function () {
      await helper.load(
        nodeModules("energylive-reader"),
        [
          { id: "r1", type: "energylive-reader", deviceUid: UID, baseUrl: sim.url, interval: 0, wires: [["out"]] },
          { id: "out", type: "helper" },
        ],
        { r1: { apiKey: KEY } },
      );
      const out = collect(helper.getNode("out"));
      helper.getNode("r1").receive({});
      await waitFor(() => out.length === 1, 5000, "a reading");
      const [line] = checkContract(out[0], "energylive");
      line.tags.should.eql({ device_uid: UID });
      line.fields.power_import_w.should.equal("1380");
      Object.values(line.fields)
        .every((v) => !v.startsWith('"'))
        .should.be.true();
    });
  });

  describe("tibber-prices", function () {
    const tibber = useTibberSimulator({ beforeStop: () => helper.unload() });

    async function load() {
      await helper.load(
        nodeModules("tibber-prices"),
        [
          {
            id: "t",
            type: "tibber-prices",
            baseUrl: tibber.sim.url,
            home: "",
            resolution: "HOURLY",
            emit: "input",
            cheapestMinutes: 0,
            consumptionHours: 24,
            wires: [["out1"], ["out2"]],
          },
          { id: "out1", type: "helper" },
          { id: "out2", type: "helper" },
        ],
        { t: { token: DEMO_TOKEN } },
      );
      return collect(helper.getNode("out2"));
    }

    it("each price slot is one reading: currency and level in tags", async function () {
      tibber.sim.clock.freeze(Date.parse("2025-06-10T14:20:00+02:00"));
      const out2 = await load();
      helper.getNode("t").receive({ payload: "go" });
      await waitFor(() => out2.length === 48, 5000, "48 slots");
      for (const msg of out2) checkContract(msg, "tibber_price");
      const [line] = linesFromMessage(out2[0]).lines.map(parseLine);
      line.tags.should.containEql({ resolution: "HOURLY", currency: "NOK" });
      Object.keys(line.fields).sort().should.eql(["energy", "tax", "total"]);
    });

    it("each consumption hour is one reading", async function () {
      tibber.sim.clock.freeze(Date.parse("2025-06-10T14:20:00+02:00"));
      const out2 = await load();
      helper.getNode("t").receive({ payload: "consumption" });
      await waitFor(() => out2.length > 0, 5000, "consumption");
      for (const msg of out2) checkContract(msg, "tibber_consumption");
    });
  });

  describe("meter-interpolate", function () {
    afterEach(() => helper.unload());

    it("the points output is a batch: every point one line, the meter and its unit in tags", async function () {
      await helper.load(nodeModules("meter-interpolate"), [
        {
          id: "n1",
          type: "meter-interpolate",
          intervals: ["day"],
          timezone: "UTC",
          output: "points",
          meters: JSON.stringify([{ id: "water", unit: "m³" }]),
          wires: [[], ["out2"]],
        },
        { id: "out2", type: "helper" },
      ]);
      const out2 = collect(helper.getNode("out2"));
      const start = Date.parse("2024-01-01T00:00:00Z");
      const c = Array.from({ length: 70 }, (_, i) => 10 + (i % 7) * 0.5);
      c[40] = 40; // an anomaly, so meter_anomaly points are checked too
      let total = 0;
      const readings = [[start, 0], ...c.map((x, i) => [start + (i + 1) * 86400e3, (total += x)])];
      helper.getNode("n1").receive({ topic: "water", payload: readings });
      await waitFor(() => out2.length > 0, 5000, "points");
      const lines = out2.flatMap((m) => checkContract(m, "meter points"));
      lines.some((l) => l.measurement === "meter_anomaly").should.be.true("an anomaly point");
      for (const l of lines) l.tags.should.containEql({ meter_id: "water", unit: "m³" });
    });
  });
});

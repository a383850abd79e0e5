// Every node with an input, in a flow against the simulators (InfluxDB: a loopback stub that accepts
// writes), with message templates close to what each node expects so fuzzing reaches past the first check.
"use strict";
const http = require("node:http");
const { nodeModules } = require("../helpers/node-red");
const { FlumeSimulator } = require("../../build/devtools/simulators/flume");
const { VoiceMonkeySimulator } = require("../../build/devtools/simulators/voicemonkey");
const { EnergyLiveSimulator } = require("../../build/devtools/simulators/energylive");
const { TibberSimulator, DEMO_TOKEN } = require("../../build/devtools/simulators/tibber");

const FLUME = { clientId: "fz-cid", clientSecret: "fz-csecret", username: "fz@example.com", password: "fz-pw" };
const VM_TOKEN = "fz-vm3-token-5c2e";
const EL_KEY = "fz-el-key-77aa";
const EL_UID = "fz-device-1";
const INFLUX_TOKEN = "fz-influx-token";

/** An InfluxDB stand-in on 127.0.0.1: 204 for every write, as /api/v2/write answers a stored batch. */
async function influxStub() {
  let writes = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url.startsWith("/query")) {
        // an InfluxQL answer with no series, as influxd gives for an empty range
        res.writeHead(200, { "Content-Type": "application/json" });
        return res.end('{"results":[{"statement_id":0}]}\n');
      }
      writes++;
      res.writeHead(req.url.startsWith("/ping") || req.url.startsWith("/health") ? 200 : 204);
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    writes: () => writes,
    stop: () => new Promise((r) => server.close(() => r())),
  };
}

const now = () => Date.now();
const SETUPS = {
  "meter-interpolate": {
    modules: () => nodeModules("meter-interpolate"),
    // Its RSS once grew 55–64 MB over 2,000 messages while its heap grew ~4 MB: Node-RED's copy, for the
    // Catch node, of the 10,000-deep messages it refuses (~88 % of fuzzed messages are refused). The funnel
    // now hands such a message on as a flat copy, and a 4 MB msg.topic is refused before it becomes a key.
    rssCeilingMb: 20,
    flow: () => [{ id: "n", type: "meter-interpolate", name: "fz", z: "fuzz-tab", wires: [["o1"], ["o2"]] }],
    extra: [
      { id: "o1", type: "helper", z: "fuzz-tab" },
      { id: "o2", type: "helper", z: "fuzz-tab" },
    ],
    templates: [
      (rnd) => ({ topic: "gas", payload: 1000 + rnd() * 10, timestamp: now() }),
      (rnd) => ({
        payload: [
          [now() - 7200e3, 1],
          [now(), 1 + rnd()],
        ],
      }),
      () => ({
        payload: {
          readings: [
            [0, 1],
            [253402300799000, 2],
          ],
        },
      }),
    ],
  },
  "meter-influxdb-write": {
    // Fuzzed messages carry strings of up to 4 MB that pass through Buffers to the spool on disk; the
    // allocator keeps those pages, so RSS grows 11–24 MB while the heap grows under 1 MB. The heap bound
    // (20 MB) is what catches a leak here.
    rssCeilingMb: 48,
    async services() {
      return { influx: await influxStub() };
    },
    modules: () => nodeModules("meter-influxdb", "meter-influxdb-write"),
    flow: ({ influx }) => [
      { id: "cfg", type: "meter-influxdb", name: "fz", url: influx.url, org: "home", bucket: "fz" },
      {
        id: "n",
        z: "fuzz-tab",
        type: "meter-influxdb-write",
        server: "cfg",
        bucket: "",
        measurement: "",
        integerFields: "",
        batchSize: 100,
        flushInterval: 50,
        spoolLimit: 5,
        retryMax: 0.05,
        wires: [["o1"]],
      },
    ],
    extra: [{ id: "o1", type: "helper", z: "fuzz-tab" }],
    credentials: () => ({ cfg: { token: INFLUX_TOKEN } }),
    templates: [
      (rnd) => ({ measurement: "power", payload: { w: rnd() * 1000 }, tags: { room: "k" }, timestamp: now() }),
      (rnd) => ({ payload: [{ measurement: "m", fields: { v: rnd() }, tags: {}, timestamp: now() }] }),
      (rnd) => ({ payload: rnd() * 10 }),
    ],
  },
  "voicemonkey-announce": {
    async services() {
      const sim = new VoiceMonkeySimulator({ v3Tokens: [VM_TOKEN], retryAfterHeader: false });
      await sim.start();
      return { sim };
    },
    settings: { voicemonkeyAnnounce: { maxThrottleWaitMs: 50, retryDelayMs: 5, timeoutMs: 1000 } },
    modules: () => nodeModules("voicemonkey-announce"),
    flow: ({ sim }) => [
      {
        id: "n",
        z: "fuzz-tab",
        type: "voicemonkey-announce",
        name: "",
        apiVersion: "v3",
        baseUrl: sim.url,
        device: "echo-kitchen",
        voice: "",
        language: "",
        chime: "",
        cooldown: 1,
        quietStart: "",
        quietEnd: "",
        holdQuiet: false,
        maxPerDay: 1000000,
        wires: [["o1"]],
      },
    ],
    extra: [{ id: "o1", type: "helper", z: "fuzz-tab" }],
    credentials: () => ({ n: { token: VM_TOKEN } }),
    templates: [
      (rnd) => ({ payload: `leak ${Math.floor(rnd() * 1e6)}` }),
      (rnd) => ({ payload: { text: `gas ${rnd()}`, device: "echo-kitchen", voice: "Brian" } }),
    ],
  },
  "flume-flow": {
    async services() {
      const sim = new FlumeSimulator({ account: FLUME });
      await sim.start();
      return { sim };
    },
    modules: () => nodeModules("flume-config", "flume-flow"),
    flow: ({ sim }) => [
      { id: "acct", type: "flume-config", name: "home", baseUrl: sim.url, budget: 100000 },
      {
        id: "n",
        z: "fuzz-tab",
        type: "flume-flow",
        flume: "acct",
        device: "",
        interval: 0,
        unit: "gal",
        leakThreshold: 0.5,
        leakMinutes: 30,
        useFlumeAlerts: true,
        wires: [["o1"], ["o2"]],
      },
    ],
    extra: [
      { id: "o1", type: "helper", z: "fuzz-tab" },
      { id: "o2", type: "helper", z: "fuzz-tab" },
    ],
    credentials: () => ({ acct: FLUME }),
    templates: [
      () => ({ payload: { usage: { since: "2026-01-01 00:00:00", until: "2026-01-02 00:00:00", bucket: "HR" } } }),
      (rnd) => ({ payload: { usage: { since: rnd() * 1e17, until: -1, bucket: "MIN" } } }),
      () => ({ payload: { usage: { since: "0001-01-01T00:00:00Z", until: "9999-12-31T00:00:00Z" } } }),
      () => ({ payload: "poll" }),
    ],
  },
  "energylive-reader": {
    async services() {
      const sim = new EnergyLiveSimulator();
      sim.addDevice(EL_UID, { fixedLoadW: 1380 });
      sim.addApiKey(EL_KEY, [EL_UID]);
      await sim.start();
      return { sim };
    },
    modules: () => nodeModules("energylive-reader"),
    flow: ({ sim }) => [
      {
        id: "n",
        z: "fuzz-tab",
        type: "energylive-reader",
        name: "",
        deviceUid: EL_UID,
        baseUrl: sim.url,
        interval: 0,
        onlyNew: false,
        timeout: 1,
        wires: [["o1"]],
      },
    ],
    extra: [{ id: "o1", type: "helper", z: "fuzz-tab" }],
    credentials: () => ({ n: { apiKey: EL_KEY } }),
    templates: [() => ({ payload: "read" }), (rnd) => ({ device: rnd() < 0.5 ? EL_UID : "other" })],
  },
  "tibber-prices": {
    // On Node 22 its RSS grows 9–25 MB over 2,000 messages (three runs) while its heap grows 0.2 MB: the
    // allocator keeps the pages of 2,000 HTTP answers. The heap bound (20 MB) is what catches a leak here.
    rssCeilingMb: 40,
    async services() {
      const sim = new TibberSimulator();
      await sim.start();
      return { sim };
    },
    modules: () => nodeModules("tibber-prices"),
    flow: ({ sim }) => [
      {
        id: "n",
        z: "fuzz-tab",
        type: "tibber-prices",
        baseUrl: sim.url,
        home: "",
        resolution: "HOURLY",
        emit: "input",
        cheapestMinutes: 60,
        cheapestContiguous: true,
        consumptionHours: 48,
        wires: [["o1"], ["o2"]],
      },
    ],
    extra: [
      { id: "o1", type: "helper", z: "fuzz-tab" },
      { id: "o2", type: "helper", z: "fuzz-tab" },
    ],
    credentials: () => ({ n: { token: DEMO_TOKEN } }),
    templates: [() => ({ payload: "consumption" }), () => ({ payload: "prices" })],
  },
  "meter-influxdb-query": {
    // Its RSS grows 4–22 MB over 2,000 messages (five runs) while its heap grows under 1 MB: the pages of
    // 2,000 HTTP exchanges. The heap bound (20 MB) is what catches a leak here, as it caught the abort
    // listener each query once left on the node's signal (20 MB of heap over 3,000 messages).
    rssCeilingMb: 48,
    async services() {
      return { influx: await influxStub() };
    },
    modules: () => nodeModules("meter-influxdb", "meter-influxdb-query"),
    flow: ({ influx }) => [
      { id: "cfg", type: "meter-influxdb", name: "fz", url: influx.url, org: "home", bucket: "fz" },
      {
        id: "n",
        z: "fuzz-tab",
        type: "meter-influxdb-query",
        server: "cfg",
        database: "",
        mode: "form",
        query: "",
        queryType: "str",
        measurement: "meter_reading",
        field: "value",
        meterTag: "entity_id",
        meters: "meters",
        metersType: "msg",
        start: "start",
        startType: "msg",
        end: "",
        endType: "str",
        output: "meter",
        readings: "columns",
        chunkSize: 10000,
        wires: [["o1"]],
      },
    ],
    extra: [{ id: "o1", type: "helper", z: "fuzz-tab" }],
    credentials: () => ({ cfg: { token: INFLUX_TOKEN } }),
    templates: [
      (rnd) => ({ start: `-${1 + Math.floor(rnd() * 40)}d`, meters: ["gas", "strom"] }),
      () => ({ start: now() - 86_400_000, meters: "gas" }),
      () => ({ query: 'SELECT "value" FROM "meter_reading" GROUP BY "entity_id"' }),
    ],
  },
  "energy-cost": {
    modules: () => nodeModules("energy-cost"),
    flow: () => [
      {
        id: "n",
        z: "fuzz-tab",
        type: "energy-cost",
        name: "",
        timezone: "Europe/Vienna",
        unit: "Wh",
        label: "start",
        currency: "EUR",
        gridFee: 0.0745,
        gridWindows: "[]",
        levies: 0.0285,
        vat: 20,
        vatOnEnergy: false,
        fixed: 4.5,
        fixedPer: "month",
        wires: [["o1"]],
      },
    ],
    extra: [{ id: "o1", type: "helper", z: "fuzz-tab" }],
    templates: [(rnd) => ({ payload: hourSlots(rnd) }), (rnd) => ({ topic: "strom", payload: hourValues(rnd) })],
  },
  "price-plan": {
    modules: () => nodeModules("price-plan"),
    flow: () => [
      {
        id: "n",
        z: "fuzz-tab",
        type: "price-plan",
        name: "",
        hours: 3,
        from: "22:00",
        to: "07:00",
        contiguous: true,
        minRunMinutes: 0,
        maxPrice: "",
        mustRunHours: 0,
        mustRunBy: "",
        timezone: "Europe/Oslo",
        powerKw: 1.2,
        onPayload: "on",
        offPayload: "off",
        wires: [["o1"], ["o2"]],
      },
    ],
    extra: [
      { id: "o1", type: "helper", z: "fuzz-tab" },
      { id: "o2", type: "helper", z: "fuzz-tab" },
    ],
    templates: [
      (rnd) => ({ payload: { today: hourSlots(rnd), tomorrow: [] } }),
      (rnd) => ({ payload: hourSlots(rnd) }),
    ],
  },
};

/** Today's 24 hourly price slots as tibber-prices sends them. */
function hourSlots(rnd) {
  const day = Date.UTC(2026, 11, 1);
  return Array.from({ length: 24 }, (_, h) => ({
    startsAt: new Date(day + h * 3_600_000).toISOString(),
    endsAt: new Date(day + (h + 1) * 3_600_000).toISOString(),
    total: Math.round(rnd() * 4000) / 10000,
  }));
}

/** A day of hourly consumption `{t, v}` in Wh. */
function hourValues(rnd) {
  const day = Date.UTC(2026, 11, 1);
  return Array.from({ length: 24 }, (_, h) => ({ t: day + h * 3_600_000, v: Math.round(rnd() * 800) }));
}

async function stopServices(services) {
  for (const s of Object.values(services || {})) await s.stop();
}

module.exports = { SETUPS, stopServices };

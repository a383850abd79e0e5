"use strict";
// Objects built in a Node-RED function node come from its vm sandbox, with that realm's Object.prototype.
// Every input shape meter-influxdb-write and meter-interpolate accept is built in a real core function
// node here, and must be stored in a real InfluxDB (Debian's 1.6.7) or computed by the engine.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { helper, major, nodeModules, collect, waitFor } = require("../helpers/node-red");
const { startInfluxDB, requireInfluxd } = require("../../devtools/influxdb/harness");

const runtime = require.resolve(major === "5" ? "node-red-5" : "node-red");
const coreNode = (file) =>
  require(path.join(path.dirname(require.resolve("@node-red/nodes/package.json", { paths: [runtime] })), file));
const functionNode = coreNode("core/function/10-function.js");
const TOKEN = "fn-token-5e1a";
const T0 = Date.UTC(2026, 0, 1);

/** The function node's code for each shape; each returns one message. T0 is substituted. */
const WRITER_SHAPES = {
  "a reading: an object payload with measurement, tags and timestamp": `
    msg.payload = { temperature: 21.5, heating: true };
    msg.measurement = "room";
    msg.tags = { room: "kitchen" };
    msg.timestamp = T0;
    return msg;`,
  "a number payload with a measurement": `
    return { payload: 3.5, measurement: "number", timestamp: new Date(T0 + 1000) };`,
  "a batch of points": `
    return { payload: [1, 2, 3].map((i) => ({
      measurement: "batch", tags: { sensor: "s" + i }, fields: { v: i * 1.5 }, timestamp: T0 + i * 1000,
    })) };`,
  "node-red-contrib-influxdb's [fields, tags]": `
    return { payload: [{ value: 2, time: new Date(T0 + 2000) }, { room: "attic" }], measurement: "contrib" };`,
  "node-red-contrib-influxdb's array of [fields, tags]": `
    return { measurement: "contrib", payload: [
      [{ value: 3, time: T0 + 3000 }, { room: "cellar" }],
      [{ value: 4, time: T0 + 4000 }, { room: "cellar" }],
    ] };`,
};

describe("influxdb: objects built in a function node", function () {
  this.timeout(60_000);
  let influx;
  let userDir;
  let dbCounter = 0;

  before(async function () {
    requireInfluxd(this);
    influx = await startInfluxDB({ token: TOKEN });
  });
  after(async function () {
    if (influx) await influx.stop();
  });
  beforeEach(function (done) {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-userdir-"));
    helper.settings({ userDir });
    helper.startServer(done);
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  /** A tab with one function node per entry of `code`, all wired into `target`, and a Catch node. */
  function functions(code, target) {
    return Object.values(code).map((func, i) => ({
      id: `fn${i}`,
      z: "tab",
      type: "function",
      name: `shape ${i}`,
      func: func.replaceAll("T0", String(T0)),
      outputs: 1,
      wires: [[target]],
    }));
  }

  async function load(db, extra) {
    const nodes = [
      { id: "tab", type: "tab", label: "shapes" },
      { id: "cfg", type: "meter-influxdb", url: influx.url, org: "home", bucket: db },
      {
        id: "w",
        z: "tab",
        type: "meter-influxdb-write",
        server: "cfg",
        bucket: "",
        measurement: "",
        batchSize: 100,
        flushInterval: 20,
        spoolLimit: 50,
        retryMax: 0.05,
        wires: [["written"]],
      },
      { id: "written", z: "tab", type: "helper" },
      { id: "catch", z: "tab", type: "catch", scope: null, uncaught: false, x: 10, y: 10, wires: [["caught"]] },
      { id: "caught", z: "tab", type: "helper" },
      ...extra,
    ];
    await helper.load(
      [
        functionNode,
        coreNode("core/common/25-catch.js"),
        ...nodeModules("meter-influxdb", "meter-influxdb-write", "meter-interpolate"),
      ],
      nodes,
      { cfg: { token: TOKEN } },
    );
    return { written: collect(helper.getNode("written")), caught: collect(helper.getNode("caught")) };
  }

  const total = (written) => written.reduce((n, m) => n + m.payload.written, 0);

  it("meter-influxdb-write stores every shape it accepts when a function node built it", async function () {
    const db = `fn${++dbCounter}_${process.pid}`;
    await influx.createDatabase(db);
    const { written, caught } = await load(db, functions(WRITER_SHAPES, "w"));
    Object.keys(WRITER_SHAPES).forEach((_, i) => helper.getNode(`fn${i}`).receive({}));
    await waitFor(() => total(written) === 8 || caught.length > 0, 10_000, "8 points written");
    caught.map((m) => m.error.message).should.eql([]);
    (await influx.query('SELECT * FROM "room"', db))[0].values.should.eql([[T0, true, "kitchen", 21.5]]);
    (await influx.query('SELECT "value" FROM "number"', db))[0].values.should.eql([[T0 + 1000, 3.5]]);
    (await influx.query('SELECT "v", "sensor" FROM "batch"', db))[0].values.should.eql([
      [T0 + 1000, 1.5, "s1"],
      [T0 + 2000, 3, "s2"],
      [T0 + 3000, 4.5, "s3"],
    ]);
    (await influx.query('SELECT "value", "room" FROM "contrib"', db))[0].values.should.eql([
      [T0 + 2000, 2, "attic"],
      [T0 + 3000, 3, "cellar"],
      [T0 + 4000, 4, "cellar"],
    ]);
  });

  it("meter-interpolate computes from every input shape a function node builds, and its points are stored", async function () {
    const db = `fn${++dbCounter}_${process.pid}`;
    await influx.createDatabase(db);
    const D = 86_400_000;
    // The same meter (0 → 30 over three days, 10 a day) in each of meter-interpolate's input shapes.
    const shapes = {
      pairs: `return { topic: "pairs", payload: [[T0, 0], [T0 + ${3 * D}, 30]] };`,
      objects: `return { topic: "objects", payload: [{ t: new Date(T0).toISOString(), v: 0 }, { time: T0 + ${3 * D}, value: 30 }] };`,
      columns: `return { topic: "columns", payload: { t: new Float64Array([T0, T0 + ${3 * D}]), v: new Float64Array([0, 30]) } };`,
      meters: `return { payload: { meters: [{ id: "meters", readings: [[T0, 0], [T0 + ${3 * D}, 30]] }], range: { start: T0, end: T0 + ${3 * D} } } };`,
      rows: `return { payload: [{ _time: new Date(T0).toISOString(), _value: 0, entity_id: "rows" }, { _time: new Date(T0 + ${3 * D}).toISOString(), _value: 30, entity_id: "rows" }] };`,
    };
    const meter = {
      id: "mi",
      z: "tab",
      type: "meter-interpolate",
      intervals: ["day"],
      timezone: "UTC",
      output: "both",
      meterTag: "entity_id",
      wires: [["result"], ["w"]],
    };
    const { caught } = await load(db, [...functions(shapes, "mi"), meter, { id: "result", z: "tab", type: "helper" }]);
    const results = collect(helper.getNode("result"));
    Object.keys(shapes).forEach((_, i) => helper.getNode(`fn${i}`).receive({}));
    await waitFor(() => results.length === 5 || caught.length > 0, 10_000, "five results");
    caught.map((m) => m.error.message).should.eql([]);
    const daily = Object.assign({}, ...results.map((m) => m.payload.meters));
    Object.keys(daily).sort().should.eql(["columns", "meters", "objects", "pairs", "rows"]);
    for (const [id, out] of Object.entries(daily)) out.day.consumption.map((c) => c.v).should.eql([10, 10, 10], id);

    // The points output reached InfluxDB through the writer.
    await waitFor(async () => (await influx.count("meter_consumption", "consumption", db)) === 15, 10_000, "points");
    const perMeter = await influx.query('SELECT count("consumption") FROM "meter_consumption" GROUP BY "meter_id"', db);
    perMeter
      .map((s) => [s.tags.meter_id, s.values[0][1]])
      .should.eql([
        ["columns", 3],
        ["meters", 3],
        ["objects", 3],
        ["pairs", 3],
        ["rows", 3],
      ]);

    // Live mode: one number per message, built in a function node too.
    await helper.unload();
    const live = await load(db, [
      ...functions({ live: `return { topic: "live", payload: msg.payload, timestamp: msg.t };` }, "mi"),
      meter,
      { id: "result", z: "tab", type: "helper" },
    ]);
    const liveResults = collect(helper.getNode("result"));
    for (const [t, v] of [
      [T0, 0],
      [T0 + D, 10],
      [T0 + 2 * D, 20],
    ])
      helper.getNode("fn0").receive({ payload: v, t });
    await waitFor(() => liveResults.length === 3 || live.caught.length > 0, 10_000, "three live results");
    live.caught.map((m) => m.error.message).should.eql([]);
    liveResults.flatMap((m) => m.payload.meters.live.day.consumption.map((c) => c.v)).should.eql([10, 10]);
  });
});

describe("shape checks across realms (src/shared/shape.ts)", function () {
  const vm = require("node:vm");
  const { isPlainObject, isRecord, isDate, isFloat64Array } = require("../../dist/shared/shape");

  it("take another realm's object literals, dates and typed arrays as their own, and nothing else as plain", function () {
    const other = vm.runInNewContext(
      "({ plain: { a: 1 }, bare: Object.create(null), date: new Date(0), f: new Float64Array(1), m: new Map() })",
    );
    isPlainObject(other.plain).should.be.true();
    isPlainObject(other.bare).should.be.true();
    isRecord(other.plain).should.be.true();
    isDate(other.date).should.be.true();
    isFloat64Array(other.f).should.be.true();
    for (const v of [other.date, other.m, other.f, [], null, "x", new (class Reading {})(), Buffer.from("x")])
      isPlainObject(v).should.be.false();
  });
});

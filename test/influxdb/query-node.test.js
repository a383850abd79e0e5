"use strict";
// meter-influxdb-query against the real influxd 1.6.7 behind the test proxy: the meter form, raw queries,
// chunked large results, escaping that no meter id can break, every error a user meets, no token leaked.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
require("should");
const { helper, nodeModules, collect, waitFor } = require("../helpers/node-red");
const { startLeakWatch } = require("../helpers/secrets");
const { startInfluxDB, requireInfluxd } = require("../../devtools/influxdb/harness");
const { writeMeterHistory } = require("../../devtools/influxdb/meter-history");
const { meterQuery, quoteIdent, quoteString, timeBound } = require("../../dist/features/influxdb/domain/influxql");

const TOKEN = "query-token-5f2e9a";
const T0 = Date.parse("2024-01-01T00:00:00Z");
const NASTY = ['a" OR 1=1', "x' OR '1'='1", "back\\slash"];

describe("meter-influxdb-query: InfluxQL", function () {
  it("quotes identifiers and strings so nothing breaks out", function () {
    quoteIdent('a"b\\c').should.equal('"a\\"b\\\\c"');
    quoteString("x' OR '1'='1").should.equal("'x\\' OR \\'1\\'=\\'1'");
    timeBound("-40d", "start").should.equal("now() - 40d");
    timeBound("now", "end").should.equal("now()");
    timeBound("2024-01-01T00:00:00Z", "start").should.equal(`${T0}ms`);
    timeBound(T0, "start").should.equal(`${T0}ms`);
    (() => timeBound("yesterday-ish", "start")).should.throw(/start "yesterday-ish" is not a time/);
    meterQuery({ measurement: "m", field: "value", meterTag: "entity_id", meters: ["a"], start: "-1d" }).should.equal(
      `SELECT "value" FROM "m" WHERE time >= now() - 1d AND ("entity_id" = 'a') GROUP BY "entity_id"`,
    );
  });
});

describe("meter-influxdb-query node (real InfluxDB)", function () {
  this.timeout(60_000);
  let influx;
  let userDir;
  const nodes = nodeModules("meter-influxdb", "meter-influxdb-query");

  before(async function () {
    requireInfluxd(this);
    influx = await startInfluxDB({ db: "raw", token: TOKEN });
    const lines = [];
    for (let i = 0; i < 96; i++)
      for (const [k, id] of ["a", "b", ...NASTY].entries()) {
        const tag = id.replace(/([,= ])/g, "\\$1");
        lines.push(`meter_reading,entity_id=${tag} value=${k * 1000 + i} ${T0 + i * 900_000}`);
      }
    lines.push(`meter_reading,entity_id=a text="not a number" ${T0 + 5}`); // a row whose value is null
    const res = await fetch(`${influx.influxUrl}/write?db=raw&precision=ms`, {
      method: "POST",
      body: lines.join("\n"),
    });
    res.status.should.equal(204);
  });
  after(async function () {
    if (influx) await influx.stop();
  });
  beforeEach(function (done) {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-query-"));
    helper.settings({ userDir });
    helper.startServer(done);
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  async function load(props, { token = TOKEN, url = influx.url, bucket = "raw" } = {}) {
    const flow = [
      { id: "cfg", type: "meter-influxdb", url, org: "home", bucket },
      { id: "q", type: "meter-influxdb-query", server: "cfg", wires: [["out"]], ...props },
      { id: "out", type: "helper" },
    ];
    await helper.load(nodes, flow, { cfg: { token } });
    const q = helper.getNode("q");
    const errors = [];
    q.on("call:error", (call) => errors.push(call.args));
    return { q, out: collect(helper.getNode("out")), errors };
  }

  const form = { mode: "form", measurement: "meter_reading", field: "value", meterTag: "entity_id" };

  it("the meter form sends one message per meter with Float64Array columns meter-interpolate takes", async function () {
    const { q, out } = await load({ ...form, meters: "a, b", start: "2024-01-01T00:00:00Z", end: "-0d" });
    q.receive({ payload: "go", site: "home" });
    await waitFor(() => out.length === 2, 10_000, "two meters");
    out.map((m) => m.topic).should.eql(["a", "b"]);
    out[0].site.should.equal("home");
    const { t, v } = out[1].payload;
    t.should.be.instanceOf(Float64Array);
    t.length.should.equal(96);
    [t[0], v[0], t[95], v[95]].should.eql([T0, 1000, T0 + 95 * 900_000, 1095]);
    await waitFor(
      () => helper._NodePrototype.status.args.some(([s]) => s && /2 meters, 192 readings/.test(s.text)),
      5000,
      "green status",
    );
  });

  it("objects on request, and all meters in one {meters} message", async function () {
    const { q, out } = await load({
      ...form,
      output: "all",
      readings: "objects",
      meters: '["a","b"]',
      metersType: "json",
    });
    q.receive({ payload: 1 });
    await waitFor(() => out.length === 1, 10_000, "one message");
    const { meters } = out[0].payload;
    meters.map((m) => m.id).should.eql(["a", "b"]);
    meters[0].readings[1].should.eql({ t: T0 + 900_000, v: 1 });
  });

  it("takes the range and meters from the message", async function () {
    const { q, out } = await load({ ...form, meters: "ids", metersType: "msg", start: "from", startType: "msg" });
    q.receive({ ids: ["b"], from: T0 + 90 * 900_000 });
    await waitFor(() => out.length === 1, 10_000, "one meter");
    out[0].payload.v.should.eql(Float64Array.from([1090, 1091, 1092, 1093, 1094, 1095]));
  });

  it("escapes meter ids: a quote in an id selects exactly that meter and changes nothing else", async function () {
    for (const id of NASTY) {
      const { q, out } = await load({ ...form, meters: JSON.stringify([id]), metersType: "json" });
      q.receive({});
      await waitFor(() => out.length === 1, 10_000, `meter ${id}`);
      out[0].topic.should.equal(id);
      out[0].payload.t.length.should.equal(96);
      await helper.unload();
    }
  });

  it("a raw query, and msg.query in its place; rows without a number are skipped", async function () {
    const { q, out } = await load({
      mode: "raw",
      query: `SELECT "value" FROM "meter_reading" WHERE "entity_id" = 'a' GROUP BY "entity_id"`,
      meterTag: "entity_id",
    });
    q.receive({});
    await waitFor(() => out.length === 1, 10_000, "the node's query");
    out[0].topic.should.equal("a");
    out[0].payload.t.length.should.equal(96);
    q.receive({ query: `SELECT last("value") FROM "meter_reading" GROUP BY "entity_id"` });
    await waitFor(() => out.length === 6, 10_000, "msg.query's answer");
    // Series come in tag order: a, a" OR 1=1, b, back\slash, x' OR '1'='1.
    out
      .slice(1)
      .map((m) => [m.topic, m.payload.v[0]])
      .should.eql([
        ["a", 95],
        [NASTY[0], 2095],
        ["b", 1095],
        [NASTY[2], 4095],
        [NASTY[1], 3095],
      ]);
  });

  it("reads a large result in chunks, one meter after another, in order", async function () {
    const rows = await writeMeterHistory(influx, { db: "raw", days: 100, end: T0 + 200 * 86_400_000 });
    rows.should.equal(3 * (100 * 96 + 1));
    const { q, out } = await load({ ...form, chunkSize: 500, meters: "strom_total, gas_total, wasser" });
    q.receive({});
    await waitFor(() => out.length === 3, 20_000, "three meters");
    out.map((m) => m.topic).should.eql(["gas_total", "strom_total", "wasser"]);
    for (const m of out) {
      m.payload.t.length.should.equal(100 * 96 + 1);
      for (let i = 1; i < m.payload.t.length; i++)
        if (m.payload.t[i] - m.payload.t[i - 1] !== 900_000) throw new Error("a gap");
    }
  });

  async function failure(props, options, input = {}) {
    const leaks = startLeakWatch();
    const { q, out, errors } = await load(props, options);
    q.receive(input);
    await waitFor(() => errors.length > 0, 10_000, "an error");
    out.length.should.equal(0);
    leaks.assertNoLeak([TOKEN, "wrong-token-77"]);
    const red = helper._NodePrototype.status.args.filter(([s]) => s && s.fill === "red").map(([s]) => s.text);
    const err = errors[0][0];
    return { message: typeof err === "string" ? err : err.message, status: red[red.length - 1] };
  }

  it("a database that does not exist: says so and how to fix it", async function () {
    const { message, status } = await failure(form, { bucket: "nosuch" });
    message.should.match(/has no database "nosuch" \(database not found: nosuch\); create it, fix the database name/);
    status.should.equal("database not found");
  });

  it("a query InfluxDB refuses: its own message, with the token redacted where the query quoted it", async function () {
    const { message, status } = await failure({ mode: "raw", query: `SELEC ${TOKEN}` });
    message.should.match(/refused the query: error parsing query: found SELEC, expected SELECT/);
    status.should.equal("query refused");
  });

  it("a refused token: says to check the token, never shows it", async function () {
    const { message, status } = await failure(form, { token: "wrong-token-77" });
    message.should.match(
      /refused the token \(HTTP 401: unauthorized access\); check the token of the meter-influxdb config node/,
    );
    status.should.equal("token refused");
  });

  it("an unreachable server: says to check the URL", async function () {
    const { message, status } = await failure(form, { url: "http://127.0.0.1:9" });
    message.should.match(
      /Cannot reach InfluxDB at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\); check the URL and that InfluxDB runs/,
    );
    status.should.equal("unreachable");
  });

  it("a bad time in the form: names it", async function () {
    const { message } = await failure({ ...form, start: "last tuesday" });
    message.should.match(/start "last tuesday" is not a time/);
  });
  it("leaves no abort listener on the node's long-lived signal after its queries", async function () {
    const { getEventListeners } = require("node:events");
    const { InfluxConnection } = require("../../dist/features/influxdb/client/client");
    const { queryPieces } = require("../../dist/features/influxdb/client/query");
    const connection = new InfluxConnection({ url: influx.url, org: "home", token: TOKEN });
    const life = new AbortController(); // as the kernel's signal: it lives as long as the node
    for (let i = 0; i < 30; i++) {
      const pieces = queryPieces(connection, {
        database: "raw",
        query: `SELECT "value" FROM "meter_reading" WHERE "entity_id" = 'a' GROUP BY "entity_id"`,
        chunkSize: 50,
        signal: life.signal,
      });
      let rows = 0;
      for await (const piece of pieces) rows += piece.values.length;
      rows.should.be.above(0);
    }
    // each query once left one behind: 6.7 KB of heap a message in the fuzz run
    getEventListeners(life.signal, "abort").length.should.equal(0);
  });

  it("bounds one message: a 4 MB msg.query, 10,001 meters, more readings than it may hold", async function () {
    let r = await failure({ mode: "raw", query: "", queryType: "str" }, undefined, { query: "x".repeat(4 << 20) });
    r.message.should.equal("msg.query has 4194304 characters; this node takes at most 65536.");
    const many = Array.from({ length: 10_001 }, (_, i) => `m${i}`);
    await helper.unload();
    r = await failure({ ...form, meters: "ids", metersType: "msg" }, undefined, { ids: many });
    r.message.should.match(/^msg\.meters has 10001 entries; this node takes at most 10000/);
    await helper.unload();
    // 96 readings a meter: a bound of 100 lets one meter per message through, not two in one
    helper.settings({ userDir, meterInfluxdbQuery: { maxReadings: 100 } });
    const two = { ...form, meters: '["a","b"]', metersType: "json" };
    const { q, out } = await load(two);
    q.receive({});
    await waitFor(() => out.length === 2, 10_000, "two meters");
    await helper.unload();
    r = await failure({ ...two, output: "all" });
    r.message.should.match(/^The query returned more than 100 readings for one message; narrow the time range/);
    r.status.should.equal("too many readings");
  });
});

"use strict";
// meter-influxdb + meter-influxdb-write against a real InfluxDB (Debian's 1.6.7 behind the /api/v2 proxy),
// verified with InfluxQL.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { helper, nodeModules, waitFor, collect, featureOf } = require("../helpers/node-red");
const { startInfluxDB, requireInfluxd } = require("../../devtools/influxdb/harness");
const { startLeakWatch } = require("../helpers/secrets");

const TOKEN = "tok-3f9a1c-very-secret";
const WRONG_TOKEN = "tok-wrong-77d2e0-also-secret";
const nodes = nodeModules("meter-influxdb", "meter-influxdb-write");
const T0 = Date.UTC(2026, 0, 1);
/** One instant as epoch seconds, as epoch ms, and as a local time without an offset. */
const SAME = { seconds: 1709251200, ms: 1709251200000, local: "2024-03-01T00:00:00", instant: Date.UTC(2024, 2, 1) };

describe("influxdb: meter-influxdb-write against a real InfluxDB", function () {
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
    if (influx) {
      influx.proxy.down = false;
      await influx.startServer();
    }
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  async function freshDb() {
    const db = `t${++dbCounter}_${process.pid}`;
    await influx.createDatabase(db);
    return db;
  }

  function flow(db, write = {}, config = {}) {
    return [
      { id: "cfg", type: "meter-influxdb", name: "test influx", url: influx.url, org: "home", bucket: db, ...config },
      {
        id: "w",
        type: "meter-influxdb-write",
        server: "cfg",
        bucket: "",
        measurement: "",
        integerFields: "",
        batchSize: 100,
        flushInterval: 20,
        spoolLimit: 50,
        retryMax: 0.05,
        wires: [["out"]],
        ...write,
      },
      { id: "out", type: "helper" },
    ];
  }

  const load = (f, token = TOKEN) => helper.load(nodes, f, { cfg: { token } });

  /** Sends messages to the writer and resolves once each one called done (i.e. it is in the spool). */
  async function send(msgs) {
    const w = helper.getNode("w");
    const errors = [];
    let finished = 0;
    // Episode errors (spool limit, long outage) are background errors, asserted in episodes.test.js.
    const onError = (call) => (call.args[1]?.payload?.episode ? undefined : errors.push(call.args[0]));
    w.on("call:error", onError);
    const doneSpy = new Promise((resolve) => {
      const target = msgs.length;
      if (target === 0) return resolve();
      // Node-RED reports completion through the flow's handleComplete; count done() via _complete.
      const original = w._complete;
      w._complete = function (msg, err) {
        original.call(this, msg, err);
        if (++finished === target) {
          w._complete = original;
          resolve();
        }
      };
    });
    for (const msg of msgs) w.receive(msg);
    await doneSpy;
    await new Promise((r) => setImmediate(r));
    w.off("call:error", onError);
    return errors;
  }

  it("stores all three message shapes with exact values, types, tags and timestamps", async function () {
    const db = await freshDb();
    await load(flow(db, { integerFields: "pulses" }));
    const outputs = collect(helper.getNode("out"));
    const errors = await send([
      // (a) our readers
      {
        payload: { flow: 0.25, total: 1234.5, unit: "gal", leak: false },
        measurement: "water",
        tags: { device: "d1" },
        timestamp: T0,
      },
      {
        payload: { flow: 2, total: 1236, unit: "gal", leak: true },
        measurement: "water",
        tags: { device: "d1" },
        timestamp: T0 + 1000,
      },
      // (b) node-red-contrib-influxdb "influxdb out"
      { payload: { value: 2, pulses: 7 }, measurement: "contrib", timestamp: T0 },
      {
        payload: [{ value: 2.5, pulses: 8, time: new Date(T0 + 1000) }, { room: "cellar,north side" }],
        measurement: "contrib",
      },
      {
        payload: [
          [{ value: 3, time: T0 + 2000 }, { room: "attic" }],
          [{ value: 3.5, time: T0 + 3000 }, { room: "attic" }],
        ],
        measurement: "contrib",
      },
      // (c) node-red-contrib-influxdb "influxdb batch"
      {
        payload: [
          {
            measurement: "power",
            tags: { phase: "L1" },
            fields: { watts: 230.5, state: "on" },
            timestamp: new Date(T0),
          },
          { measurement: "power", tags: { phase: "L2" }, fields: { watts: 199 }, timestamp: T0 + 500 },
        ],
      },
    ]);
    errors.should.eql([]);
    await waitFor(() => outputs.reduce((n, m) => n + m.payload.written, 0) === 8, 10_000, "8 points written");
    outputs[outputs.length - 1].payload.should.eql({
      written: outputs[outputs.length - 1].payload.written,
      buffered: 0,
      dropped: 0,
    });

    (await influx.query('SELECT * FROM "water"', db)).should.eql([
      {
        name: "water",
        columns: ["time", "device", "flow", "leak", "total", "unit"],
        values: [
          [T0, "d1", 0.25, false, 1234.5, "gal"],
          [T0 + 1000, "d1", 2, true, 1236, "gal"],
        ],
      },
    ]);
    (await influx.query('SELECT "value", "pulses", "room" FROM "contrib"', db)).should.eql([
      {
        name: "contrib",
        columns: ["time", "value", "pulses", "room"],
        values: [
          [T0, 2, 7, null],
          [T0 + 1000, 2.5, 8, "cellar,north side"],
          [T0 + 2000, 3, null, "attic"],
          [T0 + 3000, 3.5, null, "attic"],
        ],
      },
    ]);
    (await influx.query('SELECT * FROM "power"', db)).should.eql([
      {
        name: "power",
        columns: ["time", "phase", "state", "watts"],
        values: [
          [T0, "L1", "on", 230.5],
          [T0 + 500, "L2", null, 199],
        ],
      },
    ]);
    // Numbers are floats (2 then 2.5 in one field never conflict); listed integer fields are integers.
    const types = async (m) =>
      Object.fromEntries((await influx.query(`SHOW FIELD KEYS FROM "${m}"`, db))[0].values.map(([k, t]) => [k, t]));
    (await types("water")).should.eql({ flow: "float", leak: "boolean", total: "float", unit: "string" });
    (await types("contrib")).should.eql({ pulses: "integer", value: "float" });
    const tags = await influx.query('SHOW TAG KEYS FROM "power"', db);
    tags[0].values.should.eql([["phase"]]);
  });

  it("stores epoch seconds and epoch ms at the same instant, and rejects a time without an offset", async function () {
    // The same values as test/meter/node.test.js sends to meter-interpolate: both nodes read them alike.
    const db = await freshDb();
    await load(flow(db));
    const outputs = collect(helper.getNode("out"));
    const errors = await send([
      { payload: { v: 1 }, measurement: "m", tags: { as: "s" }, timestamp: SAME.seconds },
      { payload: { v: 2 }, measurement: "m", tags: { as: "ms" }, timestamp: SAME.ms },
      { payload: { v: 3 }, measurement: "m", tags: { as: "local" }, timestamp: SAME.local },
    ]);
    errors.length.should.equal(1);
    String(errors[0].message || errors[0])
      .should.match(/point 1 of 1: its timestamp "2024-03-01T00:00:00" has no offset/)
      .and.match(/add "Z"/);
    await waitFor(() => outputs.some((m) => m.payload.buffered === 0 && m.payload.written >= 2), 10_000, "flush");
    const rows = (await influx.query('SELECT "v", "as" FROM "m"', db))[0].values;
    rows
      .sort((a, b) => a[1] - b[1])
      .should.eql([
        [SAME.instant, 1, "s"],
        [SAME.instant, 2, "ms"],
      ]);
  });

  it("rejects an invalid point through done(err) naming it, and still writes the valid ones", async function () {
    const db = await freshDb();
    await load(flow(db));
    const outputs = collect(helper.getNode("out"));
    const errors = await send([
      {
        payload: [
          { measurement: "m", fields: { v: 1 }, timestamp: T0 },
          { measurement: "m", fields: { v: "x", bad: { nested: true } }, timestamp: T0 + 1 },
          { measurement: "m", fields: { v: 3 }, timestamp: T0 + 2 },
        ],
      },
    ]);
    errors.length.should.equal(1);
    String(errors[0].message || errors[0]).should.match(/point 2 of 3: field "bad" is an object/);
    String(errors[0].message || errors[0]).should.match(/The other 2 point\(s\) were stored/);
    await waitFor(() => outputs.some((m) => m.payload.buffered === 0), 10_000, "flush");
    (await influx.query('SELECT "v" FROM "m"', db))[0].values.should.eql([
      [T0, 1],
      [T0 + 2, 3],
    ]);
  });

  it("reports a partial write as InfluxDB says it: one bad point among ten is 9 written and 1 rejected, with the reason", async function () {
    const db = await freshDb();
    await load(flow(db, { batchSize: 10, flushInterval: 20 }));
    const w = helper.getNode("w");
    const errors = [];
    w.on("call:error", (call) => errors.push(call.args));
    (await send([{ payload: { v: 1 }, measurement: "m", timestamp: T0 - 1 }])).should.eql([]);
    await waitFor(async () => (await influx.query('SELECT "v" FROM "m"', db)).length > 0, 10_000, "v is a float");
    // The fifth point's v is a string: a field type conflict only InfluxDB can see.
    const ten = Array.from({ length: 10 }, (_, i) => ({
      measurement: "m",
      fields: { v: i === 4 ? "text" : i },
      timestamp: T0 + i,
    }));
    (await send([{ payload: ten }])).should.eql([]);
    await waitFor(() => errors.length > 0, 10_000, "the partial write reported");
    errors[0][0].should.match(/^partial write: InfluxDB stored 9 point\(s\) and refused 1 as invalid/);
    errors[0][0].should.match(/field type conflict: input field \\?"v\\?" on measurement \\?"m\\?" is type string/);
    errors[0][1].payload.should.eql({ written: 9, buffered: 0, dropped: 1 });
    (await influx.query('SELECT count("v") FROM "m" WHERE time >= ' + T0 + "ms", db))[0].values[0][1].should.equal(9);
  });

  it("counts a line InfluxDB cannot parse among valid ones as that one rejected (dropped=0 in its answer)", function () {
    const { rejectedCount } = require("../../dist/features/influxdb/client/durable-writer");
    const { ApiError } = require("../../dist/shared/errors");
    // Captured from influxd 1.6.7 for ten lines, one with a bad timestamp: it stored the other nine.
    const body = JSON.stringify({ error: "partial write: unable to parse 'm v=1 x2004': bad timestamp dropped=0" });
    rejectedCount(new ApiError("x", 400, body), 10).should.equal(1);
    rejectedCount(
      new ApiError("x", 400, '{"error":"partial write: field type conflict: … dropped=3"}'),
      10,
    ).should.equal(3);
    rejectedCount(new ApiError("x", 400, "something else"), 10).should.equal(10);
  });

  it("stores a string field ending in a backslash exactly as given", async function () {
    const db = await freshDb();
    await load(flow(db));
    const outputs = collect(helper.getNode("out"));
    (await send([{ payload: { s: "C:\\dir\\" }, measurement: "m", timestamp: T0 }])).should.eql([]);
    await waitFor(() => outputs.some((m) => m.payload.buffered === 0), 10_000, "flush");
    (await influx.query('SELECT "s" FROM "m"', db))[0].values.should.eql([[T0, "C:\\dir\\"]]);
  });

  it("loses nothing when InfluxDB goes down in the middle of 10,000 points and Node-RED restarts during the outage", async function () {
    const db = await freshDb();
    const f = flow(db, { batchSize: 500, flushInterval: 20 });
    await load(f);
    let outputs = collect(helper.getNode("out"));
    const messages = Array.from({ length: 100 }, (_, m) => ({
      payload: Array.from({ length: 100 }, (_, i) => {
        const seq = m * 100 + i;
        return { measurement: "meter", tags: { meter: `m${seq % 3}` }, fields: { seq }, timestamp: T0 + seq * 1000 };
      }),
    }));
    // First half while InfluxDB is up; wait until part of it is confirmed.
    (await send(messages.slice(0, 50))).should.eql([]);
    await waitFor(() => outputs.length > 0, 10_000, "a first confirmed batch");
    await influx.stopServer(); // outage
    (await send(messages.slice(50))).should.eql([]);
    const w = helper.getNode("w");
    const written = () => outputs.reduce((n, m) => n + m.payload.written, 0);
    // Output messages travel asynchronously: the count settles at exactly 10,000 with the spool.
    await waitFor(() => written() + featureOf(w).buffered === 10_000, 5000, "every point written or buffered");
    const writtenBefore = written();
    writtenBefore.should.be.below(10_000);
    await waitFor(
      () =>
        helper._NodePrototype.status.args.some(
          ([s]) => s && s.fill === "yellow" && /^InfluxDB unreachable · \d+ buffered · retry 1 s$/.test(s.text),
        ),
      10_000,
      "a yellow status with the backlog",
    );

    // Node-RED restarts during the outage: the spool must carry everything unconfirmed over.
    await helper.unload();
    await load(f);
    outputs = collect(helper.getNode("out"));
    await new Promise((r) => setTimeout(r, 100)); // it retries against the dead server meanwhile
    featureOf(helper.getNode("w")).buffered.should.equal(10_000 - writtenBefore);

    await influx.startServer();
    await waitFor(() => outputs.some((m) => m.payload.buffered === 0), 20_000, "the backlog written");
    const series = await influx.query('SELECT count("seq"), sum("seq"), min("seq"), max("seq") FROM "meter"', db);
    series[0].values[0].slice(1).should.eql([10_000, (9_999 * 10_000) / 2, 0, 9_999]);
    const perMeter = await influx.query('SELECT count("seq") FROM "meter" GROUP BY "meter"', db);
    perMeter.map((s) => s.values[0][1]).should.eql([3334, 3333, 3333]);
    fs.readdirSync(path.join(userDir, "meterflow-spool", "w"))
      .filter((n) => n.endsWith(".seg"))
      .length.should.be.below(2);
  });

  it("says clearly when the token is refused, keeps the points, and writes them once the token is fixed", async function () {
    const leaks = startLeakWatch();
    const db = await freshDb();
    const f = flow(db);
    await load(f, WRONG_TOKEN);
    const w = helper.getNode("w");
    const errors = [];
    w.on("call:error", (call) => errors.push(call.args));
    await send([
      { payload: { v: 1 }, measurement: "m", timestamp: T0 },
      { payload: { v: 2 }, measurement: "m", timestamp: T0 + 1 },
    ]);
    await waitFor(() => errors.length > 0, 10_000, "an error");
    errors[0][0].should.match(
      /refused the token \(HTTP 401: unauthorized access\); check the token of the meter-influxdb config node/,
    );
    errors[0][1].payload.should.eql({ written: 0, buffered: 2, dropped: 0 }); // a msg, so Catch nodes see it
    await waitFor(
      () =>
        helper._NodePrototype.status.args.some(
          ([s]) => s && s.fill === "red" && s.text === "token refused · 2 buffered",
        ),
      5000,
      "red status",
    );
    await new Promise((r) => setTimeout(r, 200)); // several retries...
    errors.length.should.equal(1); // ...but one error, not one per retry
    featureOf(w).buffered.should.equal(2);
    (await influx.query('SELECT * FROM "m"', db)).should.eql([]);
    leaks.assertNoLeak([TOKEN, WRONG_TOKEN]);

    await helper.unload();
    await load(f, TOKEN);
    const outputs = collect(helper.getNode("out"));
    await waitFor(() => outputs.some((m) => m.payload.buffered === 0), 10_000, "the kept points written");
    (await influx.query('SELECT "v" FROM "m"', db))[0].values.should.eql([
      [T0, 1],
      [T0 + 1, 2],
    ]);
  });

  it("says when the bucket does not exist, and keeps the points", async function () {
    await load(flow("no_such_db", {}));
    const w = helper.getNode("w");
    const errors = [];
    w.on("call:error", (call) => errors.push(call.args[0]));
    await send([{ payload: { v: 1 }, measurement: "m", timestamp: T0 }]);
    await waitFor(() => errors.length > 0, 10_000, "an error");
    errors[0].should.match(/has no bucket "no_such_db" \(HTTP 404: database not found: "no_such_db"\); create it/);
    await waitFor(
      () =>
        helper._NodePrototype.status.args.some(
          ([s]) => s && s.fill === "red" && s.text === "bucket not found · 1 buffered",
        ),
      5000,
      "red status",
    );
    featureOf(w).buffered.should.equal(1);
  });

  it("drops the oldest points beyond the spool limit with a warning that counts them", async function () {
    const db = await freshDb();
    // Each line is "m seq=NNNN TTTTTTTTTTTTT\n" = 25 bytes; 0.001 MB = 1048.576 bytes → 41 lines fit.
    await load(flow(db, { spoolLimit: 0.001, batchSize: 1000, flushInterval: 20 }));
    influx.proxy.down = true;
    const w = helper.getNode("w");
    const warnings = [];
    w.on("call:warn", (call) => warnings.push(String(call.args[0])));
    const msgs = Array.from({ length: 100 }, (_, i) => ({
      payload: { seq: 1000 + i },
      measurement: "m",
      timestamp: T0 + i,
    }));
    (await send(msgs)).should.eql([]);
    featureOf(w).buffered.should.equal(41);
    const dropWarning = warnings.find((t) => /Spool limit/.test(t));
    dropWarning.should.equal(
      'Spool limit of 0.001 MB reached while InfluxDB was not taking writes: dropped the 59 oldest point(s). Raise "Spool limit" to keep more.',
    );
    const outputs = collect(helper.getNode("out"));
    influx.proxy.down = false;
    await waitFor(() => outputs.some((m) => m.payload.buffered === 0), 10_000, "recovery");
    outputs.reduce((n, m) => n + m.payload.dropped, 0).should.equal(59);
    const series = await influx.query('SELECT count("seq"), min("seq"), max("seq") FROM "m"', db);
    series[0].values[0].slice(1).should.eql([41, 1059, 1099]);
  });

  it("refuses what one message may not make it do, with a clear error, and loses no stored point", async function () {
    const db = await freshDb();
    await load(flow(db));
    const outputs = collect(helper.getNode("out"));
    const huge = "x".repeat(4 * 1024 * 1024);
    const good = (from) =>
      Array.from({ length: 10 }, (_, i) => ({ payload: { v: from + i }, measurement: "ok", timestamp: T0 + from + i }));
    (await send(good(0))).should.eql([]);
    const tags = {};
    for (let i = 0; i < 1000; i++) tags[`t${i}`] = "v".repeat(1000);
    const errors = await send([
      { payload: { v: 1 }, measurement: huge, timestamp: T0 },
      { payload: { v: 1, note: huge }, measurement: "ok", timestamp: T0 + 100 },
      { payload: { v: 1 }, measurement: "ok", tags: { room: huge }, timestamp: T0 + 101 },
      { payload: new Array(100_000).fill({ measurement: "ok", fields: { v: 1 }, timestamp: T0 + 102 }), tags },
    ]);
    errors
      .map((e) => String(e.message || e))
      .should.eql([
        'Rejected point 1 of 1: its measurement "xxxxxxxxxxxxxxxxxxxx…" is 4194304 characters long, more than the 1024 a point may have.',
        'Rejected point 1 of 1: field "note" "xxxxxxxxxxxxxxxxxxxx…" is 4194304 characters long, more than the 65536 a point may have.',
        'Rejected point 1 of 1: the name or tag "xxxxxxxxxxxxxxxxxxxx…" is 4194304 characters long, more than the 1024 a point may have.',
        "msg.payload makes more than 32 MiB of line protocol by point 34 of 100000, more than one message may; send the points in several messages. Nothing of this message was stored.",
      ]);
    (await send(good(10))).should.eql([]);
    await waitFor(() => outputs.reduce((n, m) => n + m.payload.written, 0) === 20, 10_000, "the good points");
    const series = await influx.query('SELECT count("v"), sum("v") FROM "ok"', db);
    series[0].values[0].slice(1).should.eql([20, 190]);
  });

  it("resolves ${ENV} in the URL, bucket and token", async function () {
    const db = await freshDb();
    process.env.MF_TEST_INFLUX_URL = influx.url;
    process.env.MF_TEST_INFLUX_BUCKET = db;
    process.env.MF_TEST_INFLUX_TOKEN = TOKEN;
    try {
      await load(flow("${MF_TEST_INFLUX_BUCKET}", {}, { url: "${MF_TEST_INFLUX_URL}" }), "${MF_TEST_INFLUX_TOKEN}");
      const outputs = collect(helper.getNode("out"));
      await send([{ payload: { v: 5 }, measurement: "env", timestamp: T0 }]);
      await waitFor(() => outputs.length > 0, 10_000, "a flush");
      (await influx.query('SELECT "v" FROM "env"', db))[0].values.should.eql([[T0, 5]]);
    } finally {
      delete process.env.MF_TEST_INFLUX_URL;
      delete process.env.MF_TEST_INFLUX_BUCKET;
      delete process.env.MF_TEST_INFLUX_TOKEN;
    }
  });

  it("deletes an empty spool when the node is deleted, and keeps one that still holds points", async function () {
    const db = await freshDb();
    const f = flow(db);
    await load(f);
    const outputs = collect(helper.getNode("out"));
    await send([{ payload: { v: 1 }, measurement: "m", timestamp: T0 }]);
    await waitFor(() => outputs.length > 0, 10_000, "a flush");
    const spoolDir = path.join(userDir, "meterflow-spool", "w");
    fs.existsSync(spoolDir).should.be.true();
    await helper.setFlows([f[0], f[2]], "full", { cfg: { token: TOKEN } });
    fs.existsSync(spoolDir).should.be.false();

    // Deleted while InfluxDB is down: the points stay on disk, and a warning says where.
    await helper.setFlows(f, "full", { cfg: { token: TOKEN } });
    influx.proxy.down = true;
    await send([{ payload: { v: 2 }, measurement: "m", timestamp: T0 + 1 }]);
    const warnings = [];
    helper.getNode("w").on("call:warn", (call) => warnings.push(String(call.args[0])));
    await helper.setFlows([f[0], f[2]], "full", { cfg: { token: TOKEN } });
    fs.readdirSync(spoolDir)
      .some((n) => n.endsWith(".seg"))
      .should.be.true();
    await waitFor(() => warnings.some((t) => t.startsWith("1 point(s) not yet written stay in ")), 2000, "the warning");
  });

  it("reports a missing config node on the status and through done(err)", async function () {
    await helper.load(nodes, [{ id: "w", type: "meter-influxdb-write", server: "", wires: [] }]);
    const w = helper.getNode("w");
    const errors = await send([{ payload: { v: 1 }, measurement: "m" }]);
    String(errors[0].message || errors[0]).should.match(/Select a meter-influxdb config node/);
    helper._NodePrototype.status.args.some(([s]) => s && s.fill === "red").should.be.true();
    (featureOf(w) === undefined).should.be.true();
  });

  describe("test connection from the config dialog", function () {
    it("checks server, token and bucket without echoing the token", async function () {
      const db = await freshDb();
      await load(flow(db));
      const post = (body) => helper.request().post("/meter-influxdb/test").send(body);
      let res = await post({ id: "new-node", url: influx.url, org: "home", bucket: db, token: TOKEN });
      res.status.should.equal(200);
      res.body.should.eql({
        ok: true,
        version: "1.6.7~rc0",
        message: `Connected to InfluxDB 1.6.7~rc0; bucket "${db}" accepts writes.`,
        messageKey: "@meterflow/node-red/meter-influxdb:meter-influxdb.test.connected",
        messageVars: { server: "InfluxDB 1.6.7~rc0", bucket: db },
      });

      res = await post({ id: "new-node", url: influx.url, org: "home", bucket: db, token: WRONG_TOKEN });
      res.status.should.equal(400);
      res.body.error.should.equal("InfluxDB refused the credentials.");
      JSON.stringify(res.body).should.not.containEql(WRONG_TOKEN);

      // The dialog sends the placeholder: the stored token of that config node is used at its own URL.
      res = await post({ id: "cfg", url: influx.url, org: "home", bucket: db, token: "__PWRD__" });
      res.body.ok.should.be.true();

      res = await post({ id: "new-node", url: influx.url, bucket: "nope", token: TOKEN });
      res.status.should.equal(502);
      res.body.error.should.equal("InfluxDB answered HTTP 404.");

      res = await post({ id: "new-node", url: "", bucket: db, token: TOKEN });
      res.status.should.equal(400);
      res.body.error.should.match(/Set the URL of the InfluxDB server/);
      JSON.stringify(res.body).should.not.containEql(TOKEN);
    });
  });
});

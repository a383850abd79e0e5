"use strict";
// The "Daily meter analytics" example end to end against the real influxd: raw readings in InfluxDB →
// meter-influxdb-query → meter-interpolate (incremental) → meter-influxdb-write. The rows written back
// are the rows a full recompute over the whole history gives, after the backfill and after a daily run.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
require("should");
const { helper, major, nodeModules, waitFor } = require("../helpers/node-red");
const { startInfluxDB, requireInfluxd } = require("../../devtools/influxdb/harness");
const { writeMeterHistory } = require("../../devtools/influxdb/meter-history");
const { parseMeterSettings } = require("../../dist/features/meter/meter-settings");
const { runBatch } = require("../../dist/features/meter/batch-runner");

const runtime = require.resolve(major === "5" ? "node-red-5" : "node-red");
const coreNode = (file) =>
  require(path.join(path.dirname(require.resolve("@node-red/nodes/package.json", { paths: [runtime] })), file));
const examplePath = path.resolve(__dirname, "..", "..", "examples", "Daily meter analytics.json");
const DAY = 86_400_000;
const OUTPUTS = ["meter_interpolated_daily", "meter_interpolated_monthly", "meter_consumption", "meter_anomaly"];

describe("influxdb: Daily meter analytics example", function () {
  this.timeout(60_000);
  let influx;
  let userDir;
  const env = { INFLUX_URL: "", INFLUX_ORG: "home", INFLUX_BUCKET: "meters/autogen", INFLUX_TOKEN: "daily-token-3c1d" };
  const end = Math.floor(Date.now() / 900_000) * 900_000;
  const history = { db: "meters", days: 60, end };

  before(async function () {
    requireInfluxd(this);
    influx = await startInfluxDB({ db: "meters", token: env.INFLUX_TOKEN });
    env.INFLUX_URL = influx.url;
    // All but the last day now; the last day arrives before the "daily" run.
    await writeMeterHistory(influx, { ...history, only: (t) => t <= end - DAY });
  });
  after(async function () {
    if (influx) await influx.stop();
  });
  beforeEach(function (done) {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-daily-"));
    helper.settings({ userDir });
    for (const [k, v] of Object.entries(env)) process.env[k] = v;
    helper.startServer(done);
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    for (const k of Object.keys(env)) delete process.env[k];
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  /** Points a full (not incremental) run of the example's meter-interpolate gives over everything stored. */
  async function expectedRows(example) {
    const series = await influx.query(`SELECT "value" FROM "meter_reading" GROUP BY "entity_id"`);
    const meters = series.map((s) => ({
      id: s.tags.entity_id,
      readings: { t: Float64Array.from(s.values.map((r) => r[0])), v: Float64Array.from(s.values.map((r) => r[1])) },
    }));
    const config = example.find((n) => n.type === "meter-interpolate");
    const settings = parseMeterSettings({ ...config, incremental: false });
    const counts = Object.fromEntries(OUTPUTS.map((m) => [m, 0]));
    await runBatch({ payload: { meters } }, settings, {
      signal: new AbortController().signal,
      now: () => Date.now(),
      warn: () => undefined,
      evaluate: async (typed) => typed.value,
      send: ([, points]) => {
        for (const p of points ? points.payload : []) counts[p.measurement]++;
      },
    });
    return counts;
  }

  async function storedRows() {
    const counts = {};
    for (const m of OUTPUTS) {
      const field = m.startsWith("meter_interpolated") ? "value" : "consumption";
      counts[m] = await influx.count(m, field);
    }
    return counts;
  }

  it("the backfill and then a daily run write back exactly the rows of a full recompute", async function () {
    const example = JSON.parse(fs.readFileSync(examplePath, "utf8"));
    example[0].type.should.equal("comment");
    const types = [...new Set(example.map((n) => n.type))].sort();
    types.should.eql([
      "comment",
      "debug",
      "inject",
      "meter-influxdb",
      "meter-influxdb-query",
      "meter-influxdb-write",
      "meter-interpolate",
    ]);
    const credentials = {};
    const flow = example.map((n) => {
      if (n.credentials) credentials[n.id] = n.credentials;
      const { credentials: _c, ...rest } = n;
      return rest;
    });
    flow.unshift({ id: "mi_tab", type: "tab", label: "Daily meter analytics" });
    const nodes = [
      ...nodeModules("meter-influxdb", "meter-influxdb-query", "meter-interpolate", "meter-influxdb-write"),
      coreNode("core/common/90-comment.js"),
      coreNode("core/common/20-inject.js"),
      coreNode("core/common/21-debug.js"),
    ];
    const written = [];
    const first = await expectedRows(example);
    first.meter_interpolated_daily.should.be.above(3 * 55);
    await helper.load(nodes, flow, credentials);
    helper.getNode("mi_write").on("call:send", (call) => written.push(call.args[0].payload.written));
    // "backfill once" fires 2 s after the deploy and reads the whole history.
    const total = () => written.reduce((a, b) => a + b, 0);
    const sum = (c) => Object.values(c).reduce((a, b) => a + b, 0);
    await waitFor(() => total() >= sum(first), 30_000, "the backfill written");
    (await storedRows()).should.eql(first);

    // The last day lands in InfluxDB; the daily run reads the last 3 days and adds only what is new.
    await writeMeterHistory(influx, { ...history, only: (t) => t > end - DAY });
    const second = await expectedRows(example);
    sum(second).should.be.above(sum(first));
    helper.getNode("mi_inject").receive({ start: "-3d" });
    await waitFor(async () => sum(await storedRows()) >= sum(second), 30_000, "the daily run written");
    await new Promise((r) => setTimeout(r, 1500)); // anything extra would have been flushed by now
    const stored = await storedRows();
    // Anomalies of the daily run are judged against the stored baseline, the rest equals a full recompute.
    const { meter_anomaly: _a, ...values } = stored;
    const { meter_anomaly: _b, ...expected } = second;
    values.should.eql(expected);
  });
});

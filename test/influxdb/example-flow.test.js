"use strict";
// The shipped example runs unchanged: with INFLUX_* set, its reading lands in InfluxDB.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { helper, major, nodeModules, waitFor } = require("../helpers/node-red");
const { startInfluxDB, requireInfluxd } = require("../../devtools/influxdb/harness");

const runtime = require.resolve(major === "5" ? "node-red-5" : "node-red");
const coreNode = (file) =>
  require(path.join(path.dirname(require.resolve("@node-red/nodes/package.json", { paths: [runtime] })), file));
const examplePath = path.resolve(__dirname, "..", "..", "examples", "Store readings in InfluxDB.json");

describe("influxdb: example flow", function () {
  this.timeout(30_000);
  let influx;
  let userDir;
  const env = { INFLUX_URL: "", INFLUX_ORG: "home", INFLUX_BUCKET: "example", INFLUX_TOKEN: "example-token-1b2c" };

  before(async function () {
    requireInfluxd(this);
    influx = await startInfluxDB({ db: "example", token: env.INFLUX_TOKEN });
    env.INFLUX_URL = influx.url;
  });
  after(async function () {
    if (influx) await influx.stop();
  });
  beforeEach(function (done) {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-userdir-"));
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

  it("stores the reading its inject node builds, using only our nodes and core nodes", async function () {
    const flow = JSON.parse(fs.readFileSync(examplePath, "utf8"));
    flow[0].type.should.equal("tab");
    flow.some((n) => n.type === "comment").should.be.true();
    const types = new Set(flow.map((n) => n.type));
    [...types]
      .sort()
      .should.eql(["change", "comment", "debug", "inject", "meter-influxdb", "meter-influxdb-write", "tab"]);
    // Credentials travel beside the flow at runtime, as after an import and deploy.
    const credentials = {};
    for (const n of flow) {
      if (n.credentials) credentials[n.id] = n.credentials;
      delete n.credentials;
    }
    credentials.should.eql({ "meterflow-influxdb": { token: "${INFLUX_TOKEN}" } });
    const nodes = [
      ...nodeModules("meter-influxdb", "meter-influxdb-write"),
      coreNode("core/common/90-comment.js"),
      coreNode("core/common/20-inject.js"),
      coreNode("core/function/15-change.js"),
      coreNode("core/common/21-debug.js"),
    ];
    await helper.load(nodes, flow, credentials);
    const reports = [];
    const write = helper.getNode("a1f0c0de00000005");
    write.on("call:send", (call) => reports.push(call.args[0].payload));
    await waitFor(() => reports.length > 0, 15_000, "the first reading written");
    reports[0].should.eql({ written: 1, buffered: 0, dropped: 0 });
    const series = await influx.query('SELECT "flow", "total", "unit", "device", "site" FROM "water"');
    series[0].values.length.should.equal(1);
    const [time, flowValue, total, unit, device, site] = series[0].values[0];
    flowValue.should.be.within(0, 2);
    total.should.be.within(1000, 1100);
    [unit, device, site].should.eql(["gal", "demo-meter", "home"]);
    Math.abs(time - Date.now()).should.be.below(60_000);
  });
});

"use strict";
// A write node whose InfluxDB URL is blank (an example's `${INFLUX_URL}` with the variable not set): the
// points are kept on disk as in an outage, it says once what is missing, and a redeploy with the URL
// set writes them.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { helper, nodeModules, waitFor, collect, featureOf } = require("../helpers/node-red");
const { startInfluxDB, requireInfluxd } = require("../../devtools/influxdb/harness");

const nodes = nodeModules("meter-influxdb", "meter-influxdb-write");
const T0 = Date.UTC(2026, 0, 1);
const UNSET = "MF_TEST_INFLUX_URL_NEVER_SET";

describe("influxdb: meter-influxdb-write without a URL", function () {
  this.timeout(60_000);
  let influx;
  let userDir;

  before(async function () {
    requireInfluxd(this);
    delete process.env[UNSET];
    influx = await startInfluxDB({ token: "tok" });
    await influx.createDatabase("nourl");
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

  const flow = (url) => [
    { id: "cfg", type: "meter-influxdb", name: "influx", url, org: "", bucket: "nourl" },
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
    },
    { id: "out", type: "helper" },
  ];

  it("keeps the points on disk, says once that the URL is missing, and writes them after a redeploy with it", async function () {
    await helper.load(nodes, flow(`\${${UNSET}}`), { cfg: { token: "tok" } });
    const w = helper.getNode("w");
    const errors = [];
    const warnings = [];
    w.on("call:error", (call) => errors.push(call.args[0]));
    w.on("call:warn", (call) => warnings.push(call.args[0]));
    for (let i = 0; i < 3; i++) w.receive({ payload: { v: i }, measurement: "m", timestamp: T0 + i });
    await waitFor(() => featureOf(w).buffered === 3, 5000, "three points in the spool");
    await waitFor(() => warnings.length > 0, 5000, "a warning");
    await new Promise((r) => setTimeout(r, 300)); // several retries meanwhile
    w.receive({ payload: { v: 3 }, measurement: "m", timestamp: T0 + 3 });
    await waitFor(() => featureOf(w).buffered === 4, 5000, "a fourth point in the spool");
    await new Promise((r) => setTimeout(r, 200));
    errors.should.eql([]);
    warnings.length.should.equal(1);
    warnings[0].should.startWith(
      `The meter-influxdb config node reads its URL from the environment variable ${UNSET}, which Node-RED does not have: the points are kept on disk and written once the URL is set and the flow deployed again.`,
    );
    helper._NodePrototype.status.args
      .some(([s]) => s && s.fill === "yellow" && /^no InfluxDB URL · \d buffered/.test(s.text))
      .should.be.true();
    fs.readdirSync(path.join(userDir, "meterflow-spool", "w")).length.should.be.above(0);

    await helper.unload();
    await helper.load(nodes, flow(influx.url), { cfg: { token: "tok" } });
    const outputs = collect(helper.getNode("out"));
    await waitFor(() => outputs.some((m) => m.payload.buffered === 0), 10_000, "the kept points written");
    (await influx.query('SELECT "v" FROM "m"', "nourl"))[0].values.map((r) => r[1]).should.eql([0, 1, 2, 3]);
  });
});

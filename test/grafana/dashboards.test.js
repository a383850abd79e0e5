"use strict";
// Every panel of the Grafana dashboards in docs/grafana/ runs, with Grafana's macros expanded, against a
// real influxd that the demo's flows filled through meter-influxdb-write; each panel must get a series.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startDemo } = require("../../devtools/demo/demo-lib");
const { requireInfluxd } = require("../../devtools/influxdb/harness");
const { waitFor } = require("../helpers/node-red");
const { expand } = require("./grafana-queries");

const dir = path.join(__dirname, "..", "..", "docs", "grafana");
const dashboards = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"))]);

// What the demo writes.
const MEASUREMENTS = [
  "flume_flow",
  "flume_usage",
  "energylive",
  "tibber_price",
  "tibber_consumption",
  "meter_consumption",
];

describe("Grafana dashboards (docs/grafana) against the demo's data in influxd", function () {
  this.timeout(180000);
  let demo;

  before(async function () {
    requireInfluxd(this);
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-grafana-"));
    demo = await startDemo({ userDir, quiet: true });
    // The Daily meter analytics example backfills the demo's raw readings at deploy; their water meter has
    // one day of ten times the usual use, which the anomaly detection flags.
    for (const m of [...MEASUREMENTS, "meter_anomaly"]) {
      await waitFor(
        async () => (await demo.influx.query(`SELECT count(*) FROM "${m}"`)).length > 0,
        90000,
        `points in ${m}`,
      );
    }
  });

  after(async function () {
    if (demo) await demo.stop();
  });

  it("uses InfluxQL with Grafana's macros in every panel", function () {
    for (const [file, dash] of dashboards) {
      dash.panels.length.should.be.above(5, file);
      for (const p of dash.panels) {
        p.datasource.type.should.equal("influxdb");
        for (const t of p.targets) {
          t.rawQuery.should.be.true();
          t.query.should.match(/\$timeFilter/, `${file} ${p.title}`);
        }
      }
    }
  });

  for (const [file, dash] of dashboards) {
    for (const panel of dash.panels) {
      it(`${file}: "${panel.title}" returns a series`, async function () {
        // A range that holds the live data and the meter example's 2025 sample readings.
        const range = { from: Date.parse("2025-01-01T00:00:00Z"), to: Date.now() + 2 * 86400000 };
        const results = [];
        for (const t of panel.targets) results.push(await demo.influx.query(expand(t.query, range)));
        const series = results.flat();
        series.length.should.be.above(0, panel.title);
        series.some((s) => s.values.some((row) => row.slice(1).some((v) => v !== null))).should.be.true();
        console.log(
          `      ${panel.title}: ${series.length} series, ${results.map((r) => r.length).join(" + ")} by target`,
        );
      });
    }
  }
});

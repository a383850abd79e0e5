"use strict";
// `npm start` as a user runs it: the simulators, a real InfluxDB and a Node-RED with every example
// deployed unchanged. Checks that each example does its job end to end, and that a Flume leak is
// spoken on Alexa exactly once while it lasts.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startDemo, readExamples } = require("../../devtools/demo/demo-lib");
const { requireInfluxd } = require("../../devtools/influxdb/harness");
const { major, waitFor } = require("../helpers/node-red");

// The flow part is added when the poll that sees the alert also read a flow.
const LEAK_SENTENCE = /^Flume reports a possible leak\.( Water is running at \d+(\.\d+)? gallons per minute\.)?$/;

describe(`npm start demo (Node-RED ${major})`, function () {
  this.timeout(180000);
  let demo;

  before(async function () {
    requireInfluxd(this);
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-demo-"));
    demo = await startDemo({
      userDir,
      nodeRedMajor: major,
      quiet: true,
      // The leak is already running when Node-RED starts, so the first poll sees it.
      prepare: async ({ flume }) => flume.raiseLeak(),
    });
  });

  after(async function () {
    if (demo) await demo.stop();
  });

  it("deploys every example flow unchanged, with this package's nodes loaded", async function () {
    const flows = await (await fetch(`${demo.url}flows`)).json();
    const deployed = new Set(flows.map((n) => n.id));
    for (const [label, nodes] of readExamples()) {
      for (const n of nodes) deployed.has(n.id).should.be.true(`${label}: ${n.type} ${n.id} is deployed`);
    }
    const sets = await (await fetch(`${demo.url}nodes`, { headers: { Accept: "application/json" } })).json();
    const ours = sets.filter((s) => s.module === "@meterflow/node-red");
    ours.every((s) => s.enabled && !s.err).should.be.true();
    ours.length.should.equal(Object.keys(require("../../package.json")["node-red"].nodes).length);
  });

  it("gives the InfluxDB token only as the examples' own ${INFLUX_TOKEN}, to one shared config node", function () {
    const credentials = JSON.parse(fs.readFileSync(path.join(demo.userDir, "flows_cred.json"), "utf8"));
    const influx = demo.flows.filter((n) => n.type === "meter-influxdb");
    influx.map((n) => n.id).should.eql(["meterflow-influxdb"]);
    credentials["meterflow-influxdb"].should.eql({ token: "${INFLUX_TOKEN}" });
    demo.flows.filter((n) => n.type === "flume-config").length.should.equal(1);
  });

  it("stores what the readers read in InfluxDB", async function () {
    const influx = demo.influx;
    for (const measurement of ["flume_flow", "energylive", "tibber_price"]) {
      await waitFor(
        async () => (await influx.query(`SELECT * FROM "${measurement}" LIMIT 1`)).length > 0,
        60000,
        `${measurement} points in InfluxDB`,
      );
    }
    const [flow] = await influx.query(`SELECT "flowRate" FROM "flume_flow" LIMIT 1`);
    flow.values[0][1].should.be.a.Number();
  });

  it("stores Tibber Pulse live measurements in InfluxDB", async function () {
    const influx = demo.influx;
    await waitFor(
      async () => (await influx.query(`SELECT "power" FROM "tibber_live" LIMIT 1`)).length > 0,
      60000,
      "tibber_live points in InfluxDB",
    );
    const [series] = await influx.query(`SELECT "power", "lastMeterConsumption" FROM "tibber_live" LIMIT 3`);
    series.columns.should.eql(["time", "power", "lastMeterConsumption"]);
    for (const [, power, register] of series.values) {
      power.should.be.within(1, 10000);
      register.should.be.above(0);
    }
  });

  it("bills an hour of the energyLIVE meter with energy-cost and stores the bill in InfluxDB", async function () {
    const influx = demo.influx;
    const { energylive } = demo.simulators;
    // Live meter-interpolate bills an hour once a reading lies on either side of both its edges. The
    // examples' readers have read the meter once; two hours pass on the simulator's clock, and their next
    // poll (every 60 s) crosses two hour boundaries: the hour between them is complete.
    await waitFor(() => energylive.count(/\/measurements\/latest$/) >= 3, 60000, "the first energyLIVE polls");
    energylive.clock.advance(2 * 3600000);
    await waitFor(
      async () => (await influx.query(`SELECT * FROM "energy_cost" WHERE "interval" = 'hourly' LIMIT 1`)).length > 0,
      100000,
      "an hourly energy_cost point in InfluxDB",
    );
    const [hour] = await influx.query(
      `SELECT "kwh", "energy_cost", "total_cost", "avg_price" FROM "energy_cost" WHERE "interval" = 'hourly' LIMIT 1`,
    );
    const [, kwh, energyCost, totalCost, avgPrice] = hour.values[0];
    // At midday the demo's solar panels cover the load: the import register may stand still for an hour.
    kwh.should.be.aboveOrEqual(0);
    if (kwh > 0) (energyCost / kwh).should.be.approximately(avgPrice, 1e-4);
    else energyCost.should.equal(0);
    // The example's tariff (grid fee, levies, VAT, fixed charge) comes on top of the energy.
    totalCost.should.be.above(energyCost);
    (await influx.count("energy_cost", "kwh")).should.be.aboveOrEqual(3); // the hour, its day and its month
  });

  it("runs the daily meter analytics loop on the raw readings the demo stored", async function () {
    const influx = demo.influx;
    (await influx.count("meter_reading")).should.be.above(3 * 90 * 96);
    // "backfill once" reads the 90 days back, meter-interpolate writes a value per local midnight and meter.
    await waitFor(
      async () => (await influx.count("meter_interpolated_daily")) >= 3 * 89,
      60000,
      "daily values of the three demo meters",
    );
    const series = await influx.query(`SELECT count("value") FROM "meter_interpolated_daily" GROUP BY "meter_id"`);
    series.map((s) => s.tags.meter_id).should.eql(["gas_total", "strom_total", "wasser"]);
  });

  it("speaks a Flume leak on Alexa exactly once while it lasts", async function () {
    const { flume, voicemonkey } = demo.simulators;
    await waitFor(() => voicemonkey.announcements.length >= 1, 60000, "the leak announcement");
    // Let the leak example poll again (every 60 s) while the leak is still active: nothing new is said.
    const polls = flume.count(/\/query\/active$/);
    await waitFor(() => flume.count(/\/query\/active$/) >= polls + 1, 100000, "another Flume poll");
    voicemonkey.announcements.length.should.equal(1);
    const [spoken] = voicemonkey.announcements;
    spoken.device.should.equal("echo-kitchen");
    spoken.text.should.match(LEAK_SENTENCE);
    demo.output().should.not.match(/\[error\]/);
  });
});

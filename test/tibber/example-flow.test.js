"use strict";
// The shipped example: its shape, and that its Tibber node works unchanged with a blank base URL
// pointed at the simulator through TIBBER_BASE_URL, as in the demo.
const path = require("node:path");
const { helper, nodeModules, collect, waitFor } = require("../helpers/node-red");
const { TibberSimulator, DEMO_CREDENTIALS } = require("../../build/devtools/simulators/tibber");
const { resetTibberAccounts } = require("../../dist/features/tibber/client/price-feed");

const tibberModules = nodeModules("tibber-account", "tibber-prices");
const example = require(path.join(__dirname, "..", "..", "examples", "Tibber prices to InfluxDB.json"));
const CORE = ["tab", "comment", "inject", "debug"];
const OURS = ["tibber-account", "tibber-prices", "meter-influxdb", "meter-influxdb-write"];

describe("Tibber prices to InfluxDB example", function () {
  let sim;
  beforeEach(async function () {
    sim = new TibberSimulator();
    await sim.start();
    resetTibberAccounts();
    process.env.TIBBER_BASE_URL = sim.url;
  });
  afterEach(async function () {
    await helper.unload();
    delete process.env.TIBBER_BASE_URL;
    resetTibberAccounts();
    await sim.stop();
  });

  it("opens with a comment on its own tab, uses only core and meterflow nodes, and ships no secret", function () {
    example[0].type.should.equal("tab");
    example[1].type.should.equal("comment");
    example[1].info.should.match(/developer\.tibber\.com/);
    for (const n of example) (CORE.includes(n.type) || OURS.includes(n.type)).should.be.true(n.type);
    for (const n of example.filter((x) => x.x !== undefined)) n.z.should.equal(example[0].id);
    const tibber = example.find((n) => n.type === "tibber-prices");
    tibber.baseUrl.should.equal("");
    (tibber.credentials === undefined).should.be.true();
    // The token goes into the shared account node, which the example carries without one.
    const account = example.find((n) => n.type === "tibber-account");
    tibber.account.should.equal("meterflow-tibber-account");
    account.should.eql({ id: tibber.account, type: "tibber-account", name: "Tibber account", baseUrl: "" });
    const influx = example.find((n) => n.type === "meter-influxdb");
    influx.should.containDeep({ url: "${INFLUX_URL}", org: "${INFLUX_ORG}", bucket: "${INFLUX_BUCKET}" });
    const write = example.find((n) => n.type === "meter-influxdb-write");
    write.server.should.equal(influx.id);
    tibber.wires[1].should.eql([write.id]);
    example.find((n) => n.type === "inject").payload.should.equal("consumption");
  });

  it("runs its Tibber node unchanged against the simulator and feeds the InfluxDB writer", async function () {
    // The writer and debug node belong to other nodes; helper nodes stand in for them here.
    const flow = example
      .filter(
        (n) =>
          n.type === "tibber-prices" ||
          n.type === "tibber-account" ||
          n.type === "debug" ||
          n.type === "meter-influxdb-write" ||
          n.type === "tab",
      )
      .map((n) => (n.type === "debug" || n.type === "meter-influxdb-write" ? { id: n.id, z: n.z, type: "helper" } : n));
    const tibber = example.find((n) => n.type === "tibber-prices");
    await helper.load(tibberModules, flow, { [tibber.account]: DEMO_CREDENTIALS });
    const debug = collect(helper.getNode("tibber-example-debug"));
    const points = collect(helper.getNode("tibber-example-influx-write"));
    await waitFor(() => debug.length >= 1 && points.length >= 96, 10000, "the first automatic emission");
    debug[0].payload.resolution.should.equal("QUARTER_HOURLY");
    debug[0].payload.cheapest.minutes.should.equal(120);
    points[0].measurement.should.equal("tibber_price");
    sim.calls.should.equal(2);
  });
});

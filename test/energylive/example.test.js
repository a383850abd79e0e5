"use strict";
const path = require("node:path");
const { helper, major, nodeModules, nextMessage } = require("../helpers/node-red");
const { demoSimulator, DEMO_CREDENTIALS, DEMO_DEVICE_UID } = require("../../build/devtools/simulators/energylive");

const example = require("../../examples/energyLIVE smart meter to InfluxDB.json");
const readerModules = nodeModules("energylive-account", "energylive-reader");
// The change node of the Node-RED under test, to run the example's own rules.
const nodesPackage = major === "5" ? "node-red-5/node_modules/@node-red/nodes" : "@node-red/nodes";
const changeModule = require(path.join(nodesPackage, "core/function/15-change.js"));

const OURS = ["energylive-account", "energylive-reader", "meter-influxdb-write", "meter-influxdb", "meter-interpolate"];
const CORE = ["tab", "comment", "inject", "change", "debug"];

describe("example: energyLIVE smart meter to InfluxDB", function () {
  it("opens with a comment, uses only our nodes and core nodes, and ships no secret", function () {
    example.should.be.an.Array();
    example[0].type.should.equal("tab");
    example[1].type.should.equal("comment");
    example[1].info.should.match(/API key/);
    for (const n of example) [...OURS, ...CORE].should.containEql(n.type);
    const reader = example.find((n) => n.type === "energylive-reader");
    reader.should.containDeep({ deviceUid: DEMO_DEVICE_UID, baseUrl: "", interval: 60, onlyNew: true });
    (reader.credentials === undefined).should.be.true();
    // The key goes into the shared account node, which the example carries without one.
    reader.account.should.equal("meterflow-energylive-account");
    const account = example.find((n) => n.id === reader.account);
    account.should.eql({ id: reader.account, type: "energylive-account", name: "energyLIVE account", baseUrl: "" });
    const influx = example.find((n) => n.type === "meter-influxdb");
    influx.should.containDeep({ url: "${INFLUX_URL}", org: "${INFLUX_ORG}", bucket: "${INFLUX_BUCKET}" });
    influx.credentials.should.eql({ token: "${INFLUX_TOKEN}" });
    const write = example.find((n) => n.type === "meter-influxdb-write");
    write.server.should.equal(influx.id);
    reader.wires[0].should.containEql(write.id);
    const interpolate = example.find((n) => n.type === "meter-interpolate");
    interpolate.should.containDeep({ intervals: ["day"], timezone: "Europe/Vienna" });
  });

  describe("running against the simulator as the demo does", function () {
    let sim;
    let savedEnv;
    beforeEach(async function () {
      sim = demoSimulator();
      await sim.start();
      savedEnv = process.env.ENERGYLIVE_BASE_URL;
      process.env.ENERGYLIVE_BASE_URL = sim.url;
    });
    afterEach(async function () {
      await helper.unload();
      await sim.stop();
      if (savedEnv === undefined) delete process.env.ENERGYLIVE_BASE_URL;
      else process.env.ENERGYLIVE_BASE_URL = savedEnv;
    });

    it("reads through the blank base URL and feeds the import register, by device, to interpolation and storage", async function () {
      // The reader and the change node are the real ones; the other nodes stand in as helper nodes.
      const real = ["tab", "energylive-account", "energylive-reader", "change"];
      const flow = example
        .filter((n) => n.type !== "meter-influxdb" && n.type !== "comment")
        .map((n) => (real.includes(n.type) ? n : { id: n.id, z: n.z, type: "helper", wires: n.wires }));
      const reader = flow.find((n) => n.type === "energylive-reader");
      const write = example.find((n) => n.type === "meter-influxdb-write");
      const interpolate = example.find((n) => n.type === "meter-interpolate");
      await helper.load([...readerModules, changeModule], flow, { [reader.account]: DEMO_CREDENTIALS });
      const [toStore, toInterpolate] = await Promise.all([
        nextMessage(helper.getNode(write.id)),
        nextMessage(helper.getNode(interpolate.id)),
      ]);
      toStore.measurement.should.equal("energylive");
      toStore.tags.should.eql({ device_uid: DEMO_DEVICE_UID });
      toStore.payload.energy_import_wh.should.be.a.Number();
      toInterpolate.topic.should.equal(DEMO_DEVICE_UID);
      toInterpolate.payload.should.equal(toStore.payload.energy_import_wh);
      sim.count(`/api/v1/devices/${DEMO_DEVICE_UID}/measurements/latest`).should.equal(1);
    });
  });
});

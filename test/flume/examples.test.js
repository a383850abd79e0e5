"use strict";
const path = require("node:path");
const fs = require("node:fs");
const { helper, major, nodeModules, waitFor, featureOf } = require("../helpers/node-red");
const { startLeakWatch } = require("../helpers/secrets");
const { demoSimulator, DEMO_CREDENTIALS } = require("../../build/devtools/simulators/flume");

const runtimeDir = path.dirname(require.resolve(major === "5" ? "node-red-5/package.json" : "node-red/package.json"));
const core = (file) => require(require.resolve(`@node-red/nodes/core/${file}`, { paths: [runtimeDir] }));
const CORE = [
  core("common/20-inject.js"),
  core("common/21-debug.js"),
  core("function/15-change.js"),
  core("function/10-switch.js"),
  core("common/90-comment.js"),
];
const EXAMPLES = path.resolve(__dirname, "..", "..", "examples");

/** An example as the demo deploys it: other engineers' nodes stand in as helper nodes we can watch. */
function loadExample(file) {
  const nodes = JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), "utf8"));
  nodes[0].type.should.equal("tab");
  nodes[1].type.should.equal("comment");
  const credentials = {};
  const flowNodes = [];
  for (const n of nodes) {
    if (n.type === "flume-config") {
      n.baseUrl.should.equal("");
      credentials[n.id] = { ...DEMO_CREDENTIALS };
    }
    // The announce node is a stand-in here, so its account is not needed.
    if (n.type === "meter-influxdb" || n.type === "voicemonkey-account") continue;
    if (n.type === "voicemonkey-announce" || n.type === "meter-influxdb-write") {
      flowNodes.push({ id: n.id, z: n.z, type: "helper", wires: n.wires, standsFor: n.type });
    } else flowNodes.push(n);
  }
  return { nodes: flowNodes, credentials };
}

describe("flume examples in the demo", function () {
  let sim;
  beforeEach(async function () {
    sim = demoSimulator();
    await sim.start();
    process.env.FLUME_BASE_URL = sim.url; // what the demo sets; the examples leave baseUrl blank
  });
  afterEach(async function () {
    await helper.unload();
    await sim.stop();
    delete process.env.FLUME_BASE_URL;
  });

  it("Flume leak alert to Alexa: the demo's Flume leak reaches the announce node once, as a sentence", async function () {
    const watch = startLeakWatch();
    sim.clock.advance(2 * 60_000); // the demo leak starts a minute after start
    const { nodes, credentials } = loadExample("Flume leak alert to Alexa.json");
    await helper.load([...nodeModules("flume-config", "flume-flow"), ...CORE], nodes, credentials);
    const announce = helper.getNode(nodes.find((n) => n.standsFor === "voicemonkey-announce").id);
    const spoken = [];
    announce.on("input", (msg) => spoken.push(msg));
    await waitFor(() => spoken.length >= 1, 10_000, "the alert");
    await new Promise((r) => setTimeout(r, 100));
    spoken.length.should.equal(1);
    spoken[0].topic.should.equal("leak");
    spoken[0].payload.should.containDeep({ type: "leak", source: "flume", deviceId: sim.sensorId, flowRate: 0.35 });
    spoken[0].payload.message.should.equal(
      "Flume reports a possible leak. Water is running at 0.35 gallons per minute.",
    );
    // The default interval fits the budget: no stretching, green status.
    featureOf(helper.getNode("meterflow-flume-account")).account.plan().factor.should.equal(1);
    watch.assertNoLeak([DEMO_CREDENTIALS.clientSecret, DEMO_CREDENTIALS.password]);
  });

  it("Flume water usage to InfluxDB: flow points and hourly usage points reach the write node", async function () {
    const { nodes, credentials } = loadExample("Flume water usage to InfluxDB.json");
    await helper.load([...nodeModules("flume-config", "flume-flow"), ...CORE], nodes, credentials);
    const writer = helper.getNode(nodes.find((n) => n.standsFor === "meter-influxdb-write").id);
    const got = [];
    writer.on("input", (msg) => got.push(msg));
    await waitFor(() => got.some((m) => m.measurement === "flume_flow"), 10_000, "a flow point");
    const flowMsg = got.find((m) => m.measurement === "flume_flow");
    Object.keys(flowMsg.payload).sort().should.eql(["active", "flowRate"]);
    flowMsg.tags.should.eql({ device_id: sim.sensorId, location: "Home", unit: "gal/min" });
    const inject = nodes.find((n) => n.type === "inject");
    const usageNode = helper.getNode(inject.wires[0][0]);
    usageNode.receive({ payload: JSON.parse(inject.payload) });
    await waitFor(() => got.some((m) => Array.isArray(m.payload)), 10_000, "usage points");
    const points = got.find((m) => Array.isArray(m.payload)).payload;
    points.length.should.be.within(24, 25);
    points[0].should.have.properties(["measurement", "tags", "fields", "timestamp"]);
    points[0].measurement.should.equal("flume_usage");
    points[0].tags.should.eql({ device_id: sim.sensorId, location: "Home", unit: "gal", bucket: "HR" });
    // The demo runs water 3 of every 12 minutes at 1.2-1.8 gal/min: each full hour used some.
    points
      .slice(1, -1)
      .every((p) => p.fields.value > 5 && p.fields.value < 40)
      .should.be.true();
  });
});

"use strict";
const { helper, nodeModules, collect, waitFor } = require("../helpers/node-red");
const { FlumeSimulator } = require("../../build/devtools/simulators/flume");

// Flume's High Flow Alert (reference A6, A7) end to end: the simulator raises it, flume-flow reads the
// unread notification and sends one alert on its second output, then one clearing.
const CREDS = { clientId: "cid-hf", clientSecret: "csecret-hf", username: "hf@example.com", password: "pw-hf" };
const MIN = 60_000;

function flow(sim) {
  return [
    // timeScale makes the five-minute alert period a third of a millisecond: every poll checks.
    { id: "acct", type: "flume-config", name: "home", baseUrl: sim.url, budget: 100, timeScale: 1e6 },
    {
      id: "ff",
      type: "flume-flow",
      flume: "acct",
      device: "",
      interval: 0,
      unit: "gal",
      leakThreshold: 0,
      leakMinutes: 30,
      useFlumeAlerts: true,
      wires: [["out1"], ["out2"]],
    },
    { id: "out1", type: "helper" },
    { id: "out2", type: "helper" },
  ];
}

describe("flume-flow node with Flume's High Flow Alert", function () {
  const t0 = Date.UTC(2026, 6, 1, 9, 0);
  let sim;
  let out1;
  let alerts;
  beforeEach(async function () {
    sim = new FlumeSimulator({ account: CREDS });
    await sim.start();
    sim.clock.freeze(t0);
    await helper.load(nodeModules("flume-config", "flume-flow"), flow(sim), { acct: CREDS });
    out1 = collect(helper.getNode("out1"));
    alerts = collect(helper.getNode("out2"));
  });
  afterEach(async function () {
    await helper.unload();
    await sim.stop();
  });

  async function pollAt(minute) {
    sim.clock.set(t0 + minute * MIN);
    const before = out1.length;
    const checks = sim.count("/notifications");
    helper.getNode("ff").receive({});
    await waitFor(() => out1.length > before, 5000, `poll at ${minute}`);
    await waitFor(() => sim.count("/notifications") > checks, 5000, "alert check");
    await new Promise((r) => setTimeout(r, 20));
  }

  const seen = () => alerts.map((a) => [a.payload.type, a.payload.source]);

  it("raises it once while the water runs and clears it once when the water stops", async function () {
    await pollAt(0);
    sim.scriptFlow(6, { fromMs: t0, minutes: 20 });
    sim.raiseHighFlow(sim.sensorId, t0 + 15 * MIN);
    await pollAt(16);
    await pollAt(18);
    await pollAt(25);
    await pollAt(30);
    seen().should.eql([
      ["high-flow", "flume"],
      ["high-flow-cleared", "flume"],
    ]);
    alerts[0].payload.since.should.equal(new Date(t0 + 15 * MIN).toISOString());
    alerts[0].payload.message.should.equal("Flume reports high water flow, 6 gallons per minute right now.");
    alerts[1].payload.message.should.equal("The high water flow has stopped.");
  });

  it("clears it when the notification is read in the app, though water still runs", async function () {
    sim.scriptFlow(6, { fromMs: t0, minutes: 60 });
    await pollAt(0);
    sim.raiseHighFlow(sim.sensorId, t0 + 2 * MIN);
    await pollAt(5);
    sim.markAllRead();
    await pollAt(10);
    await pollAt(15);
    seen().should.eql([
      ["high-flow", "flume"],
      ["high-flow-cleared", "flume"],
    ]);
  });
});

"use strict";
// Redeploys while editing used to cost Flume calls: every deploy of a flume-flow node polled at once (flow,
// notifications, leaks/active) and every restart of the account node fetched the device list again, so
// about 30 deploys in an hour used up the budget and polling stopped. A redeploy that keeps the account's
// token and device list, and the node's polling times, costs no call now.
const { helper, nodeModules, collect, waitFor } = require("../helpers/node-red");
const { FlumeSimulator } = require("../../build/devtools/simulators/flume");

const CREDS = { clientId: "cid-rd", clientSecret: "csecret-rd", username: "rd@example.com", password: "pw-rd-4" };
// timeScale 1000: the budget's hour lasts 3.6 s, the 60 s interval 60 ms, the five-minute alert period 300 ms.
const HOUR = 3600;

function flow(sim, name) {
  return [
    { id: "tab1", type: "tab", label: "test" },
    { id: "acct", type: "flume-config", name: "home", baseUrl: sim.url, budget: 100, timeScale: 1000 },
    {
      id: "ff",
      type: "flume-flow",
      z: "tab1",
      name,
      flume: "acct",
      device: "",
      interval: 60,
      unit: "gal",
      leakThreshold: 0.5,
      leakMinutes: 30,
      useFlumeAlerts: true,
      wires: [["out1"], []],
    },
    { id: "out1", type: "helper", z: "tab1" },
  ];
}

describe("flume redeploys", function () {
  let sim;
  beforeEach(async function () {
    sim = new FlumeSimulator({ account: CREDS });
    sim.usersWindow.windowMs = HOUR; // Flume's own 120 an hour, on the same scaled hour
    await sim.start();
  });
  afterEach(async function () {
    await helper.unload();
    await sim.stop();
  });

  it("30 redeploys in a few minutes cost no token and no device call, and polling stays within the hour's budget", async function () {
    const t0 = Date.now();
    await helper.load(nodeModules("flume-config", "flume-flow"), flow(sim, "v0"), { acct: CREDS });
    await waitFor(() => sim.count(/\/query\/active$/) >= 1, 5000, "the first poll");
    const first = { token: sim.count("/oauth/token"), devices: sim.count("/users/12345/devices", "GET") };
    first.should.eql({ token: 1, devices: 1 });
    // 30 deploys, one every 10 ms (10 s at this scale): the node alone ("nodes") and everything ("full").
    for (let i = 1; i <= 30; i++) {
      await helper.setFlows(flow(sim, i % 2 ? `v${i}` : "v0"), i % 2 ? "nodes" : "full", { acct: CREDS });
      await new Promise((r) => setTimeout(r, 10));
    }
    const deploysTook = Date.now() - t0;
    sim.count("/oauth/token").should.equal(first.token);
    sim.count("/users/12345/devices", "GET").should.equal(first.devices);
    // The rest of the hour: polls go on, within the budget, never refused by it nor by Flume.
    const out1 = collect(helper.getNode("out1"));
    const { status } = helper._NodePrototype;
    await new Promise((r) => setTimeout(r, Math.max(0, HOUR - deploysTook)));
    out1.length.should.be.above(20);
    const users = sim.log.filter((r) => r.path.startsWith("/users/"));
    console.log(`      after 30 redeploys: ${users.length} /users calls and ${out1.length} polls in the hour`);
    users.length.should.be.belowOrEqual(100);
    sim.log.filter((r) => r.status === 429).length.should.equal(0);
    status
      .getCalls()
      .filter((c) => c.thisValue.id === "ff")
      .some((c) => /rate budget|rate limited/.test(c.args[0].text || ""))
      .should.be.false();
    sim.count("/oauth/token").should.equal(1);
    sim.count("/users/12345/devices", "GET").should.equal(1);
  });
});

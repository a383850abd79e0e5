"use strict";
// The tibber-live node in Node-RED (4 or 5) against the Tibber simulator: readings under the contract,
// the status through a fault, the stop on "too many connections", close ending the socket, no token leak.
const { helper, nodeModules, collect, waitFor } = require("../helpers/node-red");
const { startLeakWatch } = require("../helpers/secrets");
const { TibberSimulator, DEMO_TOKEN, WINTERFELL } = require("../../build/devtools/simulators/tibber");
const { linesFromMessage } = require("../../dist/features/influxdb/domain/points");

const [tibberLive] = nodeModules("tibber-live");
const FAST = { baseMs: 20, maxMs: 200, keepAliveMs: 100, tooManyBaseMs: 20, maxTooMany: 2, goingAwayMaxMs: 30 };

describe("tibber-live node", function () {
  let sim;
  before(function (done) {
    helper.settings({ tibberLive: FAST });
    helper.startServer(done);
  });
  after(function (done) {
    helper.settings({});
    helper.stopServer(done);
  });
  beforeEach(async function () {
    sim = new TibberSimulator();
    sim.live.intervalMs = 20;
    await sim.start();
  });
  afterEach(async function () {
    await helper.unload();
    await sim.stop();
  });

  async function load(props = {}, token = DEMO_TOKEN) {
    const flow = [
      {
        id: "live",
        type: "tibber-live",
        baseUrl: sim.url,
        home: "",
        every: 0,
        everyMode: "last",
        silence: 90,
        wires: [["out"]],
        ...props,
      },
      { id: "out", type: "helper" },
    ];
    await helper.load(tibberLive, flow, { live: { token } });
    const node = helper.getNode("live");
    const statuses = [];
    const errors = [];
    node.on("call:status", (c) => statuses.push(c.args[0]));
    node.on("call:error", (c) => errors.push(c.args[0]));
    return { node, statuses, errors, messages: collect(helper.getNode("out")) };
  }

  it("sends each measurement as a tibber_live reading that meter-influxdb-write stores unchanged", async function () {
    const watch = startLeakWatch();
    const { messages, statuses } = await load();
    await waitFor(() => messages.length >= 3, 5000, "messages");
    const msg = messages[0];
    msg.measurement.should.equal("tibber_live");
    msg.tags.should.eql({ home_id: WINTERFELL.id, currency: "NOK" });
    msg.topic.should.equal(`tibber_live/${WINTERFELL.id}`);
    for (const v of Object.values(msg.payload)) v.should.be.a.Number();
    msg.payload.should.have.properties([
      "power",
      "lastMeterConsumption",
      "accumulatedCost",
      "voltagePhase1",
      "currentL1",
    ]);
    msg.payload.should.not.have.property("currentL3"); // null in the feed: no field
    const built = linesFromMessage(msg, { now: 1 });
    built.rejected.should.eql([]);
    built.lines[0].should.startWith(`tibber_live,currency=NOK,home_id=${WINTERFELL.id} `);
    // msg.timestamp is the measurement's own time, strictly increasing
    for (let i = 1; i < messages.length; i++) messages[i].timestamp.should.be.above(messages[i - 1].timestamp);
    statuses.some((s) => /^ok · live · \d+ W/.test(s.text)).should.be.true();
    watch.assertNoLeak([DEMO_TOKEN]);
  });

  it("dedupes repeated timestamps and sends at most one message per window", async function () {
    sim.live.repeats = 1000;
    const { messages } = await load({ every: 0 });
    await waitFor(() => sim.live.sent >= 20, 5000, "feed");
    const stamps = messages.map((m) => m.timestamp);
    new Set(stamps).size.should.equal(stamps.length);
  });

  it("with every = 0.2 s and average: one message per 200 ms of measurement time", async function () {
    const { messages } = await load({ every: 0.2, everyMode: "average" });
    await waitFor(() => messages.length >= 4, 10000, "windows");
    for (let i = 1; i < messages.length; i++)
      (messages[i].timestamp - messages[i - 1].timestamp).should.be.aboveOrEqual(200);
    messages.length.should.be.below(sim.live.sent / 3);
  });

  it("shows reconnecting after a drop and live again after", async function () {
    const { messages, statuses } = await load();
    await waitFor(() => messages.length >= 1, 5000, "first message");
    sim.live.drop();
    await waitFor(
      () => statuses.some((s) => /^reconnecting in \d+ s · socket closed/.test(s.text)),
      5000,
      "reconnecting",
    );
    const before = messages.length;
    await waitFor(() => messages.length > before + 1, 5000, "messages after the drop");
  });

  it('stops after Tibber\'s "too many connections" answers: red status that says so, an error for Catch nodes', async function () {
    sim.live.maxSocketsPerToken = 0;
    const { statuses, errors } = await load();
    await waitFor(() => statuses.some((s) => s.text === "stopped: too many connections"), 5000, "stopped");
    statuses.find((s) => s.text === "stopped: too many connections").fill.should.equal("red");
    errors.length.should.equal(1);
    sim.live.sockets.length.should.equal(FAST.maxTooMany);
  });

  it("close ends the socket", async function () {
    const { messages } = await load();
    await waitFor(() => messages.length >= 1, 5000, "first message");
    sim.live.open.should.equal(1);
    await helper.unload();
    await waitFor(() => sim.live.open === 0, 5000, "socket closed");
  });

  it("no token: red status, no connection", async function () {
    await load({}, "");
    const calls = helper._NodePrototype.status.getCalls().filter((c) => c.thisValue.id === "live");
    calls.at(-1).args[0].text.should.equal("no token");
    sim.live.sockets.length.should.equal(0);
  });
  it("a redeploy keeps the home and the socket address: 10 redeploys ask Tibber nothing more", async function () {
    const { messages } = await load();
    await waitFor(() => messages.length >= 1, 5000, "first message");
    const homeQueries = () => sim.log.filter((r) => r.method === "POST").length;
    homeQueries().should.equal(2); // the home, then the socket address
    const node = helper.getNode("live");
    for (let i = 0; i < 10; i++) {
      const flow = [
        {
          id: "live",
          type: "tibber-live",
          baseUrl: sim.url,
          home: "",
          every: 0,
          everyMode: "last",
          silence: 90 + i,
          wires: [["out"]],
        },
        { id: "out", type: "helper" },
      ];
      await helper.setFlows(flow, "full", { live: { token: DEMO_TOKEN } });
    }
    const after = collect(helper.getNode("out"));
    await waitFor(() => after.length >= 1, 5000, "a measurement after the redeploys");
    homeQueries().should.equal(2);
    node.should.not.equal(helper.getNode("live"));
  });
});

"use strict";
const path = require("node:path");
const { helper, major, nodeModules, nextMessage, collect, waitFor, featureOf } = require("../helpers/node-red");
const { startLeakWatch } = require("../helpers/secrets");
const { FlumeSimulator } = require("../../build/devtools/simulators/flume");

const CREDS = {
  clientId: "cid-node-7",
  clientSecret: "csecret-node-7-xyz",
  username: "bob@example.com",
  password: "pw-node-7-secret",
};
const SECRETS = [CREDS.clientId, CREDS.clientSecret, CREDS.password];
const MIN = 60_000;

// The core Catch node of the Node-RED under test, so errors are checked the way users catch them.
const runtimeDir = path.dirname(require.resolve(major === "5" ? "node-red-5/package.json" : "node-red/package.json"));
const catchNode = require(require.resolve("@node-red/nodes/core/common/25-catch.js", { paths: [runtimeDir] }));
const modules = () => [...nodeModules("flume-config", "flume-flow"), catchNode];

function flow(sim, flowProps = {}, configProps = {}) {
  return withTab([
    { id: "acct", type: "flume-config", name: "home", baseUrl: sim.url, budget: 100, ...configProps },
    {
      id: "ff",
      type: "flume-flow",
      flume: "acct",
      device: "",
      interval: 0,
      unit: "gal",
      leakThreshold: 0.5,
      leakMinutes: 30,
      useFlumeAlerts: true,
      wires: [["out1"], ["out2"]],
      ...flowProps,
    },
    { id: "out1", type: "helper" },
    { id: "out2", type: "helper" },
    { id: "catcher", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
    { id: "caught", type: "helper" },
  ]);
}

/** Puts the nodes on one tab: the Catch node only works inside a flow. */
function withTab(nodes) {
  return [
    { id: "tab1", type: "tab", label: "test" },
    ...nodes.map((n) => (n.type === "flume-config" ? n : { ...n, z: "tab1" })),
  ];
}

const credentials = (over = {}) => ({ acct: { ...CREDS, ...over } });

describe("flume-flow node", function () {
  let sim;
  let watch;
  beforeEach(async function () {
    sim = new FlumeSimulator({ account: CREDS });
    await sim.start();
    watch = startLeakWatch();
  });
  afterEach(async function () {
    watch.assertNoLeak(SECRETS);
    await helper.unload();
    await sim.stop();
  });

  it("logs in, picks the only sensor and sends the flow on output 1 in the documented shape", async function () {
    await helper.load(modules(), flow(sim), credentials());
    sim.scriptFlow(1.25);
    const out1 = helper.getNode("out1");
    const got = nextMessage(out1);
    helper.getNode("ff").receive({ payload: "go", keep: "me" });
    const msg = await got;
    msg.keep.should.equal("me");
    msg.payload.should.eql({ active: true, flowRate: 1.25 });
    msg.measurement.should.equal("flume_flow");
    msg.tags.should.eql({ device_id: sim.sensorId, location: "Home", unit: "gal/min" });
    msg.timestamp.should.equal(Math.floor(sim.clock.now() / MIN) * MIN);
    msg.topic.should.equal(`flume_flow/${sim.sensorId}`);
    sim.grants.should.eql(["password"]);
  });

  it("keeps the token and the spent budget across a redeploy, and starts afresh with new credentials", async function () {
    const poll = async () => {
      const got = nextMessage(helper.getNode("out1"));
      helper.getNode("ff").receive({});
      await got;
    };
    await helper.load(modules(), flow(sim), credentials());
    await poll();
    const spent = featureOf(helper.getNode("acct")).account.client.budget.used();
    await helper.unload();
    await helper.load(modules(), flow(sim), credentials());
    featureOf(helper.getNode("acct")).account.client.budget.used().should.equal(spent);
    await poll();
    sim.grants.should.eql(["password"]);
    await helper.unload();
    sim.accounts[0].password = "changed-pass-3";
    await helper.load(modules(), flow(sim), credentials({ password: "changed-pass-3" }));
    featureOf(helper.getNode("acct")).account.client.budget.used().should.equal(0);
    await poll();
    sim.grants.should.eql(["password", "password"]);
    watch.assertNoLeak(["changed-pass-3"]);
  });

  it("converts to litres when the unit is L", async function () {
    await helper.load(modules(), flow(sim, { unit: "L" }), credentials());
    sim.scriptFlow(2);
    const got = nextMessage(helper.getNode("out1"));
    helper.getNode("ff").receive({});
    const msg = await got;
    msg.payload.flowRate.should.equal(7.571);
    msg.tags.unit.should.equal("L/min");
  });

  it("names the sensors when the account has several and none is chosen; msg.device picks one", async function () {
    const second = sim.addSensor("6721255604737799999");
    await helper.load(modules(), flow(sim), credentials());
    const caught = nextMessage(helper.getNode("caught"));
    helper.getNode("ff").receive({});
    const err = await caught;
    err.error.message.should.match(
      /Which sensor\? This Flume account has 2: 6721255604737738501 \(Home\), 6721255604737799999/,
    );
    const got = nextMessage(helper.getNode("out1"));
    helper.getNode("ff").receive({ device: second.id });
    (await got).tags.device_id.should.equal(second.id);
  });

  it("reports a wrong password as a clear, catchable error and a red status", async function () {
    await helper.load(modules(), flow(sim), credentials({ password: "wrong-pass-1" }));
    const caught = nextMessage(helper.getNode("caught"));
    helper.getNode("ff").receive({});
    const msg = await caught;
    msg.error.message.should.match(/Login failed, check e-mail\/password/);
    const ff = helper.getNode("ff");
    const last = ff.status.lastCall.args[0];
    last.should.eql({ fill: "red", shape: "ring", text: "login refused" });
    watch.assertNoLeak(["wrong-pass-1"]);
  });

  it("keeps the secrets out of a caught login timeout", async function () {
    await helper.load(modules(), flow(sim, {}, { timeScale: 1000 }), credentials());
    sim.inject({ kind: "hang", path: "/oauth/token" });
    const caught = nextMessage(helper.getNode("caught"));
    helper.getNode("ff").receive({});
    const msg = await caught;
    msg.error.message.should.match(/did not answer within 1 s/);
    const seen = JSON.stringify(msg.error, (_k, v) => (v instanceof Error ? { ...v, message: v.message } : v));
    for (const secret of SECRETS) seen.should.not.containEql(secret);
  });

  it("raises the rule leak once and clears it once over a scripted flow profile", async function () {
    const t0 = Date.UTC(2026, 6, 1, 9, 0);
    sim.clock.freeze(t0);
    sim.scriptFlow(2.1, { fromMs: t0, minutes: 40 });
    await helper.load(modules(), flow(sim, { useFlumeAlerts: false }), credentials());
    const ff = helper.getNode("ff");
    const out1 = collect(helper.getNode("out1"));
    const alerts = collect(helper.getNode("out2"));
    for (let m = 0; m <= 60; m += 5) {
      sim.clock.set(t0 + m * MIN);
      ff.receive({});
      await waitFor(() => out1.length === m / 5 + 1, 5000, `poll at minute ${m}`);
      await new Promise((r) => setImmediate(r));
    }
    alerts
      .map((a) => a.payload)
      .should.eql([
        {
          type: "leak",
          source: "rule",
          deviceId: sim.sensorId,
          flowRate: 2.1,
          since: new Date(t0).toISOString(),
          message: "Water has been running at 2.1 gallons per minute for 30 minutes.",
        },
        {
          type: "leak-cleared",
          source: "rule",
          deviceId: sim.sensorId,
          flowRate: 0,
          since: new Date(t0).toISOString(),
          message: "The water has stopped running. It ran for 40 minutes.",
        },
      ]);
    alerts.map((a) => a.topic).should.eql(["leak", "leak-cleared"]);
  });

  it("turns a Flume leak (leaks/active + notification) into one alert and one clearing", async function () {
    const t0 = Date.UTC(2026, 6, 1, 9, 0);
    sim.clock.freeze(t0);
    // timeScale makes the five-minute alert period a third of a millisecond: every poll checks.
    await helper.load(modules(), flow(sim, { leakThreshold: 0 }, { timeScale: 1e6 }), credentials());
    const ff = helper.getNode("ff");
    const out1 = collect(helper.getNode("out1"));
    const alerts = collect(helper.getNode("out2"));
    const pollAt = async (minute) => {
      sim.clock.set(t0 + minute * MIN);
      const before = out1.length;
      ff.receive({});
      await waitFor(() => out1.length > before, 5000, `poll at ${minute}`);
      await waitFor(() => sim.count("/notifications") >= 1, 5000, "alert check");
      await new Promise((r) => setTimeout(r, 20));
    };
    await pollAt(0);
    sim.raiseLeak(sim.sensorId, t0 + 2 * MIN);
    sim.scriptFlow(0.3, { fromMs: t0 + 2 * MIN, minutes: 10 });
    await pollAt(5);
    await pollAt(10);
    sim.clearLeak();
    await pollAt(15);
    await pollAt(20);
    alerts
      .map((a) => [a.payload.type, a.payload.source])
      .should.eql([
        ["leak", "flume"],
        ["leak-cleared", "flume"],
      ]);
    alerts[0].payload.since.should.equal(new Date(t0 + 2 * MIN).toISOString());
    alerts[0].payload.message.should.equal(
      "Flume reports a possible leak. Water is running at 0.3 gallons per minute.",
    );
    alerts[1].payload.message.should.equal("Flume no longer reports a leak.");
  });

  it("waits for Retry-After after a 429, shows it, then recovers", async function () {
    await helper.load(
      modules(),
      flow(sim, { interval: 60, useFlumeAlerts: false }, { timeScale: 1000 }),
      credentials(),
    );
    const ff = helper.getNode("ff");
    const out1 = collect(helper.getNode("out1"));
    await waitFor(() => out1.length >= 1, 5000, "first poll");
    sim.inject({ kind: "rate-limit", retryAfterSeconds: 1, times: 1, path: "/query/active" });
    await waitFor(() => sim.log.some((r) => r.status === 429), 5000, "the 429");
    const limitedAt = sim.log.find((r) => r.status === 429).at;
    await waitFor(
      () => ff.status.args.some((a) => /^rate limited by Flume: next poll \d\d:\d\d$/.test(a[0].text)),
      5000,
      "yellow status",
    );
    const countAfter429 = out1.length;
    await waitFor(() => out1.length > countAfter429, 5000, "recovery");
    const next = sim.log.find((r) => r.at > limitedAt && r.path.endsWith("/query/active"));
    (next.at - limitedAt).should.be.aboveOrEqual(990);
    ff.status.lastCall.args[0].fill.should.equal("green");
  });

  it("reports a 500 and a timeout as errors with a red status, then recovers on the next poll", async function () {
    await helper.load(modules(), flow(sim, { interval: 60, useFlumeAlerts: false }, { timeScale: 200 }), credentials());
    const ff = helper.getNode("ff");
    const out1 = collect(helper.getNode("out1"));
    const caught = collect(helper.getNode("caught"));
    await waitFor(() => out1.length >= 1, 5000, "first poll");
    sim.inject({ kind: "status", status: 500, times: 2, path: "/query/active" });
    await waitFor(() => caught.length >= 1, 5000, "the 500 error");
    caught[0].error.message.should.match(/Flume is having trouble \(HTTP 500\)/);
    ff.status.args.some((a) => a[0].fill === "red" && /HTTP 500/.test(a[0].text)).should.be.true();
    const before = out1.length;
    await waitFor(() => out1.length > before, 5000, "recovery after 500");
    sim.inject({ kind: "hang", times: 2, path: "/query/active" });
    await waitFor(() => caught.length >= 2, 8000, "the timeout");
    caught[1].error.message.should.match(/did not answer within 1 s/);
    const again = out1.length;
    await waitFor(() => out1.length > again, 5000, "recovery after timeout");
  });

  it("keeps three nodes on one account within the budget over a simulated hour, warns once and says when", async function () {
    // timeScale 1000: the budget's hour lasts 3.6 s, a 60 s interval 60 ms and the five-minute alert
    // period 300 ms, so the calls made in 3.6 s are the calls of one real hour. The simulator's own
    // 120-per-hour window is scaled the same way.
    const nodes = withTab([
      { id: "acct", type: "flume-config", name: "home", baseUrl: sim.url, budget: 100, timeScale: 1000 },
      ...["a", "b", "c"].map((id) => ({
        id,
        type: "flume-flow",
        flume: "acct",
        device: "",
        interval: 60,
        unit: "gal",
        leakThreshold: 0.5,
        leakMinutes: 30,
        useFlumeAlerts: true,
        wires: [["out1"], []],
      })),
      { id: "out1", type: "helper" },
    ]);
    const hour = 3600;
    sim.usersWindow.windowMs = hour;
    await helper.load(modules(), nodes, credentials());
    const out1 = collect(helper.getNode("out1"));
    const { warn, status } = helper._NodePrototype; // spies, kept to read after unload
    await new Promise((r) => setTimeout(r, 1.5 * hour));
    await helper.unload();
    const calls = sim.log.filter((r) => r.path.startsWith("/users/"));
    // Every rolling hour (3.6 s) holds at most the budget's 100 calls, and nothing was refused by Flume.
    for (const first of calls) {
      const inWindow = calls.filter((r) => r.at >= first.at && r.at < first.at + hour).length;
      inWindow.should.be.belowOrEqual(100);
    }
    sim.log.filter((r) => r.status === 429).length.should.equal(0);
    const firstHour = calls.filter((r) => r.at < calls[0].at + hour).length;
    firstHour.should.be.above(60); // stretched, not starved
    out1.length.should.be.above(30);
    const acctWarns = warn.getCalls().filter((c) => c.thisValue.id === "acct");
    acctWarns.length.should.equal(1);
    acctWarns[0].args[0].should.match(/198 calls an hour, more than the 90 .* spaced 2\.2× further apart/);
    status
      .getCalls()
      .filter((c) => c.thisValue.id === "b")
      .some((c) => /^rate budget: next poll \d\d:\d\d$/.test(c.args[0].text))
      .should.be.true();
    sim.grants.should.eql(["password"]);
  });

  it("stops polling and aborts the request in flight on close", async function () {
    await helper.load(
      modules(),
      flow(sim, { interval: 60, useFlumeAlerts: false }, { timeScale: 1000 }),
      credentials(),
    );
    const out1 = collect(helper.getNode("out1"));
    await waitFor(() => out1.length >= 2, 5000, "polls");
    sim.inject({ kind: "hang", path: "/query/active" });
    const hangs = sim.log.filter((r) => r.fault === "hang").length;
    await waitFor(() => sim.log.filter((r) => r.fault === "hang").length > hangs, 5000, "a hanging request");
    await helper.unload();
    const count = sim.log.length;
    await new Promise((r) => setTimeout(r, 300));
    sim.log.length.should.equal(count);
  });

  it("answers a usage query with a batch of points: times, values, the unit and bucket in tags", async function () {
    const start = Date.UTC(2026, 5, 1, 19, 0); // 12:00 at the home (Los Angeles, PDT)
    sim.clock.freeze(start + 3 * 3600_000);
    sim.scriptFlow(2, { fromMs: start, minutes: 90 });
    await helper.load(modules(), flow(sim, { unit: "L" }), credentials());
    const got = nextMessage(helper.getNode("out1"));
    helper.getNode("ff").receive({
      payload: { usage: { bucket: "HR", since: new Date(start).toISOString(), until: "2026-06-01 14:00:00" } },
    });
    const msg = await got;
    msg.payload.length.should.equal(2);
    msg.payload[0].should.containDeep({ measurement: "flume_usage", tags: { unit: "L", bucket: "HR" } });
    msg.payload[0].timestamp.should.equal(start);
    msg.payload[0].fields.value.should.be.approximately(120 * 3.785411784, 1e-3);
    msg.payload[1].fields.value.should.be.approximately(60 * 3.785411784, 1e-3);
  });
});

describe("flume-config sensor picker", function () {
  let sim;
  beforeEach(async function () {
    sim = new FlumeSimulator({ account: CREDS });
    await sim.start();
  });
  afterEach(async function () {
    await helper.unload();
    await sim.stop();
  });

  it("lists sensors for the deployed account and for dialog credentials with __PWRD__ placeholders, echoing no secret", async function () {
    const watch = startLeakWatch();
    await helper.load(modules(), flow(sim), credentials());
    await helper.request().get("/flume-config/acct/devices").expect(404); // POST only
    const got = await helper.request().post("/flume-config/acct/devices").send({ baseUrl: sim.url }).expect(200);
    got.body.devices.map((d) => d.id).should.eql([sim.sensorId]);
    got.body.devices[0].label.should.equal("Home · sensor …8501");
    const posted = await helper
      .request()
      .post("/flume-config/acct/devices")
      .send({
        baseUrl: sim.url,
        clientId: "__PWRD__",
        clientSecret: "__PWRD__",
        username: CREDS.username,
        password: "__PWRD__",
      })
      .expect(200);
    posted.body.devices.length.should.equal(1);
    const refused = await helper
      .request()
      .post("/flume-config/acct/devices")
      .send({
        baseUrl: sim.url,
        clientId: "__PWRD__",
        clientSecret: "__PWRD__",
        username: CREDS.username,
        password: "typo-pass-2",
      })
      .expect(400);
    refused.body.error.should.equal("Flume refused the credentials.");
    for (const r of [got, posted, refused])
      for (const s of [...SECRETS, "typo-pass-2"]) r.text.should.not.containEql(s);
    watch.assertNoLeak(SECRETS);
  });
});

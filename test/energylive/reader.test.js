"use strict";
const should = require("should");
const { helper, nodeModules, nextMessage, collect, waitFor } = require("../helpers/node-red");
const { startLeakWatch } = require("../helpers/secrets");
const { EnergyLiveSimulator } = require("../../build/devtools/simulators/energylive");

const [readerModule] = nodeModules("energylive-reader");
const KEY = "reader-key-Zt81qW4mB7xN2cV9";
const UID = "I-10082023-01658401";
const OTHER_UID = "I-01022024-00000002";

/** The status objects one node has shown, oldest first (the helper spies on every node's status()). */
function statusesOf(node) {
  return helper._NodePrototype.status
    .getCalls()
    .filter((c) => c.thisValue === node)
    .map((c) => c.args[0]);
}

function lastStatus(node) {
  const all = statusesOf(node);
  return all[all.length - 1] || {};
}

function flow(sim, props = {}) {
  return [
    { id: "f1", type: "tab", label: "energyLIVE" },
    {
      id: "r1",
      z: "f1",
      type: "energylive-reader",
      name: "",
      deviceUid: UID,
      baseUrl: sim.url,
      interval: 0.05,
      onlyNew: true,
      timeout: 0.5,
      wires: [["out"]],
      ...props,
    },
    { id: "out", z: "f1", type: "helper" },
    // x and y make it a flow node; without them Node-RED treats a node as a config node.
    { id: "catcher", z: "f1", type: "catch", scope: null, uncaught: false, x: 100, y: 100, wires: [["caught"]] },
    { id: "caught", z: "f1", type: "helper" },
  ];
}

const creds = (apiKey = KEY) => ({ r1: { apiKey } });

describe("energylive-reader node", function () {
  let sim;
  /** "Now" on a whole minute: the simulator's clock is frozen near real time so readings are not stale. */
  let T0;
  beforeEach(async function () {
    T0 = Math.floor(Date.now() / 60_000) * 60_000;
    sim = new EnergyLiveSimulator();
    sim.clock.freeze(T0);
    sim.addDevice(UID, { fixedLoadW: 1380 });
    sim.addDevice(OTHER_UID, { fixedLoadW: 200 });
    sim.addApiKey(KEY, [UID, OTHER_UID]);
    await sim.start();
  });
  afterEach(async function () {
    await helper.unload();
    await sim.stop();
  });

  it("polls and emits named values, readings, measurement, tags and timestamp, with a green status", async function () {
    await helper.load(readerModule, flow(sim), creds());
    const msg = await nextMessage(helper.getNode("out"));
    const p = msg.payload;
    should.not.exist(p.deviceUid); // identity is a tag, not a field
    p.power_import_w.should.equal(1380);
    // The first report is the sample before "now": one sample (20 s at 1380 W) below the starting register.
    p.energy_import_wh.should.equal(Math.round(13_899_364 - (1380 * 20) / 3600));
    p.battery_voltage_v.should.equal(5.54);
    Object.keys(p).should.containDeep(["energy_export_wh", "reactive_energy_import_varh", "loraRssi"]);
    msg.measurement.should.equal("energylive");
    msg.tags.should.eql({ device_uid: UID });
    msg.timestamp.should.equal(Math.max(...msg.readings.map((r) => r.timestamp)));
    should.not.exist(p.timestamp); // the time is msg.timestamp, not a field
    msg.topic.should.equal(`energylive/${UID}`);
    msg.readings[0].should.eql({
      key: "0100010700",
      obis: "1-0:1.7.0",
      name: "power_import_w",
      unit: "W",
      value: 1380,
      timestamp: T0 - 20_000,
    });
    const status = lastStatus(helper.getNode("r1"));
    status.fill.should.equal("green");
    status.text.should.match(/^ok · 1\.38 kW · \d\d:\d\d$/);
  });

  it("with onlyNew sends an unchanged answer once, and again when the meter has advanced", async function () {
    await helper.load(readerModule, flow(sim), creds());
    const messages = collect(helper.getNode("out"));
    await waitFor(() => sim.count(/latest$/) >= 5, 5000, "five polls");
    messages.length.should.equal(1);
    sim.clock.advance(20_000);
    await waitFor(() => messages.length === 2, 5000, "a second message");
    const grown = messages[1].payload.energy_import_wh - messages[0].payload.energy_import_wh;
    grown.should.equal(Math.round((1380 * 20) / 3600));
    (messages[1].timestamp - messages[0].timestamp).should.equal(20_000);
  });

  it("without onlyNew sends every answer", async function () {
    await helper.load(readerModule, flow(sim, { onlyNew: false }), creds());
    const messages = collect(helper.getNode("out"));
    await waitFor(() => messages.length >= 3, 5000, "three messages");
    messages[2].payload.should.eql(messages[0].payload);
  });

  it("reads on input when the interval is 0, and msg.deviceUid overrides the configured device", async function () {
    await helper.load(readerModule, flow(sim, { interval: 0 }), creds());
    const out = helper.getNode("out");
    sim.count().should.equal(0);
    const first = nextMessage(out);
    helper.getNode("r1").receive({ topic: "now" });
    (await first).payload.power_import_w.should.equal(1380);
    const second = nextMessage(out);
    helper.getNode("r1").receive({ deviceUid: OTHER_UID });
    const msg = await second;
    msg.tags.device_uid.should.equal(OTHER_UID);
    msg.payload.power_import_w.should.equal(200);
    sim.count(/latest$/).should.equal(2);
  });

  it("rejects a malformed UID with a clear error to Catch, without a request", async function () {
    await helper.load(readerModule, flow(sim, { interval: 0 }), creds());
    const caught = nextMessage(helper.getNode("caught"));
    helper.getNode("r1").receive({ deviceUid: "I-123" });
    const msg = await caught;
    msg.error.message.should.match(/The device UID is "I-123": expected the form I-DDMMYYYY-XXXXXXXX/);
    lastStatus(helper.getNode("r1")).fill.should.equal("red");
    sim.count().should.equal(0);
  });

  it("says so and does not poll when the configured UID is malformed", async function () {
    await helper.load(readerModule, flow(sim, { deviceUid: "10082023-01658401" }), creds());
    const status = lastStatus(helper.getNode("r1"));
    status.fill.should.equal("red");
    status.text.should.match(/The device UID is "10082023-01658401"/);
    await new Promise((r) => setTimeout(r, 150));
    sim.count().should.equal(0);
  });

  it("reports a rejected key to Catch once, retries slowly, and picks up the key by itself once it is restored", async function () {
    sim.revoked = true;
    await helper.load(readerModule, flow(sim), creds());
    const caught = collect(helper.getNode("caught"));
    const out = collect(helper.getNode("out"));
    await waitFor(() => caught.length === 1, 5000, "the refusal at Catch");
    caught[0].error.message.should.match(/^energyLIVE rejected the API key: HTTP 403, it may be mistyped or revoked/);
    await waitFor(() => lastStatus(helper.getNode("r1")).text === "API key refused · retry in 1 s", 2000, "status");
    lastStatus(helper.getNode("r1")).fill.should.equal("red");
    const calls = sim.count();
    calls.should.equal(1);
    await new Promise((r) => setTimeout(r, 300)); // 6 polling intervals: no call (the retry is 20 intervals)
    sim.count().should.equal(calls);
    sim.revoked = false; // restored in the portal
    await waitFor(() => out.length > 0, 5000, "a reading with the restored key");
    lastStatus(helper.getNode("r1")).fill.should.equal("green");
    caught.length.should.equal(1); // said once, not once per retry
  });

  it("reports an unknown device as 'device UID not found'", async function () {
    await helper.load(readerModule, flow(sim, { deviceUid: "I-01012020-99999999" }), creds());
    const msg = await nextMessage(helper.getNode("caught"));
    msg.error.message.should.match(/device UID not found: I-01012020-99999999/);
  });

  it("shows a yellow status while retrying a server error, then recovers", async function () {
    sim.inject({ kind: "status", status: 503, times: 1 });
    await helper.load(readerModule, flow(sim), creds());
    const msg = await nextMessage(helper.getNode("out"));
    msg.payload.power_import_w.should.equal(1380);
    const retrying = statusesOf(helper.getNode("r1")).find((s) => s.fill === "yellow");
    retrying.text.should.match(/^retrying in \d+ s · energyLIVE is having trouble \(HTTP 503\)$/);
    lastStatus(helper.getNode("r1")).fill.should.equal("green");
  });

  it("reports a server error that outlasts the retries, and a timeout", async function () {
    this.timeout(20_000); // real back-off between retries: up to ~1.5 s per failing read
    sim.inject({ kind: "status", status: 500, times: 3 });
    await helper.load(readerModule, flow(sim, { interval: 0 }), creds());
    const caught = collect(helper.getNode("caught"));
    helper.getNode("r1").receive({});
    await waitFor(() => caught.length === 1, 8000, "the 500 error");
    caught[0].error.message.should.match(/energyLIVE is having trouble \(HTTP 500\)/);
    sim.count(/latest$/).should.equal(3);
    sim.inject({ kind: "hang", times: 3 });
    helper.getNode("r1").receive({});
    await waitFor(() => caught.length === 2, 10000, "the timeout");
    caught[1].error.message.should.match(/energyLIVE did not answer within/);
  });

  it("shows no measurements yet for an empty answer, and a stale reading in yellow", async function () {
    sim.setScenario(UID, "empty");
    await helper.load(readerModule, flow(sim, { interval: 0 }), creds());
    const r1 = helper.getNode("r1");
    const messages = collect(helper.getNode("out"));
    r1.receive({});
    await waitFor(() => lastStatus(r1).text && lastStatus(r1).text.startsWith("no measurements"), 3000, "status");
    lastStatus(r1).fill.should.equal("yellow");
    messages.length.should.equal(0);

    // The interface stopped reporting two hours ago.
    sim.clock.set(Date.now() - 2 * 3_600_000);
    sim.setScenario(UID, "stale");
    sim.clock.resume();
    r1.receive({});
    await waitFor(() => messages.length === 1, 3000, "the stale message");
    lastStatus(r1).fill.should.equal("yellow");
    lastStatus(r1).text.should.match(/^no new reading since \d\d:\d\d · interface offline\?$/);
  });

  it("keeps unknown keys and warns once about non-numeric values", async function () {
    sim.setScenario(UID, "unknown-keys");
    await helper.load(readerModule, flow(sim, { interval: 0, onlyNew: false }), creds());
    const r1 = helper.getNode("r1");
    const out = helper.getNode("out");
    let next = nextMessage(out);
    r1.receive({});
    const msg = await next;
    msg.payload["1-0:1.8.1"].should.be.a.Number();
    msg.payload["0100200700"].should.equal(231.4);
    msg.payload.fancyNewKey.should.equal(7);
    sim.setScenario(UID, "non-numeric");
    const warnings = () => helper._NodePrototype.warn.getCalls().filter((c) => c.thisValue === r1);
    for (let i = 0; i < 2; i++) {
      next = nextMessage(out);
      r1.receive({});
      const m = await next;
      (m.payload.battery_voltage_v === undefined).should.be.true();
    }
    warnings()
      .map((c) => c.args[0])
      .filter((text) => !text.includes("0.1.0")) // the node holds its own key, as 0.1.0 flows do
      .should.eql([
        'energyLIVE sent no usable value for 0100030800 (value is not a number ("n/a")); it is left out of the output.',
        "energyLIVE sent no usable value for batteryVoltage (value is not a number (null)); it is left out of the output.",
      ]);
  });

  it("stops polling on close and aborts the request in flight", async function () {
    sim.inject({ kind: "hang" });
    await helper.load(readerModule, flow(sim, { timeout: 30 }), creds());
    await waitFor(() => sim.count(/latest$/) === 1, 3000, "the hanging request");
    const caught = collect(helper.getNode("caught"));
    sim.sockets.size.should.equal(1);
    await helper.unload();
    // The client closed its connection: nothing waits for the 30 s timeout.
    await waitFor(() => sim.sockets.size === 0, 2000, "the aborted request's socket to close");
    sim.clearFaults();
    await new Promise((r) => setTimeout(r, 200));
    sim.count(/latest$/).should.equal(1);
    caught.length.should.equal(0);
  });

  it("never shows the API key in messages, status, logs or errors", async function () {
    this.timeout(20_000); // real back-off between retries: up to ~1.5 s per failing read
    const watch = startLeakWatch();
    await helper.load(readerModule, flow(sim, { interval: 0, onlyNew: false }), creds());
    const r1 = helper.getNode("r1");
    const out = helper.getNode("out");
    const caught = collect(helper.getNode("caught"));
    const first = nextMessage(out);
    r1.receive({});
    await first;
    for (const fault of [{ kind: "status", status: 403 }, { kind: "hang" }, { kind: "malformed" }]) {
      sim.clearFaults();
      sim.inject({ ...fault, times: 3 });
      const before = caught.length;
      r1.receive({});
      await waitFor(() => caught.length === before + 1, 10000, `the ${fault.kind} error`);
    }
    sim.clearFaults();
    sim.setScenario(UID, "non-numeric");
    const last = nextMessage(out);
    r1.receive({});
    await last;
    caught
      .map((m) => m.error.message)
      .join("\n")
      .should.not.containEql(KEY);
    watch.assertNoLeak([KEY]).should.be.above(1000);
  });

  it("lists devices for the editor with the typed or the stored key, never echoing it", async function () {
    await helper.startServer();
    await helper.load(readerModule, flow(sim, { interval: 0 }), creds());
    try {
      const typed = await helper
        .request()
        .post("/energylive-reader/devices")
        .send({ id: "new-node", apiKey: KEY, baseUrl: sim.url });
      typed.status.should.equal(200);
      typed.body.should.eql({ devices: [UID, OTHER_UID] });
      const stored = await helper
        .request()
        .post("/energylive-reader/devices")
        .send({ id: "r1", apiKey: "__PWRD__", baseUrl: sim.url });
      stored.body.should.eql({ devices: [UID, OTHER_UID] });
      const elsewhere = await helper
        .request()
        .post("/energylive-reader/devices")
        .send({ id: "r1", apiKey: "__PWRD__", baseUrl: "http://127.0.0.1:9/api/v1" });
      elsewhere.status.should.equal(400);
      elsewhere.body.error.should.match(/URL changed: type the secret again/);
      const wrong = await helper
        .request()
        .post("/energylive-reader/devices")
        .send({ id: "r1", apiKey: "nope", baseUrl: sim.url });
      wrong.status.should.equal(400);
      wrong.body.error.should.equal("energyLIVE refused the credentials.");
      for (const res of [typed, stored, elsewhere, wrong]) res.text.should.not.containEql(KEY);
      sim.count("/api/v1/devices").should.equal(3);
    } finally {
      await helper.stopServer();
    }
  });
});

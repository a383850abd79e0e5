"use strict";
const path = require("node:path");
const { helper, major, nodeModules, nextMessage, collect, waitFor } = require("../helpers/node-red");
const { startLeakWatch } = require("../helpers/secrets");
const { VoiceMonkeySimulator } = require("../../build/devtools/simulators/voicemonkey");
const { clock } = require("../../dist/shared/clock");

const TOKEN = "vm3-node-test-token-61c0a9e2f4";
const V2_TOKEN = "vm2-node-test-token-0b7e5d13aa";
const announceNode = nodeModules("voicemonkey-announce");

// The package's one clock seam, so quiet hours and the day's rollover are tested at any hour the suite
// happens to run.
let fakeNow = new Date(2026, 0, 5, 12, 0).getTime();
const at = (h, m = 0, s = 0, day = 5) => new Date(2026, 0, day, h, m, s).getTime();

function flow(props = {}) {
  return [
    {
      id: "vm",
      type: "voicemonkey-announce",
      name: "",
      apiVersion: "v3",
      baseUrl: "",
      device: "echo-kitchen",
      voice: "",
      language: "",
      chime: "",
      cooldown: 900,
      quietStart: "",
      quietEnd: "",
      holdQuiet: false,
      maxPerDay: 20,
      wires: [["out"]],
      ...props,
    },
    { id: "out", type: "helper" },
  ];
}

describe(`voicemonkey: voicemonkey-announce node (Node-RED ${major})`, function () {
  let sim;
  let other;

  const realNow = clock.now;
  before(function () {
    clock.now = () => fakeNow;
    helper.settings({ voicemonkeyAnnounce: { maxThrottleWaitMs: 3000, retryDelayMs: 10, timeoutMs: 1500 } });
  });
  after(function () {
    clock.now = realNow;
  });
  beforeEach(async function () {
    fakeNow = at(12);
    sim = new VoiceMonkeySimulator({ v3Tokens: [TOKEN], v2Tokens: [V2_TOKEN], retryAfterHeader: false });
    await sim.start();
    await helper.startServer();
  });
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
    await sim.stop();
    if (other) await other.stop();
    other = undefined;
  });

  async function load(props, credentials = { token: TOKEN }) {
    await helper.load(announceNode, flow({ baseUrl: sim.url, ...props }), { vm: credentials });
    return { vm: helper.getNode("vm"), out: helper.getNode("out") };
  }

  function nextError(node, ms = 5000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no error")), ms);
      node.once("call:error", (call) => {
        clearTimeout(timer);
        resolve(call.args);
      });
    });
  }

  it("speaks a text payload and reports it with the day's count", async function () {
    const { vm, out } = await load({
      voice: "Joanna",
      chime: "soundbank://soundlibrary/alarms/beeps_and_bloops/bell_01",
    });
    vm.receive({ payload: "Dinner is ready", topic: "kitchen" });
    const msg = await nextMessage(out);
    msg.payload.should.eql({ sent: true, device: "echo-kitchen", text: "Dinner is ready" });
    msg.topic.should.equal("kitchen");
    sim.announcements.should.have.length(1);
    sim.announcements[0].params.should.eql({
      device: "echo-kitchen",
      speech: "Dinner is ready",
      voice: "Joanna",
      chime: "soundbank://soundlibrary/alarms/beeps_and_bloops/bell_01",
    });
    vm.status.lastCall.args[0].should.eql({ fill: "green", shape: "dot", text: "ok · 1 today · 12:00" });
  });

  it("speaks flume-flow's alert message, and msg.device overrides the device", async function () {
    const { vm, out } = await load();
    vm.receive({
      device: "echo-show-bedroom",
      payload: {
        type: "leak",
        source: "flume",
        deviceId: "6248148189204194987",
        flowRate: 0.42,
        since: "2026-01-05T11:30:00.000Z",
        message: "Water has been running for 30 minutes at 0.42 gallons per minute",
      },
    });
    const msg = await nextMessage(out);
    msg.payload.should.eql({
      sent: true,
      device: "echo-show-bedroom",
      text: "Water has been running for 30 minutes at 0.42 gallons per minute",
    });
    sim.spoken().should.eql(["echo-show-bedroom: Water has been running for 30 minutes at 0.42 gallons per minute"]);
  });

  it("takes a 200 without the documented success body as an error that counts against neither cap nor cooldown", async function () {
    const { vm, out } = await load({ cooldown: 900, maxPerDay: 1 });
    // a cut-off body behind a 200 (a proxy, a gateway): not {"success": true}, so nothing was confirmed spoken
    sim.inject({ kind: "malformed", times: 1 });
    const failed = nextError(vm);
    vm.receive({ payload: "leak" });
    const [err] = await failed;
    String(err.message || err).should.match(/did not confirm the announcement \(HTTP 200/);
    vm.receive({ payload: "leak" });
    const msg = await nextMessage(out);
    msg.payload.should.eql({ sent: true, device: "echo-kitchen", text: "leak" });
    sim.announcements.should.have.length(1);
  });

  it("refuses an announcement longer than Alexa's 8,000-character speech limit, without calling VoiceMonkey", async function () {
    const { vm } = await load();
    const failed = nextError(vm);
    vm.receive({ payload: "a".repeat(8001) });
    const [err] = await failed;
    String(err.message || err).should.match(/8001 characters.*at most 8000/);
    String(err.message || err).length.should.be.below(300);
    sim.announcements.should.have.length(0);
  });

  it("does not repeat the same text within the cooldown, and does after it", async function () {
    const { vm, out } = await load({ cooldown: 600 });
    const got = collect(out);
    vm.receive({ payload: "Leak" });
    await waitFor(() => got.length === 1);
    fakeNow = at(12, 9, 59);
    vm.receive({ payload: "leak " });
    await waitFor(() => got.length === 2);
    got[1].payload.should.eql({ sent: false, reason: "cooldown", device: "echo-kitchen", text: "leak" });
    vm.status.lastCall.args[0].should.eql({ fill: "grey", shape: "ring", text: "cooldown · 1 today" });
    fakeNow = at(12, 10);
    vm.receive({ payload: "Leak" });
    await waitFor(() => got.length === 3);
    got[2].payload.sent.should.be.true();
    sim.count("/announce").should.equal(2);
  });

  it("drops announcements inside quiet hours across midnight, without calling VoiceMonkey", async function () {
    fakeNow = at(23, 30);
    const { vm, out } = await load({ quietStart: "22:00", quietEnd: "07:00" });
    vm.receive({ payload: "Leak" });
    const msg = await nextMessage(out);
    msg.payload.should.eql({ sent: false, reason: "quiet-hours", device: "echo-kitchen", text: "Leak" });
    vm.status.lastCall.args[0].should.eql({ fill: "grey", shape: "ring", text: "quiet until 07:00" });
    sim.count("/announce").should.equal(0);
  });

  it("holds through quiet hours and speaks once when they end", async function () {
    fakeNow = at(6, 59, 59);
    const { vm, out } = await load({ quietStart: "22:00", quietEnd: "07:00", holdQuiet: true });
    const got = collect(out);
    vm.receive({ payload: "Water is running", _msgid: "first" });
    await waitFor(() => vm.status.lastCall && /held/.test(vm.status.lastCall.args[0].text));
    vm.status.lastCall.args[0].should.eql({ fill: "yellow", shape: "ring", text: "held 1 until 07:00" });
    // the same alert again while held: covered by the held one
    vm.receive({ payload: "Water is running" });
    await waitFor(() => got.length === 1);
    got[0].payload.should.eql({ sent: false, reason: "quiet-hours", device: "echo-kitchen", text: "Water is running" });
    fakeNow = at(7, 0, 1);
    await waitFor(() => got.length === 2, 5000, "the held announcement");
    got[1].payload.should.containDeep({ sent: true, device: "echo-kitchen", text: "Water is running" });
    got[1].payload.heldSince.should.equal(new Date(at(6, 59, 59)).toISOString());
    got[1]._msgid.should.equal("first");
    sim.spoken().should.eql(["echo-kitchen: Water is running"]);
  });

  it("sends a held announcement that fails when the quiet hours end to Catch, with the held message", async function () {
    fakeNow = at(6, 59, 59);
    const { vm } = await load({ quietStart: "22:00", quietEnd: "07:00", holdQuiet: true });
    vm.receive({ payload: "Water is running", topic: "leak" });
    await waitFor(() => vm.status.lastCall && /held/.test(vm.status.lastCall.args[0].text));
    sim.revoked = true;
    const error = nextError(vm);
    fakeNow = at(7, 0, 1);
    const [err, msg] = await error;
    String(err).should.match(/rejected the token/);
    msg.topic.should.equal("leak");
    vm.status.lastCall.args[0].fill.should.equal("red");
  });

  it("stops at the daily cap, and counts again the next local day", async function () {
    const { vm, out } = await load({ maxPerDay: 2, cooldown: 0 });
    const got = collect(out);
    for (let i = 0; i < 3; i++) {
      vm.receive({ payload: `message ${i}` });
      await waitFor(() => got.length === i + 1);
    }
    got.map((m) => m.payload.sent).should.eql([true, true, false]);
    got[2].payload.reason.should.equal("daily-limit");
    vm.status.lastCall.args[0].should.eql({ fill: "yellow", shape: "ring", text: "daily limit 2 reached" });
    fakeNow = at(0, 0, 1, 6);
    vm.receive({ payload: "new day" });
    await waitFor(() => got.length === 4);
    got[3].payload.sent.should.be.true();
    vm.status.lastCall.args[0].text.should.equal("ok · 1 today · 00:00");
    sim.count("/announce").should.equal(3);
  });

  it("keeps the day's count and the cooldowns through a redeploy", async function () {
    const { vm, out } = await load({ maxPerDay: 2 });
    vm.receive({ payload: "Leak" });
    await nextMessage(out);
    // the user edits the node (a longer cooldown) and deploys the modified node
    await helper.setFlows(flow({ baseUrl: sim.url, maxPerDay: 2, cooldown: 1800 }), "nodes", { vm: { token: TOKEN } });
    const vm2 = helper.getNode("vm");
    const out2 = helper.getNode("out");
    const got = collect(out2);
    vm2.receive({ payload: "Leak" });
    vm2.receive({ payload: "Other" });
    vm2.receive({ payload: "Third" });
    await waitFor(() => got.length === 3);
    got.map((m) => m.payload.reason || "sent").should.eql(["cooldown", "sent", "daily-limit"]);
    sim.count("/announce").should.equal(2);
  });

  describe("held announcements across a redeploy and a restart", function () {
    const fs = require("node:fs");
    const os = require("node:os");
    const timing = { maxThrottleWaitMs: 3000, retryDelayMs: 10, timeoutMs: 1500 };
    const quiet = { quietStart: "22:00", quietEnd: "07:00", holdQuiet: true };
    let dir;

    beforeEach(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "vm-context-"));
      helper.settings({
        voicemonkeyAnnounce: timing,
        contextStorage: { default: { module: "localfilesystem", config: { dir, base: "context", flushInterval: 0 } } },
      });
    });
    afterEach(function () {
      helper.settings({ voicemonkeyAnnounce: timing, contextStorage: undefined });
      fs.rmSync(dir, { recursive: true, force: true });
    });

    // Node-RED starts: the node types register afresh (nothing kept in memory), the file context store opens
    // (the runtime opens it before the flows), then the flows start.
    async function startNodeRed() {
      await helper.load(announceNode, [], {});
      await helper._redNodes.loadContextsPlugin();
      await helper.setFlows(flow({ baseUrl: sim.url, ...quiet }), "full", { vm: { token: TOKEN } });
      return { vm: helper.getNode("vm"), out: helper.getNode("out") };
    }
    // Node-RED stops: the flows stop, the context store writes its files and closes.
    async function stopNodeRed() {
      await helper._redNodes.stopFlows();
      await helper._redNodes.closeContextsPlugin();
      // The helper's unload empties every node's context, as a deploy of no nodes would; a stopped runtime
      // leaves its files alone, so the closed store is let go first.
      helper._context.init(helper.settings());
      await helper.unload();
    }
    async function holdOne(vm) {
      vm.receive({ payload: "Water is running", topic: "leak", _msgid: "first" });
      await waitFor(() => vm.status.lastCall && /held/.test(vm.status.lastCall.args[0].text));
    }
    const warnings = (vm) => vm.warn.args.map((a) => String(a[0]));

    it("keeps them through a redeploy of the modified node and speaks once when the quiet hours end", async function () {
      fakeNow = at(6, 59, 59);
      const { vm } = await load(quiet);
      await holdOne(vm);
      await helper.setFlows(flow({ baseUrl: sim.url, ...quiet, cooldown: 1200 }), "nodes", { vm: { token: TOKEN } });
      const got = collect(helper.getNode("out"));
      fakeNow = at(7, 0, 1);
      await waitFor(() => got.length === 1, 5000, "the held announcement");
      got[0].payload.should.eql({
        sent: true,
        device: "echo-kitchen",
        text: "Water is running",
        heldSince: new Date(at(6, 59, 59)).toISOString(),
      });
      got[0]._msgid.should.equal("first");
      await new Promise((r) => setTimeout(r, 300));
      sim.count("/announce").should.equal(1);
    });

    it("keeps them through a restart with a persistent context store, with their original time", async function () {
      fakeNow = at(6, 59, 59);
      await holdOne((await startNodeRed()).vm);
      await stopNodeRed();
      fs.readdirSync(dir).should.containEql("context");
      fakeNow = at(6, 59, 59) + 500;
      const { out } = await startNodeRed();
      const got = collect(out);
      fakeNow = at(7, 0, 1);
      await waitFor(() => got.length === 1, 5000, "the held announcement");
      got[0].payload.heldSince.should.equal(new Date(at(6, 59, 59)).toISOString());
      got[0].payload.should.containDeep({ sent: true, text: "Water is running" });
      got[0].should.containDeep({ _msgid: "first", topic: "leak" });
      await new Promise((r) => setTimeout(r, 300));
      sim.spoken().should.eql(["echo-kitchen: Water is running"]);
    });

    it("speaks one whose quiet hours ended while Node-RED was stopped, if they ended at most an hour before", async function () {
      fakeNow = at(6, 50);
      await holdOne((await startNodeRed()).vm);
      await stopNodeRed();
      fakeNow = at(7, 59);
      const { out } = await startNodeRed();
      const got = collect(out);
      await waitFor(() => got.length === 1, 5000, "the late announcement");
      got[0].payload.should.containDeep({ sent: true, heldSince: new Date(at(6, 50)).toISOString() });
      await new Promise((r) => setTimeout(r, 300));
      sim.count("/announce").should.equal(1);
    });

    it("drops them when the node is deleted: the same node added again has none", async function () {
      fakeNow = at(6, 59, 59);
      const { vm } = await load(quiet);
      await holdOne(vm);
      await helper.setFlows([{ id: "out", type: "helper" }], "full", {});
      warnings(vm).should.containEql(
        "1 announcement(s) held for the end of the quiet hours were dropped with the node.",
      );
      await helper.setFlows(flow({ baseUrl: sim.url, ...quiet }), "full", { vm: { token: TOKEN } });
      const got = collect(helper.getNode("out"));
      fakeNow = at(7, 0, 1);
      await new Promise((r) => setTimeout(r, 1500));
      got.should.have.length(0);
      sim.count("/announce").should.equal(0);
    });

    it("drops one whose quiet hours ended more than an hour before Node-RED started again, and says so", async function () {
      fakeNow = at(6, 50);
      await holdOne((await startNodeRed()).vm);
      await stopNodeRed();
      fakeNow = at(8, 0, 1);
      const { vm, out } = await startNodeRed();
      const got = collect(out);
      await waitFor(() => got.length === 1, 5000, "the dropped announcement");
      got[0].payload.should.eql({
        sent: false,
        reason: "expired",
        device: "echo-kitchen",
        text: "Water is running",
        heldSince: new Date(at(6, 50)).toISOString(),
      });
      got[0]._msgid.should.equal("first");
      warnings(vm).should.containEql(
        "1 announcement(s) held for the end of the quiet hours (07:00) were dropped: the quiet hours ended more than an hour before Node-RED started again.",
      );
      // dropped for good: another restart brings nothing back
      await stopNodeRed();
      const again = await startNodeRed();
      const later = collect(again.out);
      await new Promise((r) => setTimeout(r, 800));
      later.should.have.length(0);
      sim.count("/announce").should.equal(0);
    });
  });

  it("sends an empty text to Catch nodes as a clear error", async function () {
    const { vm, out } = await load();
    const got = collect(out);
    for (const payload of ["", "   ", { message: "" }, { flowRate: 3 }, null]) {
      const error = nextError(vm);
      vm.receive({ payload });
      const [err, msg] = await error;
      String(err).should.match(/Nothing to announce: set msg.payload to the text/);
      msg.should.have.property("_msgid");
    }
    vm.status.lastCall.args[0].should.eql({ fill: "red", shape: "ring", text: "Nothing to announce" });
    got.should.have.length(0);
    sim.count("/announce").should.equal(0);
  });

  it("reports a refused token and an unknown device with what to do", async function () {
    const { vm } = await load({}, { token: "wrong-token" });
    let error = nextError(vm);
    vm.receive({ payload: "hi" });
    String((await error)[0]).should.match(/VoiceMonkey rejected the token: copy it again/);
    vm.status.lastCall.args[0].should.eql({ fill: "red", shape: "ring", text: "VoiceMonkey rejected the token" });
    await helper.unload();
    const again = await load({ device: "garage-echo" });
    error = nextError(again.vm);
    again.vm.receive({ payload: "hi" });
    String((await error)[0]).should.match(/no device "garage-echo" on this account/);
  });

  it("waits out a throttling lockout once, showing when it retries, then speaks", async function () {
    const { vm, out } = await load();
    sim.lockOut(200);
    vm.receive({ payload: "hi" });
    const msg = await nextMessage(out);
    msg.payload.sent.should.be.true();
    vm.status.args
      .map((a) => a[0].text)
      .some((t) => /^throttled · retry \d\d:\d\d$/.test(t))
      .should.be.true();
    sim.log.map((r) => r.status).should.eql([429, 200]);
  });

  it("fails with a quota error when the month's requests are used up", async function () {
    sim.setUsage(TOKEN, 200);
    const { vm } = await load();
    const error = nextError(vm);
    vm.receive({ payload: "hi" });
    const [err] = await error;
    String(err).should.match(/monthly request quota is used up/);
  });

  it("announces through API v2 with the token in the body", async function () {
    const { vm, out } = await load({ apiVersion: "v2", device: "any-id" }, { token: V2_TOKEN });
    vm.receive({ payload: "Hallo" });
    (await nextMessage(out)).payload.sent.should.be.true();
    sim.count("/announcement", "POST").should.equal(1);
    sim.announcements[0].should.containDeep({ apiVersion: "v2", auth: "body", params: { text: "Hallo" } });
  });

  it("refuses impossible quiet hours with a message naming the setting", async function () {
    const { vm } = await load({ quietStart: "25:00", quietEnd: "07:00" });
    const error = nextError(vm);
    vm.receive({ payload: "hi" });
    String((await error)[0]).should.match(/Check the node's settings: quiet hours start "25:00".*HH:MM/);
  });

  it("on close, drops held announcements and stops waiting for a lockout", async function () {
    fakeNow = at(6, 59, 59);
    const { vm } = await load({ quietStart: "22:00", quietEnd: "07:00", holdQuiet: true });
    vm.receive({ payload: "held" });
    await waitFor(() => vm.status.lastCall && /held/.test(vm.status.lastCall.args[0].text));
    await helper.unload();
    fakeNow = at(7, 1);
    fakeNow = at(12);
    const again = await load();
    sim.lockOut(2000);
    again.vm.receive({ payload: "throttled" });
    await waitFor(() => sim.count("/announce") === 1);
    await helper.unload();
    await new Promise((r) => setTimeout(r, 300));
    sim.count("/announce").should.equal(1);
    sim.announcements.should.have.length(0);
  });

  it("never shows the token in messages, status, logs or errors", async function () {
    const watch = startLeakWatch();
    const { vm, out } = await load();
    const got = collect(out);
    vm.receive({ payload: "one" });
    vm.receive({ payload: "one" });
    await waitFor(() => got.length === 2);
    sim.revoked = true;
    let error = nextError(vm);
    vm.receive({ payload: "two" });
    await error;
    sim.revoked = false;
    sim.inject({ kind: "hang", times: 1 });
    error = nextError(vm);
    vm.receive({ payload: "three" });
    String((await error)[0]).should.match(/may or may not have been spoken/);
    const res = await helper.request().post("/voicemonkey-announce/devices").send({ id: "vm", token: "__PWRD__" });
    JSON.stringify(res.body).should.not.containEql(TOKEN);
    watch.assertNoLeak([TOKEN]).should.be.above(0);
  });

  describe("device picker admin route", function () {
    it("lists devices with the dialog's token, speakers first", async function () {
      await load();
      const res = await helper
        .request()
        .post("/voicemonkey-announce/devices")
        .send({ id: "new-node", token: TOKEN, apiVersion: "v3", baseUrl: sim.url })
        .expect(200);
      res.body.devices.map((d) => d.id).should.eql(["echo-kitchen", "echo-show-bedroom", "porch-lights-routine"]);
      res.body.devices[2].capability.should.equal("routines");
      JSON.stringify(res.body).should.not.containEql(TOKEN);
    });

    it("falls back to the stored token for __PWRD__, and then only talks to the node's own base URL", async function () {
      await load();
      other = new VoiceMonkeySimulator({ v3Tokens: [] });
      await other.start();
      const res = await helper
        .request()
        .post("/voicemonkey-announce/devices")
        .send({ id: "vm", token: "__PWRD__", baseUrl: other.url })
        .expect(400);
      res.body.error.should.match(/URL changed: type the secret again/);
      other.count().should.equal(0);
      sim.count("/devices").should.equal(0);
      const own = await helper
        .request()
        .post("/voicemonkey-announce/devices")
        .send({ id: "vm", token: "__PWRD__", apiVersion: "v3", baseUrl: sim.url })
        .expect(200);
      own.body.devices.should.have.length(3);
      sim.count("/devices").should.equal(1);
      await helper.request().get("/voicemonkey-announce/devices?id=vm").expect(404); // POST only
    });

    it("answers errors with a message and no token, never a 401 that would open the editor's login", async function () {
      await load();
      const bad = await helper
        .request()
        .post("/voicemonkey-announce/devices")
        .send({ id: "new-node", token: "wrong-token", baseUrl: sim.url })
        .expect(400);
      bad.body.error.should.equal("VoiceMonkey refused the credentials.");
      JSON.stringify(bad.body).should.not.containEql("wrong-token");
      const none = await helper.request().post("/voicemonkey-announce/devices").send({ id: "unknown" }).expect(400);
      none.body.error.should.match(/Type the token/);
      const v2 = await helper
        .request()
        .post("/voicemonkey-announce/devices")
        .send({ id: "new-node", apiVersion: "v2", token: V2_TOKEN, baseUrl: sim.url })
        .expect(400);
      v2.body.error.should.match(/v2 has no device list/);
    });
  });
});

describe(`voicemonkey: example flow "Announce on Alexa" (Node-RED ${major})`, function () {
  let sim;
  const saved = process.env.VOICEMONKEY_BASE_URL;
  const core = (file) =>
    require(
      path.join(
        path.dirname(require.resolve(`${major === "5" ? "node-red-5" : "node-red"}/package.json`)),
        "..",
        major === "5" ? "node-red-5/node_modules/@node-red/nodes/core/common" : "@node-red/nodes/core/common",
        file,
      ),
    );

  beforeEach(async function () {
    sim = new VoiceMonkeySimulator();
    process.env.VOICEMONKEY_BASE_URL = await sim.start();
    helper.settings({ voicemonkeyAnnounce: {} });
    await helper.startServer();
  });
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
    await sim.stop();
    if (saved === undefined) delete process.env.VOICEMONKEY_BASE_URL;
    else process.env.VOICEMONKEY_BASE_URL = saved;
  });

  it("runs unchanged with the demo token and speaks on echo-kitchen", async function () {
    const { DEMO_CREDENTIALS } = require("../../build/devtools/simulators/voicemonkey");
    const example = require("../../examples/Announce on Alexa.json");
    const types = new Set(example.map((n) => n.type));
    [...types].sort().should.eql(["comment", "debug", "inject", "tab", "voicemonkey-account", "voicemonkey-announce"]);
    const announce = example.find((n) => n.type === "voicemonkey-announce");
    announce.baseUrl.should.equal("");
    const injects = example.filter((n) => n.type === "inject");
    const flowNodes = example.filter((n) => n.type !== "tab" && n.type !== "comment");
    // the debug node is swapped for a helper so the test can read what reaches it
    const nodes = flowNodes.map((n) => (n.type === "debug" ? { id: n.id, z: n.z, type: "helper" } : n));
    nodes.push({ id: example.find((n) => n.type === "tab").id, type: "tab", label: "t" });
    // The token goes into the example's shared account node, as a user pastes it.
    const accountModule = nodeModules("voicemonkey-account");
    await helper.load([core("20-inject.js"), ...accountModule, ...announceNode], nodes, {
      [announce.account]: DEMO_CREDENTIALS,
    });
    const debugId = flowNodes.find((n) => n.type === "debug").id;
    const got = collect(helper.getNode(debugId));
    for (const inject of injects) helper.getNode(inject.id).receive({});
    await waitFor(() => got.length === injects.length);
    got.every((m) => m.payload.sent === true).should.be.true();
    sim.announcements.length.should.equal(injects.length);
    sim.announcements.every((a) => a.device === "echo-kitchen").should.be.true();
  });
});

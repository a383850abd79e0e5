"use strict";
// The kernel's promises, on a probe node: one answer per message, redaction of the node's and its config
// node's secrets, status from the error class, warn-once, state across a redeploy, nothing left after close.
const path = require("node:path");
const { helper, major, waitFor } = require("../helpers/node-red");
const { NodeKit } = require("../../dist/runtime/kernel");

const probeModule = require(path.join(__dirname, "fixtures", "kernel-probe.js"));
const TOKEN = "probe-token-8d1f0c2b";
const ACCOUNT_SECRET = "account-secret-5e9a77";

function flow(extra = {}) {
  return [
    { id: "f1", type: "tab" },
    { id: "acct", type: "kernel-probe-account" },
    { id: "p", z: "f1", type: "kernel-probe", account: "acct", wires: [["out"]], ...extra },
    { id: "out", z: "f1", type: "helper" },
    { id: "c", z: "f1", type: "catch", scope: null, uncaught: false, x: 1, y: 1, wires: [["caught"]] },
    { id: "caught", z: "f1", type: "helper" },
  ];
}
const creds = { p: { token: TOKEN }, acct: { secret: ACCOUNT_SECRET } };

describe("runtime: the kernel (defineNode)", function () {
  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
  });

  async function load(extra) {
    await helper.load(probeModule, flow(extra), creds);
    const caught = [];
    helper.getNode("caught").on("input", (m) => caught.push(m));
    const out = [];
    helper.getNode("out").on("input", (m) => out.push(m));
    return { p: helper.getNode("p"), caught, out };
  }
  const statuses = (node) =>
    helper._NodePrototype.status
      .getCalls()
      .filter((c) => c.thisValue === node)
      .map((c) => c.args[0]);

  it("masks the node's and its config node's secrets in the Catch message and the status", async function () {
    const { p, caught } = await load();
    p.receive({ action: "echo-secrets", echo: `Authorization: Bearer ${TOKEN}; account ${ACCOUNT_SECRET}` });
    await waitFor(() => caught.length === 1, 3000, "the error");
    // Node-RED gives Catch nodes the error as "<class>: <message>"
    caught[0].error.message.should.equal("Error: server said: Authorization: Bearer ***; account ***");
    JSON.stringify(statuses(p)).should.not.containEql(TOKEN).and.not.containEql(ACCOUNT_SECRET);
  });

  it("shows the status text the error carries, and a rate limit as a yellow wait", async function () {
    const { p, caught } = await load();
    p.receive({ action: "auth" });
    p.receive({ action: "rate" });
    await waitFor(() => caught.length === 2, 3000, "both errors");
    const shown = statuses(p).slice(-2);
    shown[0].should.eql({ fill: "red", shape: "ring", text: "token refused" });
    shown[1].should.eql({ fill: "yellow", shape: "ring", text: "slow down" });
  });

  it("answers a message whose done(err) cannot clone it, once, without an unhandled rejection", async function () {
    const { p, caught } = await load();
    const unhandled = [];
    const onUnhandled = (e) => unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    const errors = [];
    p.on("call:error", (call) => errors.push(call.args[0]));
    // An own hasOwnProperty (as JSON.parse of an HTTP body can give) breaks Node-RED's clone of the message.
    const msg = JSON.parse('{"action":"throw-sync","hasOwnProperty":1}');
    p.receive(msg);
    await waitFor(() => errors.length > 0 || caught.length > 0, 3000, "an error report");
    await new Promise((r) => setTimeout(r, 50));
    process.off("unhandledRejection", onUnhandled);
    unhandled.should.eql([]);
    (errors.length + caught.length).should.be.above(0);
  });

  it("hands a message Node-RED cannot copy to Complete and Catch nodes once each, nothing unhandled", async function () {
    const runtimeDir = path.dirname(
      require.resolve(major === "5" ? "node-red-5/package.json" : "node-red/package.json"),
    );
    const core = (f) => require(require.resolve(`@node-red/nodes/core/common/${f}`, { paths: [runtimeDir] }));
    const nodes = [
      ...flow(),
      { id: "k", z: "f1", type: "complete", scope: ["p"], x: 1, y: 2, wires: [["done"]] },
      { id: "done", z: "f1", type: "helper" },
    ];
    await helper.load([probeModule, core("25-catch.js"), core("24-complete.js")], nodes, creds);
    const caught = [];
    const completed = [];
    helper.getNode("caught").on("input", (m) => caught.push(m));
    helper.getNode("done").on("input", (m) => completed.push(m));
    const unhandled = [];
    const onUnhandled = (e) => unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      // done() deep-copies for the Complete node: an own hasOwnProperty or a null prototype breaks the copy
      helper.getNode("p").receive(JSON.parse('{"action":"count","hasOwnProperty":1,"topic":"t"}'));
      helper.getNode("p").receive(Object.assign(Object.create(null), { action: "auth", topic: "u" }));
      await waitFor(() => completed.length === 1 && caught.length === 1, 3000, "both answers");
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    unhandled.should.eql([]);
    completed.should.have.length(1);
    completed[0].topic.should.equal("t");
    caught.should.have.length(1);
    caught[0].topic.should.equal("u");
  });

  it("gives Catch nodes the plain values of a message nested deeper than 200 levels, and a shallow one whole", async function () {
    const { p, caught } = await load();
    const nest = (levels) => {
      let at = { leaf: true };
      for (let i = 0; i < levels; i++) at = { at };
      return at;
    };
    p.receive({ action: "auth", topic: "deep", payload: nest(5000) });
    p.receive({ action: "auth", topic: "shallow", payload: nest(50) });
    await waitFor(() => caught.length === 2, 3000, "two errors for Catch");
    const byTopic = Object.fromEntries(caught.map((m) => [m.topic, m]));
    byTopic.deep.should.not.have.property("payload");
    byTopic.deep.error.message.should.match(/token was refused/);
    let depth = 0;
    for (let at = byTopic.shallow.payload; at.at; at = at.at) depth++;
    depth.should.equal(50);
  });

  it("warns once per key and gives the config node's feature", async function () {
    const { p, out } = await load();
    const warnings = [];
    p.on("call:warn", (call) => warnings.push(call.args[0]));
    p.receive({ action: "warn-twice", echo: TOKEN });
    p.receive({ action: "warn-twice", echo: TOKEN });
    p.receive({ action: "account" });
    await waitFor(() => out.length === 3, 3000, "three answers");
    warnings.should.eql(["once ***"]);
    out[2].payload.should.eql({ kind: "account" });
  });

  it("keeps state across a redeploy of the same node and forgets it when the node is removed", async function () {
    let { p, out } = await load();
    p.receive({ action: "count" });
    p.receive({ action: "count" });
    await waitFor(() => out.length === 2, 3000, "two counts");
    // a full redeploy: the same node id stops (not removed) and starts again
    await helper.setFlows(flow(), "full", creds);
    const before = p;
    p = helper.getNode("p");
    (p === before).should.be.false(); // a new node object: only the kernel's state carried the count
    out = [];
    helper.getNode("out").on("input", (m) => out.push(m));
    p.receive({ action: "count" });
    await waitFor(() => out.length === 1, 3000, "the count after redeploy");
    out[0].payload.should.equal(3);
  });

  it("turns a failing start into a red status and an error for every input", async function () {
    const { p, caught } = await load({ failSettings: true });
    statuses(p).pop().should.eql({ fill: "red", shape: "ring", text: "settings are wrong" });
    p.receive({ action: "count" });
    await waitFor(() => caught.length === 1, 3000, "the error");
    caught[0].error.message.should.equal("Error: settings are wrong: check them");
  });

  it("starts no timer or poller once closed", async function () {
    const node = { id: "n", credentials: {}, status() {}, context: () => ({ get() {}, set() {} }) };
    const kit = new NodeKit({ settings: {}, nodes: {} }, node, {}, new Map());
    kit.shutdown();
    let ran = 0;
    kit.after(5, () => ran++);
    kit.every(async () => void ran++).start(5);
    await new Promise((r) => setTimeout(r, 40));
    ran.should.equal(0);
  });
});

"use strict";
// flume-config and flume-flow in a German runtime: a Catch node gets the German text of a refused login,
// of a call Flume denies (the call it names in German too) and of a usage query it cannot ask; the status
// lines of a leak, a rate limit and a usage answer are German. Leak sentences are the user's own.
const path = require("node:path");
const { helper, major, nodeModules, nextMessage, collect, waitFor } = require("../helpers/node-red");
const { inGerman } = require("../helpers/german");
const { FlumeSimulator } = require("../../build/devtools/simulators/flume");

const CREDS = { clientId: "cid-de-3", clientSecret: "csecret-de-3", username: "de@example.com", password: "pw-de-3" };
const MIN = 60_000;
const runtimeDir = path.dirname(require.resolve(major === "5" ? "node-red-5/package.json" : "node-red/package.json"));
const catchNode = require(require.resolve("@node-red/nodes/core/common/25-catch.js", { paths: [runtimeDir] }));

/** The Catch node's text; Node-RED puts the error's name (ValidationError, TokenRefused) before it. */
const caught = (msg) => msg.error.message.replace(/^\w+: /, "");

describe("Flume nodes in German", function () {
  let sim;
  let nodes;
  before(async function () {
    nodes = [...(await inGerman(nodeModules("flume-config", "flume-flow"))), catchNode];
  });
  beforeEach(async function () {
    sim = new FlumeSimulator({ account: CREDS });
    await sim.start();
    await helper.startServer();
  });
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
    await sim.stop();
  });

  async function load(flowProps = {}, configProps = {}, creds = CREDS) {
    const flow = [
      { id: "tab1", type: "tab", label: "test" },
      { id: "acct", type: "flume-config", name: "home", baseUrl: sim.url, budget: 100, ...configProps },
      {
        id: "ff",
        z: "tab1",
        type: "flume-flow",
        flume: "acct",
        device: "",
        interval: 0,
        unit: "gal",
        leakThreshold: 0.5,
        leakMinutes: 30,
        useFlumeAlerts: false,
        wires: [["out1"], ["out2"]],
        ...flowProps,
      },
      { id: "out1", z: "tab1", type: "helper" },
      { id: "out2", z: "tab1", type: "helper" },
      { id: "catcher", z: "tab1", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "tab1", type: "helper" },
    ];
    await helper.load(nodes, flow, { acct: creds });
    const node = helper.getNode("ff");
    const statuses = [];
    node.on("call:status", (c) => statuses.push(c.args[0].text));
    return { node, statuses, out1: helper.getNode("out1"), catching: nextMessage(helper.getNode("caught")) };
  }

  it("a refused login reaches the Catch node in German, and the status says it in German", async function () {
    const { node, statuses, catching } = await load({}, {}, { ...CREDS, password: "Tippfehler" });
    node.receive({});
    caught(await catching).should.equal(
      "Anmeldung fehlgeschlagen, E-Mail/Passwort prüfen: Flume hat die E-Mail-Adresse oder das Passwort des Kontos abgelehnt; dieselben verwenden, mit denen Sie sich in der Flume-App anmelden.",
    );
    await waitFor(() => statuses.length > 0, 5000, "the status");
    statuses.at(-1).should.equal("Anmeldung abgelehnt");
  });

  it("a call Flume denies: the Catch node gets German, the call it names too", async function () {
    sim.inject({ kind: "status", status: 403, times: 1, path: "/query/active" });
    const { node, catching } = await load();
    node.receive({});
    caught(await catching).should.equal(
      "Flume verweigert den Zugriff auf den aktuellen Durchfluss: der API-Client muss zum selben Flume-Konto gehören wie die E-Mail-Adresse.",
    );
  });

  it("a usage query with a bucket Flume does not know: German Catch text; a good one: German status", async function () {
    const { node, statuses, catching, out1 } = await load();
    node.receive({ payload: { usage: { bucket: "WEEK" } } });
    caught(await catching).should.equal(
      "msg.payload.usage.bucket muss einer von MIN, HR, DAY, MON, YR sein, nicht „WEEK“.",
    );
    const answered = nextMessage(out1);
    node.receive({ payload: { usage: { bucket: "HR" } } });
    await answered;
    statuses.at(-1).should.match(/^ok · \d+ Verbrauchswerte \(HR\) · \d\d:\d\d$/);
  });

  it("rate limited by Flume on the timer: a German waiting status with the next poll", async function () {
    const { statuses, out1 } = await load({ interval: 60 }, { timeScale: 1000 });
    const polls = collect(out1);
    await waitFor(() => polls.length >= 1, 5000, "first poll");
    sim.inject({ kind: "rate-limit", retryAfterSeconds: 1, times: 1, path: "/query/active" });
    await waitFor(
      () => statuses.some((t) => /^von Flume gebremst: nächste Abfrage \d\d:\d\d$/.test(t)),
      5000,
      statuses.join(" | "),
    );
  });

  it("a leak by the rule: the status line says Leck in German", async function () {
    const t0 = Date.UTC(2026, 6, 1, 9, 0);
    sim.clock.freeze(t0);
    sim.scriptFlow(2.1, { fromMs: t0, minutes: 40 });
    const { node, statuses, out1 } = await load();
    const polls = collect(out1);
    for (let m = 0; m <= 35; m += 5) {
      sim.clock.set(t0 + m * MIN);
      node.receive({});
      await waitFor(() => polls.length === m / 5 + 1, 5000, `poll at minute ${m}`);
      await new Promise((r) => setImmediate(r));
    }
    statuses.at(-1).should.match(/^Leck · 2\.1 gal\/min · \d\d:\d\d$/);
  });
});

"use strict";
// tibber-prices and tibber-live in a German runtime: a Catch node gets the German text of an unknown home
// and of a live feed stopped by "too many connections", and the status lines are German.
const { helper, nodeModules, nextMessage, waitFor } = require("../helpers/node-red");
const { inGerman } = require("../helpers/german");
const { TibberSimulator, DEMO_TOKEN, WINTERFELL } = require("../../build/devtools/simulators/tibber");
const { useTibberSimulator } = require("./sim-clock");

const FAST = { baseMs: 20, maxMs: 200, keepAliveMs: 100, tooManyBaseMs: 20, maxTooMany: 2, goingAwayMaxMs: 30 };

/** The Catch node's text; Node-RED puts the error's name before it for an input's error. */
const caught = (msg) => msg.error.message.replace(/^\w+Error: /, "");

describe("Tibber nodes in German", function () {
  let nodes;
  before(async function () {
    nodes = await inGerman(nodeModules("tibber-prices", "tibber-live"));
    helper.settings({ tibberLive: FAST });
    await new Promise((resolve) => helper.startServer(resolve));
  });
  after(function (done) {
    helper.settings({});
    helper.stopServer(done);
  });
  const tibber = useTibberSimulator({ beforeStop: () => helper.unload() });

  /** `node` with a Catch node for it; its statuses and what the Catch node hands on. */
  async function load(node) {
    const flow = [
      { id: "f1", type: "tab" },
      { z: "f1", wires: [[]], ...node },
      { id: "catcher", z: "f1", type: "catch", scope: [node.id], uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "f1", type: "helper" },
    ];
    await helper.load(nodes, flow, { [node.id]: { token: DEMO_TOKEN } });
    const statuses = [];
    helper.getNode(node.id).on("call:status", (c) => statuses.push(c.args[0]));
    return { node: helper.getNode(node.id), statuses, catching: nextMessage(helper.getNode("caught")) };
  }

  it("tibber-prices: an unknown home reaches the Catch node and the status in German", async function () {
    const sim = tibber.sim;
    const { node, statuses, catching } = await load({
      id: "p",
      type: "tibber-prices",
      baseUrl: sim.url,
      home: "Ferienhaus",
      resolution: "HOURLY",
      emit: "input",
      wires: [[], []],
    });
    node.receive({ payload: 1 });
    const msg = await catching;
    caught(msg).should.startWith(
      `Kein Tibber-Zuhause passt zu „Ferienhaus“; unter Zuhause eines davon eintragen: "Winterfell" (${WINTERFELL.id}), `,
    );
    await waitFor(() => statuses.some((s) => s.fill === "red"), 5000, "the red status");
    statuses.find((s) => s.fill === "red").text.should.equal("Kein Tibber-Zuhause passt zu „Ferienhau…");
  });

  it("tibber-live: reconnecting and stopped in German, the Catch node gets the German reason", async function () {
    const sim = new TibberSimulator();
    sim.live.intervalMs = 20;
    sim.live.maxSocketsPerToken = 0;
    await sim.start();
    try {
      const { statuses, catching } = await load({
        id: "l",
        type: "tibber-live",
        baseUrl: sim.url,
        home: "",
        every: 0,
        everyMode: "last",
        silence: 90,
      });
      const msg = await catching;
      caught(msg).should.startWith(
        "Tibber hat die Echtzeit-Messung 2-mal hintereinander abgelehnt: zu viele offene Verbindungen für diesen Token",
      );
      await waitFor(() => statuses.some((s) => s.text === "gestoppt: zu viele Verbindungen"), 5000, "stopped");
      const texts = statuses.map((s) => s.text);
      texts.should.containEql("suche Zuhause");
      texts.should.containEql("verbinde");
      texts.some((t) => /^neue Verbindung in \d+ s · zu viele Verbindungen$/.test(t)).should.be.true(texts.join(" | "));
    } finally {
      await helper.unload();
      await sim.stop();
    }
  });
});

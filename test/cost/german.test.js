"use strict";
// energy-cost and price-plan in a German runtime: a Catch node gets the German text of a bad grid fee
// window and of a bad clock time, and the status lines (prices known, on/off until) are German.
const { helper, nodeModules, nextMessage, waitFor } = require("../helpers/node-red");
const { inGerman } = require("../helpers/german");

/** The Catch node's text; Node-RED puts the error's name before it for an input's error. */
const caught = (msg) => msg.error.message.replace(/^\w+Error: /, "");

/** Three hourly prices from the current hour on. */
function prices() {
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  return [0.3, 0.1, 0.2].map((total, i) => ({ startsAt: new Date(hour + i * 3_600_000).toISOString(), total }));
}

describe("energy-cost and price-plan in German", function () {
  let nodes;
  before(async function () {
    nodes = await inGerman(nodeModules("energy-cost", "price-plan"));
    await new Promise((resolve) => helper.startServer(resolve));
  });
  after(function (done) {
    helper.stopServer(done);
  });
  afterEach(() => helper.unload());

  /** `node` with a Catch node for it; its statuses and what the Catch node hands on. */
  async function load(node) {
    const flow = [
      { id: "f1", type: "tab" },
      { z: "f1", wires: [[]], ...node },
      { id: "catcher", z: "f1", type: "catch", scope: [node.id], uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "f1", type: "helper" },
    ];
    await helper.load(nodes, flow);
    const statuses = [];
    const n = helper.getNode(node.id);
    n.on("call:status", (c) => statuses.push(c.args[0]));
    return { node: n, statuses, catching: nextMessage(helper.getNode("caught")) };
  }

  it("energy-cost: a bad grid fee window reaches the Catch node in German", async function () {
    const { node, catching } = await load({
      id: "c",
      type: "energy-cost",
      timezone: "Europe/Vienna",
      gridWindows: '[{"from":"25:00","to":"06:00","fee":0.1}]',
    });
    node.receive({ payload: prices() });
    caught(await catching).should.equal(
      'Netzentgelt-Zeitfenster 1: „from“ muss eine Uhrzeit wie „22:00“ sein, nicht "25:00"',
    );
  });

  it("energy-cost: the status says how many prices it knows, in German", async function () {
    const { node, statuses } = await load({ id: "c", type: "energy-cost", timezone: "Europe/Vienna" });
    node.receive({ payload: prices() });
    await waitFor(() => statuses.length > 0, 5000, "a status");
    statuses.at(-1).text.should.match(/^ok · 3 Strompreise · \d\d:\d\d$/);
  });

  it("price-plan: a bad clock time reaches the Catch node in German", async function () {
    const { node, catching } = await load({ id: "p", type: "price-plan", wires: [[], []], from: "7 Uhr" });
    node.receive({ payload: prices() });
    caught(await catching).should.equal("„Zeitfenster ab“ muss eine Uhrzeit wie „22:00“ sein, nicht „7 Uhr“");
  });

  it("price-plan: on or off until the next switch, in German", async function () {
    const { node, statuses } = await load({
      id: "p",
      type: "price-plan",
      wires: [[], []],
      hours: 1,
      from: "00:00",
      to: "00:00",
      timezone: "Europe/Vienna",
    });
    node.receive({ payload: prices() });
    await waitFor(() => statuses.length > 0, 5000, "a status");
    statuses.at(-1).text.should.match(/^(ok · ein|aus)( bis \d\d:\d\d)?( · \d\d:\d\d)?$/);
  });
});

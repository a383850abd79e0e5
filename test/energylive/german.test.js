"use strict";
// energylive-reader in a German runtime: a Catch node gets the German text of a key the live stream
// refused and of an unknown device, a refused stream is warned about in German, and the status lines of
// the stream and of a refused key are German.
const { helper, nodeModules, nextMessage, waitFor } = require("../helpers/node-red");
const { inGerman } = require("../helpers/german");
const { EnergyLiveSimulator } = require("../../build/devtools/simulators/energylive");

const KEY = "german-key-Rt51mQ8pZ2wX7cV4";
const UID = "I-10082023-01658401";
const FAST = { baseMs: 20, maxMs: 200, silentMs: 300 };

/** The Catch node's text; Node-RED puts the error's name before it for an input's error. */
const caught = (msg) => msg.error.message.replace(/^\w+Error: /, "");

describe("energylive-reader in German", function () {
  let sim;
  let nodes;
  before(async function () {
    nodes = await inGerman(nodeModules("energylive-account", "energylive-reader"));
    helper.settings({ energyliveStream: FAST });
    await new Promise((resolve) => helper.startServer(resolve));
  });
  after(function (done) {
    helper.settings({});
    helper.stopServer(done);
  });
  beforeEach(async function () {
    sim = new EnergyLiveSimulator();
    sim.sampleMs = 50;
    sim.streams.tickMs = 10;
    sim.addDevice(UID, { fixedLoadW: 500 });
    sim.addApiKey(KEY, [UID]);
    await sim.start();
  });
  afterEach(async function () {
    await helper.unload();
    await sim.stop();
  });

  async function load(props) {
    const flow = [
      { id: "f1", type: "tab" },
      {
        id: "r1",
        z: "f1",
        type: "energylive-reader",
        account: "acct",
        deviceUid: UID,
        interval: 0.05,
        onlyNew: true,
        timeout: 1,
        wires: [["out"]],
        ...props,
      },
      { id: "acct", type: "energylive-account", baseUrl: sim.url },
      { id: "out", z: "f1", type: "helper" },
      { id: "catcher", z: "f1", type: "catch", scope: ["r1"], uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "f1", type: "helper" },
    ];
    await helper.load(nodes, flow, { acct: { apiKey: KEY } });
    const node = helper.getNode("r1");
    const statuses = [];
    const warnings = [];
    node.on("call:status", (c) => statuses.push(c.args[0].text));
    node.on("call:warn", (c) => warnings.push(String(c.args[0])));
    return { node, statuses, warnings, catching: nextMessage(helper.getNode("caught")) };
  }

  it("live stream with a refused key: the Catch node and the status get German", async function () {
    sim.revoked = true;
    const { statuses, catching } = await load({ mode: "live" });
    caught(await catching).should.startWith(
      "energyLIVE hat den API-Schlüssel für den Live-Stream abgelehnt (HTTP 403); im smartENERGY-Kundenportal einen neuen anlegen",
    );
    await waitFor(() => statuses.length > 0, 5000, "a status");
    statuses.should.containEql("verbinde mit dem Live-Stream");
    statuses.at(-1).should.equal("API-Schlüssel abgelehnt");
  });

  it("live stream refused: a German warning, then the German live status of polling", async function () {
    sim.inject({ kind: "status", status: 404, path: "/measurements/live" });
    const { warnings, statuses } = await load({ mode: "live" });
    await waitFor(() => warnings.length > 0, 5000, "the warning");
    warnings[0].should.equal(
      "energyLIVE hat den Live-Stream abgelehnt (HTTP 404); stattdessen wird /latest abgefragt.",
    );
    await waitFor(() => statuses.includes("startet"), 5000, "polling starts");
  });

  it("live stream reconnecting after a drop: German status with a German reason", async function () {
    const { statuses } = await load({ mode: "live" });
    await waitFor(() => sim.streams.count === 1, 5000, "the stream");
    sim.streams.drop();
    await waitFor(() => statuses.some((t) => /^neue Verbindung in \d+ s · /.test(t)), 5000, "reconnecting");
    statuses
      .find((t) => /^neue Verbindung/.test(t))
      .should.match(/ · (der Stream ist (zu Ende|abgebrochen)|energyLIVE nicht erreichbar \(\w+\))$/);
  });

  it("polling an unknown device: the Catch node gets German", async function () {
    const { catching } = await load({ deviceUid: "I-01012020-99999999" });
    caught(await catching).should.equal(
      "energyLIVE kennt die Geräte-UID I-01012020-99999999 nicht; die UID im Kundenportal unter ENERGYLIVE VERWALTEN prüfen (sie muss zu diesem API-Schlüssel gehören).",
    );
  });

  it("polling with a refused key: the red status is German", async function () {
    sim.revoked = true;
    const { statuses } = await load({});
    await waitFor(() => statuses.some((t) => /^API-Schlüssel abgelehnt/.test(t)), 5000, "the status");
    statuses
      .find((t) => /^API-Schlüssel abgelehnt/.test(t))
      .should.equal("API-Schlüssel abgelehnt · neuer Versuch in 1 s");
  });
});

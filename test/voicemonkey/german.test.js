"use strict";
// voicemonkey-announce in a German runtime: a Catch node gets the German text of a refused token and of a
// text longer than Alexa speaks, and the status lines of a spoken announcement and of the daily cap are German.
const { helper, nodeModules, nextMessage, waitFor } = require("../helpers/node-red");
const { inGerman } = require("../helpers/german");
const { VoiceMonkeySimulator } = require("../../build/devtools/simulators/voicemonkey");

const TOKEN = "vm3-german-test-token-5d21c8e7b0";

/** The Catch node's text; Node-RED puts the error's name before it for an input's error. */
const caught = (msg) => msg.error.message.replace(/^\w+Error: /, "");

describe("voicemonkey-announce in German", function () {
  let sim;
  let nodes;
  before(async function () {
    nodes = await inGerman(nodeModules("voicemonkey-account", "voicemonkey-announce"));
    helper.settings({ voicemonkeyAnnounce: { maxThrottleWaitMs: 3000, retryDelayMs: 10, timeoutMs: 1500 } });
    await new Promise((resolve) => helper.startServer(resolve));
  });
  after(function (done) {
    helper.settings({});
    helper.stopServer(done);
  });
  beforeEach(async function () {
    sim = new VoiceMonkeySimulator({ v3Tokens: [TOKEN], retryAfterHeader: false });
    await sim.start();
  });
  afterEach(async function () {
    await helper.unload();
    await sim.stop();
  });

  async function load(props = {}) {
    const flow = [
      { id: "f1", type: "tab" },
      {
        id: "vm",
        z: "f1",
        type: "voicemonkey-announce",
        account: "acct",
        device: "echo-kitchen",
        deviceType: "str",
        cooldown: 900,
        quietStart: "",
        quietEnd: "",
        holdQuiet: false,
        maxPerDay: 1,
        wires: [["out"]],
        ...props,
      },
      { id: "acct", type: "voicemonkey-account", apiVersion: "v3", baseUrl: sim.url },
      { id: "out", z: "f1", type: "helper" },
      { id: "catcher", z: "f1", type: "catch", scope: ["vm"], uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "f1", type: "helper" },
    ];
    await helper.load(nodes, flow, { acct: { token: TOKEN } });
    const node = helper.getNode("vm");
    const statuses = [];
    node.on("call:status", (c) => statuses.push(c.args[0].text));
    return { node, statuses, out: helper.getNode("out"), catching: nextMessage(helper.getNode("caught")) };
  }

  it("a refused token reaches the Catch node in German, with a German red status", async function () {
    sim.revoked = true;
    const { node, statuses, catching } = await load();
    node.receive({ payload: "Die Waschmaschine ist fertig" });
    caught(await catching).should.equal(
      "VoiceMonkey hat den Token abgelehnt: ihn erneut aus der VoiceMonkey-Konsole (API Tokens) kopieren; ein Token gilt nur für die API-Version seines Kontos – läuft das Konto auf v2, im Node die API-Version v2 wählen.",
    );
    await waitFor(() => statuses.length > 0, 5000, "the status");
    statuses.at(-1).should.equal("VoiceMonkey hat den Token abgelehnt");
  });

  it("a text too long for Alexa reaches the Catch node in German", async function () {
    const { node, statuses, catching } = await load();
    node.receive({ payload: "x".repeat(8001) });
    caught(await catching).should.equal(
      "Die Ansage hat 8001 Zeichen; Alexa spricht höchstens 8000 (ihre Grenze für eine gesprochene Antwort): kürzen oder aufteilen.",
    );
    await waitFor(() => statuses.length > 0, 5000, "the status");
    statuses.at(-1).should.equal("Ansage zu lang");
  });

  it("spoken and then over the daily cap: German status lines", async function () {
    const { node, statuses, out } = await load();
    node.receive({ payload: "Das Essen ist fertig" });
    (await nextMessage(out)).payload.sent.should.be.true();
    statuses.at(-1).should.match(/^ok · 1 heute · \d\d:\d\d$/);
    node.receive({ payload: "Die Post ist da" });
    (await nextMessage(out)).payload.should.eql({
      sent: false,
      reason: "daily-limit",
      device: "echo-kitchen",
      text: "Die Post ist da",
    });
    statuses.at(-1).should.equal("Tageslimit 1 erreicht");
    node.receive({ payload: "Das Essen ist fertig" });
    await nextMessage(out);
    statuses.at(-1).should.equal("Sperrzeit · 1 heute");
  });

  it("a throttling lockout sat out: the German waiting status says when it retries", async function () {
    const { node, statuses, out } = await load();
    sim.lockOut(200);
    node.receive({ payload: "Hallo" });
    (await nextMessage(out)).payload.sent.should.be.true();
    statuses.some((t) => /^gebremst · neuer Versuch \d\d:\d\d$/.test(t)).should.be.true(statuses.join(" | "));
  });

  it("settings that are not a time of day: German Catch text and status", async function () {
    const { node, statuses, catching } = await load({ quietStart: "25:00", quietEnd: "07:00" });
    node.receive({ payload: "Hallo" });
    caught(await catching).should.equal(
      "Einstellungen des Nodes prüfen: der Beginn der Ruhezeit „25:00“ ist keine Uhrzeit: HH:MM verwenden, z. B. 22:00",
    );
    statuses.should.containEql("Einstellungen prüfen");
  });
});

"use strict";
// Accounts once, not per node: tibber-account, voicemonkey-account and energylive-account in a real
// Node-RED (4 or 5) against the simulators; 0.1.0 flows whose nodes carry their own credentials keep
// working and warn once; the funnel redacts the account's secrets; the home or device from a TypedInput.
const { helper, nodeModules, nextMessage, collect, waitFor } = require("../helpers/node-red");
const { startLeakWatch } = require("../helpers/secrets");
const { TWO_HOMES_TOKEN, BERLIN_FLAT, CABIN } = require("../../build/devtools/simulators/tibber");
const { VoiceMonkeySimulator } = require("../../build/devtools/simulators/voicemonkey");
const { EnergyLiveSimulator } = require("../../build/devtools/simulators/energylive");
const { FlumeSimulator } = require("../../build/devtools/simulators/flume");
const { useTibberSimulator } = require("../tibber/sim-clock");

const MIGRATE = /still holds its own credentials \(a flow from 0\.1\.0\)/;

/** The warnings of one node, as texts. */
const warningsOf = (node) =>
  helper._NodePrototype.warn
    .getCalls()
    .filter((c) => c.thisValue === node)
    .map((c) => String(c.args[0]));

/** Errors a node reported (to Catch nodes), as texts. */
function errorsOf(node) {
  const errors = [];
  node.on("call:error", (call) => errors.push(String(call.args[0]?.message ?? call.args[0])));
  return errors;
}

describe("accounts: tibber-account with tibber-prices", function () {
  let sim;
  before(() => helper.startServer());
  after(() => helper.stopServer());
  const tibber = useTibberSimulator({ beforeStop: () => helper.unload() });
  beforeEach(() => {
    sim = tibber.sim;
    sim.clock.freeze(Date.parse("2025-06-10T14:20:00+02:00"));
  });

  const prices = (id, props = {}) => [
    {
      id,
      type: "tibber-prices",
      account: "acct",
      baseUrl: "",
      home: "",
      homeType: "str",
      resolution: "HOURLY",
      emit: "input",
      cheapestMinutes: 0,
      cheapestContiguous: true,
      consumptionHours: 48,
      wires: [[`out-${id}`], []],
      ...props,
    },
    { id: `out-${id}`, type: "helper" },
  ];
  const account = () => ({ id: "acct", type: "tibber-account", name: "", baseUrl: sim.url });
  const modules = () => nodeModules("tibber-account", "tibber-prices");

  it("gives two nodes the one token of their account, without any warning", async function () {
    const watch = startLeakWatch();
    await helper.load(modules(), [account(), ...prices("a", { home: "Hytta" }), ...prices("b", { home: "Berlin" })], {
      acct: { token: TWO_HOMES_TOKEN },
    });
    const a = nextMessage(helper.getNode("out-a"));
    const b = nextMessage(helper.getNode("out-b"));
    helper.getNode("a").receive({});
    helper.getNode("b").receive({});
    (await a).payload.homeId.should.equal(CABIN.id);
    (await b).payload.homeId.should.equal(BERLIN_FLAT.id);
    warningsOf(helper.getNode("a")).should.eql([]);
    watch.assertNoLeak([TWO_HOMES_TOKEN]);
  });

  it("takes the home from msg (TypedInput) for each message", async function () {
    await helper.load(modules(), [account(), ...prices("a", { home: "home", homeType: "msg" })], {
      acct: { token: TWO_HOMES_TOKEN },
    });
    const out = collect(helper.getNode("out-a"));
    helper.getNode("a").receive({ home: "Hytta" });
    await waitFor(() => out.length === 1, 5000, "first answer");
    helper.getNode("a").receive({ home: BERLIN_FLAT.id });
    await waitFor(() => out.length === 2, 5000, "second answer");
    out.map((m) => m.payload.homeId).should.eql([CABIN.id, BERLIN_FLAT.id]);
  });

  it("redacts the account's token from an error that quotes the message's home", async function () {
    await helper.load(modules(), [account(), ...prices("a", { home: "home", homeType: "msg" })], {
      acct: { token: TWO_HOMES_TOKEN },
    });
    const node = helper.getNode("a");
    const errors = errorsOf(node);
    const statuses = [];
    node.on("call:status", (call) => statuses.push(call.args[0].text));
    // The message itself carries the token (a user's mistake); what the node says about it must not.
    node.receive({ home: TWO_HOMES_TOKEN });
    await waitFor(() => errors.length === 1, 5000, "the error");
    errors[0].should.startWith('No Tibber home matches "***"');
    statuses.should.containEql('No Tibber home matches "***"');
    [...errors, ...statuses].join("\n").should.not.containEql(TWO_HOMES_TOKEN);
  });

  it("runs a 0.1.0 flow with the token in the node as before, and warns once how to move it", async function () {
    // The node as 0.1.0 stored it: its own base URL and token, no account, no homeType.
    const old = prices("old", { account: undefined, homeType: undefined, baseUrl: sim.url, home: "Hytta" });
    delete old[0].account;
    delete old[0].homeType;
    await helper.load(modules(), old, { old: { token: TWO_HOMES_TOKEN } });
    const out = collect(helper.getNode("out-old"));
    helper.getNode("old").receive({});
    helper.getNode("old").receive({});
    await waitFor(() => out.length === 2, 5000, "two answers");
    out[0].payload.homeId.should.equal(CABIN.id);
    const warnings = warningsOf(helper.getNode("old"));
    warnings.filter((w) => MIGRATE.test(w)).should.have.length(1);
    warnings[0].should.match(/tibber-account/);
  });

  it("says a token is missing when the account has none", async function () {
    await helper.load(modules(), [account(), ...prices("a")], {});
    const node = helper.getNode("a");
    const errors = errorsOf(node);
    node.receive({});
    await waitFor(() => errors.length === 1, 5000, "the error");
    errors[0].should.match(/No Tibber token: choose a Tibber account/);
    sim.count("/").should.equal(0);
  });

  it("lists the homes for the editor through the account: typed in an undeployed one, or the stored token", async function () {
    await helper.load(modules(), [account(), ...prices("a")], { acct: { token: TWO_HOMES_TOKEN } });
    const ask = (id, body) => helper.request().post(`/tibber-account/${id}/homes`).send(body);
    const typed = await ask("not-deployed-yet", { token: TWO_HOMES_TOKEN, baseUrl: sim.url });
    typed.status.should.equal(200);
    typed.body.homes.map((h) => h.id).should.containEql(CABIN.id);
    const stored = await ask("acct", { token: "__PWRD__", baseUrl: sim.url });
    stored.body.homes.map((h) => h.id).should.eql(typed.body.homes.map((h) => h.id));
    const nothing = await ask("not-deployed-yet", { token: "__PWRD__", baseUrl: sim.url });
    nothing.status.should.equal(400);
    // A tibber-prices id is no account: the route refuses to use that node's secrets.
    (await ask("a", { token: "__PWRD__", baseUrl: sim.url })).status.should.equal(404);
    for (const res of [typed, stored, nothing]) res.text.should.not.containEql(TWO_HOMES_TOKEN);
  });
});

describe("accounts: voicemonkey-account with voicemonkey-announce", function () {
  const TOKEN = "vm3-account-test-token-5d1e0c";
  const V2_TOKEN = "vm2-account-test-token-9a7b21";
  let sim;
  before(() =>
    helper.settings({ voicemonkeyAnnounce: { maxThrottleWaitMs: 3000, retryDelayMs: 10, timeoutMs: 1500 } }),
  );
  after(() => helper.settings({}));
  beforeEach(async function () {
    sim = new VoiceMonkeySimulator({ v3Tokens: [TOKEN], v2Tokens: [V2_TOKEN], retryAfterHeader: false });
    await sim.start();
    await helper.startServer();
  });
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
    await sim.stop();
  });

  const announce = (id, props = {}) => [
    {
      id,
      type: "voicemonkey-announce",
      account: "vmacct",
      apiVersion: "v3",
      baseUrl: "",
      device: "echo-kitchen",
      deviceType: "str",
      voice: "",
      language: "",
      chime: "",
      cooldown: 0,
      quietStart: "",
      quietEnd: "",
      holdQuiet: false,
      maxPerDay: 20,
      wires: [[`out-${id}`]],
      ...props,
    },
    { id: `out-${id}`, type: "helper" },
  ];
  const modules = () => nodeModules("voicemonkey-account", "voicemonkey-announce");
  const account = (props = {}) => ({
    id: "vmacct",
    type: "voicemonkey-account",
    apiVersion: "v3",
    baseUrl: sim.url,
    ...props,
  });

  it("speaks on two devices with the account's one token", async function () {
    const watch = startLeakWatch();
    await helper.load(
      modules(),
      [account(), ...announce("kitchen"), ...announce("hall", { device: "echo-show-bedroom" })],
      { vmacct: { token: TOKEN } },
    );
    const k = nextMessage(helper.getNode("out-kitchen"));
    const h = nextMessage(helper.getNode("out-hall"));
    helper.getNode("kitchen").receive({ payload: "Dinner" });
    helper.getNode("hall").receive({ payload: "Door" });
    (await k).payload.should.containEql({ sent: true, device: "echo-kitchen" });
    (await h).payload.should.containEql({ sent: true, device: "echo-show-bedroom" });
    sim.announcements
      .map((a) => a.params.device)
      .sort()
      .should.eql(["echo-kitchen", "echo-show-bedroom"]);
    warningsOf(helper.getNode("kitchen")).should.eql([]);
    watch.assertNoLeak([TOKEN]);
  });

  it("uses the account's API version (v2) for its token", async function () {
    await helper.load(modules(), [account({ apiVersion: "v2", baseUrl: sim.url }), ...announce("kitchen")], {
      vmacct: { token: V2_TOKEN },
    });
    const got = nextMessage(helper.getNode("out-kitchen"));
    helper.getNode("kitchen").receive({ payload: "Hello" });
    (await got).payload.sent.should.be.true();
    sim.announcements.should.have.length(1);
  });

  it("takes the device from msg (TypedInput)", async function () {
    await helper.load(modules(), [account(), ...announce("a", { device: "speaker", deviceType: "msg" })], {
      vmacct: { token: TOKEN },
    });
    const got = nextMessage(helper.getNode("out-a"));
    helper.getNode("a").receive({ payload: "Hi", speaker: "echo-show-bedroom" });
    (await got).payload.device.should.equal("echo-show-bedroom");
  });

  it("lists the devices for the editor through the account, with its API version and stored token", async function () {
    await helper.load(modules(), [account(), ...announce("a")], { vmacct: { token: TOKEN } });
    const ask = (id, body) => helper.request().post(`/voicemonkey-account/${id}/devices`).send(body);
    const stored = await ask("vmacct", { apiVersion: "v3", baseUrl: sim.url, token: "__PWRD__" });
    stored.status.should.equal(200);
    stored.body.devices.map((d) => d.id).should.containEql("echo-kitchen");
    const typed = await ask("new-account", { apiVersion: "v3", baseUrl: sim.url, token: TOKEN });
    typed.body.should.eql(stored.body);
    const v2 = await ask("vmacct", { apiVersion: "v2", baseUrl: sim.url, token: "__PWRD__" });
    v2.status.should.equal(400);
    for (const res of [stored, typed, v2]) res.text.should.not.containEql(TOKEN);
  });

  it("runs a 0.1.0 node with its own token as before, warning once", async function () {
    const old = announce("old", { baseUrl: sim.url });
    delete old[0].account;
    delete old[0].deviceType;
    await helper.load(modules(), old, { old: { token: TOKEN } });
    const out = collect(helper.getNode("out-old"));
    helper.getNode("old").receive({ payload: "one" });
    helper.getNode("old").receive({ payload: "two" });
    await waitFor(() => out.length === 2, 5000, "two answers");
    sim.announcements.should.have.length(2);
    warningsOf(helper.getNode("old"))
      .filter((w) => MIGRATE.test(w))
      .should.have.length(1);
  });
});

describe("accounts: energylive-account with energylive-reader", function () {
  const KEY = "account-key-Qm41xV7nB2cZ8pL3";
  const UID = "I-10082023-01658401";
  const OTHER = "I-01022024-00000002";
  let sim;
  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(async function () {
    sim = new EnergyLiveSimulator();
    sim.clock.freeze(Math.floor(Date.now() / 60_000) * 60_000);
    sim.addDevice(UID, { fixedLoadW: 1380 });
    sim.addDevice(OTHER, { fixedLoadW: 200 });
    sim.addApiKey(KEY, [UID, OTHER]);
    await sim.start();
  });
  afterEach(async function () {
    await helper.unload();
    await sim.stop();
  });

  const reader = (id, props = {}) => [
    {
      id,
      type: "energylive-reader",
      account: "elacct",
      deviceUid: UID,
      interval: 0,
      onlyNew: false,
      mode: "poll",
      timeout: 5,
      baseUrl: "",
      wires: [[`out-${id}`]],
      ...props,
    },
    { id: `out-${id}`, type: "helper" },
  ];
  const modules = () => nodeModules("energylive-account", "energylive-reader");

  it("reads two interfaces with the account's one key", async function () {
    const watch = startLeakWatch();
    await helper.load(
      modules(),
      [
        { id: "elacct", type: "energylive-account", baseUrl: sim.url },
        ...reader("r1"),
        ...reader("r2", { deviceUid: OTHER }),
      ],
      { elacct: { apiKey: KEY } },
    );
    const a = nextMessage(helper.getNode("out-r1"));
    const b = nextMessage(helper.getNode("out-r2"));
    helper.getNode("r1").receive({});
    helper.getNode("r2").receive({});
    (await a).tags.should.containEql({ device_uid: UID });
    (await b).tags.should.containEql({ device_uid: OTHER });
    warningsOf(helper.getNode("r1")).should.eql([]);
    watch.assertNoLeak([KEY]);
  });

  it("lists the device UIDs for the editor through the account, typed or stored", async function () {
    await helper.load(modules(), [{ id: "elacct", type: "energylive-account", baseUrl: sim.url }, ...reader("r1")], {
      elacct: { apiKey: KEY },
    });
    const ask = (id, body) => helper.request().post(`/energylive-account/${id}/devices`).send(body);
    const stored = await ask("elacct", { apiKey: "__PWRD__", baseUrl: sim.url });
    stored.body.should.eql({ devices: [UID, OTHER] });
    const typed = await ask("new-account", { apiKey: KEY, baseUrl: sim.url });
    typed.body.should.eql({ devices: [UID, OTHER] });
    const moved = await ask("elacct", { apiKey: "__PWRD__", baseUrl: "http://127.0.0.1:9/api/v1" });
    moved.status.should.equal(400);
    for (const res of [stored, typed, moved]) res.text.should.not.containEql(KEY);
  });

  it("runs a 0.1.0 reader with its own key as before, warning once", async function () {
    const old = reader("old", { baseUrl: sim.url });
    delete old[0].account;
    await helper.load(modules(), old, { old: { apiKey: KEY } });
    const out = collect(helper.getNode("out-old"));
    helper.getNode("old").receive({});
    helper.getNode("old").receive({});
    await waitFor(() => out.length === 2, 5000, "two readings");
    warningsOf(helper.getNode("old"))
      .filter((w) => MIGRATE.test(w))
      .should.have.length(1);
  });
});

describe("flume-flow: the sensor from a TypedInput", function () {
  const CREDS = { clientId: "cid-typed-1", clientSecret: "cs-typed-1", username: "t@example.com", password: "pw-t1" };
  let sim;
  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(async function () {
    sim = new FlumeSimulator({ account: CREDS });
    await sim.start();
  });
  afterEach(async function () {
    await helper.unload();
    await sim.stop();
  });

  it("polls the sensor msg.sensor names", async function () {
    const second = sim.addSensor("6721255604737799999");
    await helper.load(
      nodeModules("flume-config", "flume-flow"),
      [
        { id: "acct", type: "flume-config", baseUrl: sim.url, budget: 100 },
        {
          id: "ff",
          type: "flume-flow",
          flume: "acct",
          device: "sensor",
          deviceType: "msg",
          interval: 0,
          unit: "gal",
          leakThreshold: 0.5,
          leakMinutes: 30,
          useFlumeAlerts: false,
          wires: [["out1"], []],
        },
        { id: "out1", type: "helper" },
      ],
      { acct: CREDS },
    );
    const got = nextMessage(helper.getNode("out1"));
    helper.getNode("ff").receive({ sensor: second.id });
    (await got).tags.device_id.should.equal(second.id);
  });
});

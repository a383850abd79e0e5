"use strict";
// Credentials Flume stops accepting (revoked, password changed in the app) used to cost a refused refresh and
// a refused login on every poll until our own login budget ran out (28 token requests an hour), and the
// status then said "rate limited by Flume". Now a refusal is held back 15, 30, then 60 minutes, the status says
// the login was refused, Catch hears it once per episode, and restored credentials work at the next attempt.
const path = require("node:path");
const fs = require("node:fs");
const { helper, major, nodeModules, collect, waitFor } = require("../helpers/node-red");
const { FlumeSimulator } = require("../../build/devtools/simulators/flume");
const { FlumeAccount } = require("../../dist/features/flume/client");
const { SensorPoller } = require("../../dist/features/flume/sensor-poller");
const { flumeDevicesLookup } = require("../../dist/features/flume/flume-lookup");

const MIN = 60_000;
const CREDS = { clientId: "cid-rv", clientSecret: "csecret-rv", username: "rv@example.com", password: "pw-rv-9" };
const SETTINGS = {
  device: "",
  intervalMs: MIN,
  unit: "gal",
  rule: { threshold: 0.5, minutes: 10 },
  useFlumeAlerts: false,
};
const runtimeDir = path.dirname(require.resolve(major === "5" ? "node-red-5/package.json" : "node-red/package.json"));
const catchNode = require(require.resolve("@node-red/nodes/core/common/25-catch.js", { paths: [runtimeDir] }));

describe("flume credentials Flume refuses", function () {
  let sim;
  beforeEach(async function () {
    sim = new FlumeSimulator({ account: CREDS });
    await sim.start();
  });
  afterEach(async function () {
    await sim.stop();
  });

  describe("on a fake clock", function () {
    let realNow;
    let now;
    beforeEach(function () {
      realNow = Date.now;
      now = Date.UTC(2026, 6, 1, 8, 0);
      Date.now = () => now;
      sim.clock.freeze(now);
    });
    afterEach(function () {
      Date.now = realNow;
    });

    /** Runs the node's timer for `minutes`: a poll when due, a held poll waits as long as it is told. */
    async function timerFor(poller, minutes) {
      const seen = { polls: 0, held: [], refused: 0 };
      let due = now;
      for (let i = 0; i < minutes; i++) {
        if (now >= due) {
          try {
            await poller.poll(undefined, new AbortController().signal, () => {});
            seen.polls++;
            due = now + poller.nextPollMs();
          } catch (err) {
            const held = poller.heldBy(err);
            if (!held) throw err;
            seen.held.push(held.what);
            due = now + held.waitMs;
          }
        }
        now += MIN;
        sim.clock.freeze(now);
      }
      return seen;
    }

    it("costs at most 4 token requests in the hour after a revocation, and logs in again once restored", async function () {
      const account = new FlumeAccount({ baseUrl: sim.url, credentials: { ...CREDS } });
      const poller = new SensorPoller(account, SETTINGS, () => Date.now());
      poller.register("ff");
      (await timerFor(poller, 5)).polls.should.equal(5);
      sim.grants.should.eql(["password"]);

      sim.revoked = true;
      const tokenBefore = sim.count("/oauth/token");
      const revoked = await timerFor(poller, 60);
      const tokenRequests = sim.count("/oauth/token") - tokenBefore;
      // The refused refresh and the refused login at once, then one login at 15 and at 45 minutes.
      tokenRequests.should.be.belowOrEqual(4);
      sim.grants.slice(1).should.eql(["refresh_token", "password", "password", "password"]);
      revoked.polls.should.equal(0);
      revoked.held.every((w) => w === "login refused").should.be.true();
      // Nothing asked /users while the credentials were held back: only the first poll's refused call.
      sim.log.filter((r) => r.path.startsWith("/users/") && r.status === 401).length.should.equal(1);

      sim.revoked = false;
      const restored = await timerFor(poller, 70);
      restored.polls.should.be.above(0);
      sim.grants[sim.grants.length - 1].should.equal("password");
      sim.log[sim.log.length - 1].status.should.equal(200);
    });

    it("tries again at once when the account node is deployed again", async function () {
      const account = new FlumeAccount({ baseUrl: sim.url, credentials: { ...CREDS, password: "typo" } });
      const err = await account.client.devices().catch((e) => e);
      err.retryInMs.should.equal(15 * MIN);
      err.statusText.should.equal("login refused");
      await account.client.devices().catch((e) => e);
      sim.grants.should.eql(["password"]);
      account.client.retryLogin();
      await account.client.devices().catch((e) => e);
      sim.grants.should.eql(["password", "password"]);
      // The editor's "Check account" is a "try again" too.
      const lookup = flumeDevicesLookup(() => account);
      const signal = new AbortController().signal;
      await lookup.run({ baseUrl: sim.url, secrets: {}, deployed: {}, signal }).catch((e) => e);
      sim.grants.should.eql(["password", "password", "password"]);
    });
  });

  describe("in Node-RED", function () {
    afterEach(async function () {
      await helper.unload();
    });

    it("says 'login refused' with the next try, tells Catch once, and polls again by itself once restored", async function () {
      // timeScale 1000: an hour lasts 3.6 s, the 60 s interval 60 ms, the 15-minute hold 0.9 s.
      const flow = [
        { id: "tab1", type: "tab", label: "test" },
        { id: "acct", type: "flume-config", name: "home", baseUrl: sim.url, budget: 100, timeScale: 1000 },
        {
          id: "ff",
          type: "flume-flow",
          z: "tab1",
          flume: "acct",
          interval: 60,
          useFlumeAlerts: false,
          wires: [["out1"], []],
        },
        { id: "out1", type: "helper", z: "tab1" },
        { id: "catcher", type: "catch", z: "tab1", scope: null, uncaught: false, wires: [["caught"]] },
        { id: "caught", type: "helper", z: "tab1" },
      ];
      await helper.load([...nodeModules("flume-config", "flume-flow"), catchNode], flow, { acct: CREDS });
      const ff = helper.getNode("ff");
      const out1 = collect(helper.getNode("out1"));
      const caught = collect(helper.getNode("caught"));
      await waitFor(() => out1.length >= 3, 5000, "polls");

      sim.revoked = true;
      const tokenBefore = sim.count("/oauth/token");
      await waitFor(() => caught.length >= 1, 5000, "the refusal at Catch");
      caught[0].error.message.should.match(/Login failed, check e-mail\/password/);
      await waitFor(() => sim.count("/oauth/token") - tokenBefore >= 3, 5000, "the attempt after the first hold");
      caught.length.should.equal(1);
      const status = ff.status.lastCall.args[0];
      status.fill.should.equal("red");
      status.text.should.match(/^login refused: next try \d\d:\d\d$/);
      ff.status.args.some((a) => /rate limited/.test(a[0].text)).should.be.false();

      sim.revoked = false;
      const before = out1.length;
      await waitFor(() => out1.length > before, 8000, "polls after the credentials are restored");
      caught.length.should.equal(1);
      (sim.count("/oauth/token") - tokenBefore).should.be.belowOrEqual(5);
      await waitFor(() => ff.status.lastCall.args[0].fill === "green", 2000, "a green status");
    });

    it("tries at once when the account node is deployed again, and a node-only deploy costs no attempt", async function () {
      // timeScale 100: the first hold lasts 9 s, far longer than any wait here.
      const flow = (name) => [
        { id: "tab1", type: "tab", label: "test" },
        { id: "acct", type: "flume-config", name: "home", baseUrl: sim.url, budget: 100, timeScale: 100 },
        {
          id: "ff",
          type: "flume-flow",
          z: "tab1",
          name,
          flume: "acct",
          interval: 60,
          useFlumeAlerts: false,
          wires: [["out1"], []],
        },
        { id: "out1", type: "helper", z: "tab1" },
        { id: "catcher", type: "catch", z: "tab1", scope: null, uncaught: false, wires: [["caught"]] },
        { id: "caught", type: "helper", z: "tab1" },
      ];
      const modules = [...nodeModules("flume-config", "flume-flow"), catchNode];
      sim.revoked = true;
      await helper.load(modules, flow("a"), { acct: CREDS });
      let caught = collect(helper.getNode("caught"));
      await waitFor(() => caught.length === 1, 5000, "the refusal");
      sim.grants.should.eql(["password"]);
      // The node alone: the account still holds the credentials back, so no attempt and no second Catch.
      await helper.setFlows(flow("b"), "nodes", { acct: CREDS });
      caught = collect(helper.getNode("caught"));
      await waitFor(
        () => /^login refused: next try/.test(helper.getNode("ff").status.lastCall?.args[0].text ?? ""),
        5000,
        "the held status",
      );
      sim.grants.should.eql(["password"]);
      caught.length.should.equal(0);
      // Fixed at Flume, then the whole flow deployed: the login is tried at once and polling resumes.
      sim.revoked = false;
      await helper.setFlows(flow("b"), "full", { acct: CREDS });
      const out1 = collect(helper.getNode("out1"));
      await waitFor(() => out1.length >= 1, 3000, "a poll right after the deploy");
      sim.grants.should.eql(["password", "password"]);
    });

    it("has the status texts in English and German", function () {
      const read = (lang) =>
        JSON.parse(fs.readFileSync(path.join(__dirname, "../../nodes/locales", lang, "flume-flow.json"), "utf8"))[
          "flume-flow"
        ].status;
      read("en-US").should.containEql({ loginRefused: "login refused", loginHeld: "login refused: next try __at__" });
      read("de").loginRefused.should.equal("Anmeldung abgelehnt");
      read("de").loginHeld.should.equal("Anmeldung abgelehnt: nächster Versuch __at__");
    });
  });
});

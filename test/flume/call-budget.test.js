"use strict";
// Flume calls per hour with the defaults (one sensor, 60 s flow, Flume alerts on), counted by the simulator:
// the notifications see a new leak within one alert period (5 min), `leaks/active` is asked every 30 min
// while all is quiet and every alert period while a leak is announced or raised, to see it end.
require("should");
const { FlumeSimulator } = require("../../build/devtools/simulators/flume");
const { FlumeAccount } = require("../../dist/features/flume/client");
const { SensorPoller } = require("../../dist/features/flume/sensor-poller");
const { planPolling } = require("../../dist/features/flume/domain/poll-plan");

const MIN = 60_000;
const H = 60 * MIN;
const CREDS = { clientId: "cid-cb", clientSecret: "csecret-cb", username: "cb@example.com", password: "pw-cb" };
const SETTINGS = {
  device: "",
  intervalMs: MIN,
  unit: "gal",
  rule: { threshold: 0.5, minutes: 10 },
  useFlumeAlerts: true,
};

describe("flume call budget per hour", function () {
  let sim;
  let realNow;
  let now;
  beforeEach(async function () {
    sim = new FlumeSimulator({ account: CREDS });
    await sim.start();
    // One clock for the account's caches, the poller and the simulator, stepped by hand.
    realNow = Date.now;
    now = Date.UTC(2026, 6, 1, 8, 0);
    Date.now = () => now;
    sim.clock.freeze(now);
  });
  afterEach(async function () {
    Date.now = realNow;
    await sim.stop();
  });

  /** Polls like the node's timer for `minutes` from the current time; returns the alerts sent. */
  async function pollFor(poller, minutes, at) {
    const alerts = [];
    for (let i = 0; i < minutes; i++) {
      if (at[i]) at[i]();
      const r = await poller.poll(undefined, new AbortController().signal, () => {});
      alerts.push(...r.alerts.map((a) => [i, a.type]));
      now += MIN;
      sim.clock.freeze(now);
    }
    return alerts;
  }

  const perPath = () => {
    const sensor = `/users/12345/devices/${sim.sensorId}`;
    return {
      "query/active": sim.count(`${sensor}/query/active`),
      "leaks/active": sim.count(`${sensor}/leaks/active`),
      notifications: sim.count(/\/notifications/),
      devices: sim.count("/users/12345/devices", "GET"),
      token: sim.count("/oauth/token"),
    };
  };

  it("spends 60 flow + 12 notifications + 2 leaks/active = 74 calls in a quiet hour (was 84)", async function () {
    const account = new FlumeAccount({ baseUrl: sim.url, credentials: { ...CREDS } });
    const poller = new SensorPoller(account, SETTINGS, () => Date.now());
    poller.register("ff");
    await pollFor(poller, 60, {});
    const calls = perPath();
    calls.should.eql({ "query/active": 60, "leaks/active": 2, notifications: 12, devices: 1, token: 1 });
    (calls["query/active"] + calls["leaks/active"] + calls.notifications).should.equal(74);
    account.plan().wanted.should.equal(74);
  });

  it("still sees a leak within one alert period and its end within the next, asking leaks/active meanwhile", async function () {
    const account = new FlumeAccount({ baseUrl: sim.url, credentials: { ...CREDS } });
    const poller = new SensorPoller(account, SETTINGS, () => Date.now());
    poller.register("ff");
    const t0 = now;
    const alerts = await pollFor(poller, 60, {
      12: () => sim.raiseLeak(sim.sensorId, t0 + 12 * MIN),
      32: () => sim.clearLeak(),
    });
    // Checks run at minutes 0, 5, 10, …: the leak of minute 12 is seen at 15, its end (32) at 35.
    alerts.should.eql([
      [15, "leak"],
      [35, "leak-cleared"],
    ]);
    const calls = perPath();
    // leaks/active at 0 and 30 (quiet) and at 15, 20, 25, 30, 35 (following the leak): 6 calls.
    calls["leaks/active"].should.equal(6);
    calls.notifications.should.equal(12);
  });

  it("plans the quiet hour's calls for several sensors and stretches them to fit", function () {
    const one = planPolling([{ intervalMs: MIN, useFlumeAlerts: true }], 100, H, 5 * MIN);
    one.wanted.should.equal(74);
    one.factor.should.equal(1);
    const three = planPolling(
      [1, 2, 3].map(() => ({ intervalMs: MIN, useFlumeAlerts: true })),
      100,
      H,
      5 * MIN,
    );
    three.wanted.should.equal(3 * 60 + 3 * 2 + 12);
    three.factor.should.be.approximately(198 / 90, 1e-9);
  });
});

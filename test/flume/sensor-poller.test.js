"use strict";
const { FlumeSimulator } = require("../../build/devtools/simulators/flume");
const { FlumeAccount, BudgetExceededError } = require("../../dist/features/flume/client");
const { SensorPoller, usageQueryOf } = require("../../dist/features/flume/sensor-poller");
const { FlumeConfig, planWarning } = require("../../dist/features/flume/account-config");
const { RateLimitError } = require("../../dist/shared/errors");

const MIN = 60_000;
const CREDS = { clientId: "cid-sp", clientSecret: "csecret-sp", username: "sp@example.com", password: "pw-sp" };
const SENSOR = { id: "6721255604737738501", type: 2, locationId: 7, location: { id: 7, name: "Home", tz: "UTC" } };
const settings = (over = {}) => ({
  device: "",
  intervalMs: 0,
  unit: "gal",
  rule: { threshold: 0.5, minutes: 10 },
  useFlumeAlerts: true,
  ...over,
});

/** A stand-in account: one sensor, a scripted flow, Flume's signals counted. */
function fakeAccount(over = {}) {
  const account = {
    flow: { active: true, gpm: 1, at: 0 },
    signalCalls: 0,
    factor: 1,
    resolveSensor: async (id) => {
      if (id && id !== SENSOR.id) throw new Error(`no sensor ${id}`);
      return SENSOR;
    },
    timeZone: async () => "UTC",
    readFlow: async () => account.flow,
    readUsage: async (_device, query) => {
      account.query = query;
      return [
        { at: Date.UTC(2026, 0, 1, 0), value: 3 },
        { at: Number.NaN, value: 4 },
      ];
    },
    flumeSignals: async () => {
      account.signalCalls++;
      return { leakActive: false, notifications: [] };
    },
    alertPeriodMs: () => 5 * MIN,
    leakStatePeriodMs: () => 30 * MIN,
    intervalMs: (ms) => ms * account.factor,
    plan: () => ({ factor: account.factor, wanted: 0, available: 90 }),
    register: (id, demand) => (account.registered = { id, demand }),
    unregister: (id) => (account.unregistered = id),
    ...over,
  };
  return account;
}

describe("flume sensor poller", function () {
  const signal = new AbortController().signal;

  it("hands out the flow reading first, converts to litres and uses the reading's own instant", async function () {
    const account = fakeAccount();
    account.flow = { active: true, gpm: 2, at: Date.UTC(2026, 0, 1, 8) };
    const poller = new SensorPoller(account, settings({ unit: "L" }), () => Date.UTC(2026, 0, 1, 9));
    const readings = [];
    const result = await poller.poll(undefined, signal, (r) => readings.push(r));
    readings.length.should.equal(1);
    readings[0].payload.should.eql({ active: true, flowRate: 7.571 });
    readings[0].timestamp.should.equal(Date.UTC(2026, 0, 1, 8));
    readings[0].tags.should.eql({ device_id: SENSOR.id, location: "Home", unit: "L/min" });
    result.status.should.eql({ kind: "ok", value: "7.571 L/min" });
  });

  it("falls back to now when Flume sent no readable time", async function () {
    const account = fakeAccount();
    account.flow = { active: false, gpm: 0 };
    const poller = new SensorPoller(account, settings(), () => 1234);
    let got;
    await poller.poll(undefined, signal, (r) => (got = r));
    got.timestamp.should.equal(1234);
  });

  it("raises the rule leak once per sensor, checks Flume's signals once per alert period", async function () {
    const account = fakeAccount();
    let now = 0;
    const poller = new SensorPoller(account, settings(), () => now);
    const alerts = [];
    for (let m = 0; m <= 15; m += 5) {
      now = m * MIN;
      account.flow = { active: true, gpm: 1, at: now };
      const result = await poller.poll(undefined, signal, () => undefined);
      alerts.push(...result.alerts);
      if (m >= 10) result.status.should.eql({ kind: "raised", condition: "leak", value: "1 gal/min" });
    }
    alerts.map((a) => [a.type, a.source]).should.eql([["leak", "rule"]]);
    // Due at 5, 10 and 15 min (at 0 the runtime clock is where "never checked" starts).
    account.signalCalls.should.equal(3);
    await poller.poll(undefined, signal, () => undefined); // same minute: not due again
    account.signalCalls.should.equal(3);
  });

  it("says when the polls are stretched to fit the budget", async function () {
    const account = fakeAccount({ factor: 2 });
    const poller = new SensorPoller(account, settings({ intervalMs: 60_000 }), () => 1000);
    (await poller.poll(undefined, signal, () => undefined)).status.should.eql({ kind: "stretched", nextAt: 121_000 });
    poller.nextPollMs().should.equal(120_000);
  });

  it("joins the polling plan only when it polls on a timer", function () {
    const account = fakeAccount();
    new SensorPoller(account, settings(), () => 0).register("n1").should.be.false();
    (account.registered === undefined).should.be.true();
    const timed = new SensorPoller(account, settings({ intervalMs: 30_000, useFlumeAlerts: false }), () => 0);
    timed.register("n2").should.be.true();
    account.registered.should.eql({ id: "n2", demand: { intervalMs: 30_000, useFlumeAlerts: false } });
    timed.unregister("n2");
    account.unregistered.should.equal("n2");
  });

  it("holds a timer poll for a rate limit, longer of Retry-After and the interval, and names whose limit", function () {
    const poller = new SensorPoller(fakeAccount(), settings({ intervalMs: 60_000 }), () => 5000);
    poller.heldBy(new RateLimitError("slow down", 90_000)).should.eql({
      what: "rate limited by Flume",
      waitMs: 90_000,
      nextAt: 95_000,
    });
    poller.heldBy(new BudgetExceededError("budget", 1000)).should.containDeep({ what: "rate budget", waitMs: 60_000 });
    (poller.heldBy(new Error("other")) === undefined).should.be.true();
  });

  it("answers a usage query: home-local times as given, instants in the home's zone, bad buckets refused", async function () {
    const account = fakeAccount({ timeZone: async () => "America/Los_Angeles" });
    const poller = new SensorPoller(account, settings({ unit: "L" }), () => Date.UTC(2026, 5, 2, 19));
    const answer = await poller.usage(
      { bucket: "day", since: "2026-06-01T12:00", until: Date.UTC(2026, 5, 2, 7) },
      undefined,
      signal,
    );
    account.query.should.eql({
      bucket: "DAY",
      since: "2026-06-01 12:00:00",
      until: "2026-06-02 00:00:00",
      units: "LITERS",
    });
    answer.count.should.equal(2);
    answer.bucket.should.equal("DAY");
    answer.batch.payload.length.should.equal(1); // a bucket without a time is no point
    await poller.usage({}, undefined, signal);
    account.query.since.should.equal("2026-06-01 12:00:00"); // a day before now, at the home
    const err = await poller.usage({ bucket: "WEEK" }, undefined, signal).catch((e) => e);
    err.message.should.match(/must be one of MIN, HR, DAY, MON, YR, not "WEEK"/);
  });

  it("tells a usage query from a poll by msg.payload.usage", function () {
    usageQueryOf({ usage: { bucket: "HR" } }).should.eql({ bucket: "HR" });
    for (const payload of [undefined, null, "go", { usage: "HR" }])
      (usageQueryOf(payload) === undefined).should.be.true();
  });
});

describe("flume account instants", function () {
  let sim;
  beforeEach(async function () {
    sim = new FlumeSimulator({ account: CREDS });
    await sim.start();
  });
  afterEach(async function () {
    await sim.stop();
  });

  it("reads the current flow and usage buckets as instants, from the home's wall clock", async function () {
    const start = Date.UTC(2026, 5, 1, 19, 0); // 12:00 in Los Angeles (PDT)
    sim.clock.freeze(start + 3 * 3600_000 + 17_000);
    sim.scriptFlow(2, { fromMs: start, minutes: 240 });
    const account = new FlumeAccount({ baseUrl: sim.url, credentials: { ...CREDS } });
    const device = await account.resolveSensor(undefined);
    const flow = await account.readFlow(device);
    flow.should.eql({ active: true, gpm: 2, at: start + 3 * 3600_000 });
    const hours = await account.readUsage(device, { bucket: "HR", since: "2026-06-01 12:00:00" });
    hours.slice(0, 2).should.eql([
      { at: start, value: 120 },
      { at: start + 3600_000, value: 120 },
    ]);
  });

  it("carries its alert state and polling times over a redeploy, also through a JSON context store", async function () {
    const signal = new AbortController().signal;
    let now = Date.UTC(2026, 0, 1, 9);
    const account = fakeAccount();
    const first = new SensorPoller(account, settings({ intervalMs: MIN }), () => now);
    first.firstPollMs().should.equal(0); // a first deploy polls at once
    await first.poll(undefined, signal, () => {});
    account.signalCalls.should.equal(1);
    first.scheduled(MIN).should.equal(MIN);
    now += 20_000;
    // A file context store writes -Infinity ("never checked") as null.
    const carried = JSON.parse(JSON.stringify(first.carry()));
    const again = new SensorPoller(account, settings({ intervalMs: MIN }), () => now, carried);
    again.firstPollMs().should.equal(40_000);
    await again.poll(undefined, signal, () => {});
    account.signalCalls.should.equal(1); // the alert check of the first deploy is still fresh
    const [[, tracking]] = again.carry().sensors;
    tracking.state.flume.leakClearedAt.should.equal(Number.NEGATIVE_INFINITY);
    // A shorter interval takes effect at once: the next poll is at most one new interval away.
    new SensorPoller(account, settings({ intervalMs: 10_000 }), () => now, carried).firstPollMs().should.equal(10_000);
  });
});

describe("flume config feature", function () {
  it("warns once, after the deploy, when the account's polls are stretched", function () {
    const deferred = [];
    const warnings = [];
    const config = new FlumeConfig(
      { baseUrl: "http://127.0.0.1:9", credentials: { clientId: "cfg-warn" }, budget: 10, timeScale: 1 },
      { defer: (work) => deferred.push(work), warn: (text) => warnings.push(text) },
    );
    config.notePlanChanged();
    config.notePlanChanged();
    deferred.length.should.equal(1);
    config.account.register("a", { intervalMs: 60_000, useFlumeAlerts: true });
    deferred.shift()();
    config.notePlanChanged();
    deferred.length.should.equal(0);
    warnings.length.should.equal(1);
    warnings[0].should.match(/more than the 9 the budget of 10 leaves/);
    config.account.unregister("a");
  });

  it("has nothing to say while the polls fit", function () {
    (planWarning({ factor: 1, wanted: 50, available: 90 }, 100) === undefined).should.be.true();
  });
});

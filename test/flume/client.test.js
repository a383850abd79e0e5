"use strict";
const { FlumeSimulator } = require("../../build/devtools/simulators/flume");
const { FlumeClient } = require("../../dist/features/flume/client");
const { AuthError, RateLimitError, ApiError, TimeoutError } = require("../../dist/shared/errors");

const CREDS = { clientId: "cid-1", clientSecret: "csecret-1", username: "ann@example.com", password: "pw-secret-1" };

function clientFor(sim, extra = {}) {
  return new FlumeClient({ baseUrl: sim.url, credentials: { ...CREDS }, timeoutMs: 500, ...extra });
}

describe("flume client against the simulator", function () {
  let sim;
  beforeEach(async function () {
    sim = new FlumeSimulator({ account: CREDS });
    await sim.start();
  });
  afterEach(async function () {
    await sim.stop();
  });

  it("logs in once, reads user_id from the JWT and lists bridge and sensor with their time zone", async function () {
    const client = clientFor(sim);
    const devices = await client.devices();
    devices.map((d) => d.type).should.eql([1, 2]);
    devices[1].id.should.equal("6721255604737738501");
    devices[1].location.tz.should.equal("America/Los_Angeles");
    await client.currentFlow(sim.sensorId);
    sim.grants.should.eql(["password"]);
    sim.count("/users/12345/devices", "GET").should.equal(1);
    sim.count("/users/12345/devices/6721255604737738501/query/active").should.equal(1);
  });

  it("refreshes the token after two thirds of its lifetime and keeps working", async function () {
    // JWT times are whole seconds: 2 s leaves a fresh token at least 1 s of life at the simulator.
    sim.tokenLifetimeSeconds = 2;
    const client = clientFor(sim);
    await client.currentFlow(sim.sensorId);
    await new Promise((r) => setTimeout(r, 1400)); // past two thirds of 2 s
    await client.currentFlow(sim.sensorId);
    sim.grants.should.eql(["password", "refresh_token"]);
  });

  it("logs in afresh when Flume refuses the refresh token", async function () {
    // JWT times are whole seconds: 2 s leaves a fresh token at least 1 s of life at the simulator.
    sim.tokenLifetimeSeconds = 2;
    const client = clientFor(sim);
    await client.currentFlow(sim.sensorId);
    sim.invalidateRefreshTokens();
    await new Promise((r) => setTimeout(r, 1400)); // past two thirds of 2 s
    const flow = await client.currentFlow(sim.sensorId);
    flow.gpm.should.equal(0);
    sim.grants.should.eql(["password", "refresh_token", "password"]);
  });

  it("gets a new token once when a data call answers 401", async function () {
    const client = clientFor(sim);
    await client.currentFlow(sim.sensorId);
    sim.clock.advance(8 * 24 * 3600 * 1000); // the simulator's token expired, ours looks fresh
    await client.currentFlow(sim.sensorId);
    sim.grants.should.eql(["password", "refresh_token"]);
  });

  it("says what to do for a wrong password, a bad client and an unverified account, without the secrets", async function () {
    const wrong = await clientFor(sim, { credentials: { ...CREDS, password: "nope-123" } })
      .devices()
      .catch((e) => e);
    wrong.should.be.instanceOf(AuthError);
    wrong.message.should.match(/^Login failed, check e-mail\/password/);
    const badClient = await clientFor(sim, { credentials: { ...CREDS, clientSecret: "bad-secret-9" } })
      .devices()
      .catch((e) => e);
    badClient.message.should.match(/Client ID or secret refused.*API Access/);
    sim.unverified = true;
    const unverified = await clientFor(sim)
      .devices()
      .catch((e) => e);
    unverified.message.should.match(/not verified/);
    for (const e of [wrong, badClient, unverified]) {
      for (const s of Object.values(CREDS).concat(["nope-123", "bad-secret-9"])) e.message.should.not.containEql(s);
    }
  });

  it("does not retry a refused password on every call", async function () {
    const client = clientFor(sim, { credentials: { ...CREDS, password: "nope-123" } });
    await client.devices().catch(() => {});
    await client.devices().catch(() => {});
    sim.grants.should.eql(["password"]);
  });

  it("turns Flume's 429 into a RateLimitError with the wait it asks for", async function () {
    const client = clientFor(sim);
    await client.devices();
    sim.inject({ kind: "rate-limit", retryAfterSeconds: 42, times: 1 });
    const err = await client.currentFlow(sim.sensorId).catch((e) => e);
    err.should.be.instanceOf(RateLimitError);
    err.retryAfterMs.should.equal(42_000);
  });

  it("enforces the real 120/hour limit in the simulator with its headers", async function () {
    const sim2 = new FlumeSimulator({ account: CREDS, rateLimitPerHour: 3 });
    await sim2.start();
    try {
      const client = clientFor(sim2, { budgetPerHour: 50 });
      await client.devices();
      await client.devices();
      await client.devices();
      const err = await client.devices().catch((e) => e);
      err.should.be.instanceOf(RateLimitError);
      err.retryAfterMs.should.be.above(3_500_000);
      err.message.should.match(/Rate limited by Flume/);
    } finally {
      await sim2.stop();
    }
  });

  it("refuses calls beyond the client budget without asking Flume", async function () {
    const client = clientFor(sim, { budgetPerHour: 2 });
    await client.devices();
    await client.devices();
    const err = await client.devices().catch((e) => e);
    err.should.be.instanceOf(RateLimitError);
    err.message.should.match(/budget used up/);
    sim.count(/\/users\//).should.equal(2);
  });

  it("retries a 500 once, then reports it; a hang becomes a timeout", async function () {
    const client = clientFor(sim, { retry: { retries: 1, baseMs: 1, maxMs: 2 } });
    await client.devices();
    sim.inject({ kind: "status", status: 500, times: 1, path: "/query/active" });
    (await client.currentFlow(sim.sensorId)).gpm.should.equal(0);
    sim.inject({ kind: "status", status: 503, times: 2, path: "/query/active" });
    const err = await client.currentFlow(sim.sensorId).catch((e) => e);
    err.should.be.instanceOf(ApiError);
    err.status.should.equal(503);
    sim.inject({ kind: "hang", times: 2, path: "/query/active" });
    const timeout = await client.currentFlow(sim.sensorId).catch((e) => e);
    timeout.should.be.instanceOf(TimeoutError);
  });

  it("reads a device without location, a 404 for an unknown device, and ignores a wrong count", async function () {
    sim.miscount = true;
    const bare = sim.addSensor("1234567890123456789", true);
    const client = clientFor(sim);
    const devices = await client.devices();
    const found = devices.find((d) => d.id === bare.id);
    found.type.should.equal(2);
    (found.location === undefined).should.be.true();
    const err = await client.currentFlow("9999999999999999999").catch((e) => e);
    err.should.be.instanceOf(ApiError);
    err.status.should.equal(404);
  });

  it("follows relative pagination links, newest notifications first", async function () {
    for (let i = 0; i < 5; i++)
      sim.addNotification({ title: `n${i}`, created_datetime: new Date(Date.UTC(2026, 0, 1 + i)).toISOString() });
    const client = clientFor(sim);
    const first = await client.notifications({ limit: 2 });
    first.map((n) => n.title).should.eql(["n4", "n3"]);
  });

  it("queries usage in local-time buckets and units", async function () {
    const start = Date.UTC(2026, 5, 1, 19, 0); // 12:00 in Los Angeles (PDT)
    sim.clock.freeze(start + 3 * 3600_000);
    sim.scriptFlow(2, { fromMs: start, minutes: 90 });
    const client = clientFor(sim);
    const hours = await client.usage(sim.sensorId, {
      bucket: "HR",
      since: "2026-06-01 12:00:00",
      until: "2026-06-01 15:00:00",
    });
    hours.should.eql([
      { localTime: "2026-06-01 12:00:00", value: 120 },
      { localTime: "2026-06-01 13:00:00", value: 60 },
      { localTime: "2026-06-01 14:00:00", value: 0 },
    ]);
    const liters = await client.usage(sim.sensorId, {
      bucket: "DAY",
      since: "2026-06-01 00:00:00",
      units: "LITERS",
      operation: "SUM",
    });
    liters.length.should.equal(1);
    liters[0].value.should.be.approximately(180 * 3.785411784, 1e-3);
    const tooLong = await client.usage(sim.sensorId, { bucket: "DAY", since: "2024-01-01 00:00:00" }).catch((e) => e);
    tooLong.message.should.match(/one year/);
  });
});

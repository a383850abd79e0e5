"use strict";
// The shared price cache: one fetch per home, resolution and local day, tomorrow polling from 13:00,
// the number of calls over a simulated day, bans holding every call, several nodes sharing one fetch.
const { DEMO_TOKEN, WINTERFELL } = require("../../build/devtools/simulators/tibber");
const { acquireAccount, releaseAccount } = require("../../dist/features/tibber/client/price-feed");
const { useTibberSimulator } = require("./sim-clock");
const { RateLimitError } = require("../../dist/shared/errors");

const FAST = { retries: 0, baseMs: 1, maxMs: 1, maxRetryAfterMs: 0 };
const MIN = 60_000;

describe("tibber price cache", function () {
  let sim;
  const tibber = useTibberSimulator();
  beforeEach(() => (sim = tibber.sim));

  /** Asks the cache every `stepMin` minutes for `hours`, as nodes emitting each quarter would, and more. */
  async function simulateDay(account, home, resolution, startIso, hours = 24, stepMin = 5) {
    sim.clock.freeze(Date.parse(startIso));
    const views = [];
    for (let m = 0; m <= hours * 60; m += stepMin) {
      views.push(await account.prices(home, resolution));
      sim.clock.advance(stepMin * MIN);
    }
    return views;
  }

  for (const [label, publishAt, never, expected] of [
    ["published at 13:00", 13 * 60, false, 2],
    ["published late at 19:00", 19 * 60, false, 26],
    ["never published", 13 * 60, true, 34],
  ]) {
    it(`keeps to a few dozen calls a day: tomorrow ${label}`, async function () {
      sim.publishAtMinutes = publishAt;
      sim.neverPublish = never;
      const account = acquireAccount(sim.url, DEMO_TOKEN, { retry: FAST });
      sim.clock.freeze(Date.parse("2025-06-10T00:00:30+02:00"));
      const home = await account.resolveHome("");
      const views = await simulateDay(account, home, "QUARTER_HOURLY", "2025-06-10T00:00:30+02:00");
      // one homes call, one fetch for today, then the 13:00… polls until tomorrow is there
      (sim.calls - 1).should.equal(expected);
      sim.calls.should.be.belowOrEqual(40);
      account.calls.should.equal(sim.calls);
      views.every((v) => v.current !== undefined).should.be.true();
      const last = views[views.length - 1];
      last.today.length.should.equal(96);
      if (!never) {
        const tomorrowSeenAt = views.findIndex((v) => v.tomorrow.length === 96);
        // the first poll at or after the publish time
        tomorrowSeenAt.should.equal(Math.ceil((publishAt * 60 - 0.5 * 60) / (5 * 60)));
      }
    });
  }

  it("carries yesterday's tomorrow into today after midnight without a call", async function () {
    const account = acquireAccount(sim.url, DEMO_TOKEN, { retry: FAST });
    sim.clock.freeze(Date.parse("2025-10-25T14:00:00+02:00"));
    const home = await account.resolveHome("");
    const before = await account.prices(home, "HOURLY");
    before.tomorrow.length.should.equal(25);
    const calls = sim.calls;
    sim.clock.freeze(Date.parse("2025-10-26T00:00:05+02:00"));
    const after = await account.prices(home, "HOURLY");
    sim.calls.should.equal(calls);
    after.today.length.should.equal(25);
    after.today[0].startsAt.should.equal("2025-10-26T00:00:00.000+02:00");
    after.tomorrow.length.should.equal(0);
    after.current.startsAt.should.equal("2025-10-26T00:00:00.000+02:00");
    after.nextRefreshAtMs.should.equal(Date.parse("2025-10-26T13:00:00+01:00"));
  });

  it("shares one account and one fetch between nodes with the same token", async function () {
    sim.clock.freeze(Date.parse("2025-06-10T09:00:00+02:00"));
    const a = acquireAccount(sim.url, DEMO_TOKEN, { retry: FAST });
    const b = acquireAccount(sim.url, ` ${DEMO_TOKEN} `, { retry: FAST });
    a.should.equal(b);
    a.users.should.equal(2);
    const home = await a.resolveHome(WINTERFELL.id);
    const [x, y] = await Promise.all([a.prices(home, "HOURLY"), b.prices(home, "HOURLY")]);
    x.current.total.should.equal(y.current.total);
    sim.calls.should.equal(2); // homes + one price fetch
    await a.prices(home, "QUARTER_HOURLY");
    sim.calls.should.equal(3); // the other resolution is its own fetch
    releaseAccount(a);
    releaseAccount(b);
    a.users.should.equal(0);
    acquireAccount(sim.url, "another-token").should.not.equal(a);
  });

  it("holds every call while Tibber bans the IP, then resumes", async function () {
    sim.clock.freeze(Date.parse("2025-06-10T09:00:00+02:00"));
    const account = acquireAccount(sim.url, DEMO_TOKEN, { retry: FAST });
    const home = await account.resolveHome("");
    sim.inject({ kind: "rate-limit", retryAfterSeconds: 0, times: 1 });
    const err = await account.prices(home, "HOURLY").then(
      () => null,
      (e) => e,
    );
    err.should.be.instanceOf(RateLimitError);
    account.bannedUntil().should.equal(sim.clock.now() + 10 * MIN);
    const calls = sim.calls;
    sim.clock.advance(5 * MIN);
    (
      await account.prices(home, "HOURLY").then(
        () => null,
        (e) => e,
      )
    ).should.be.instanceOf(RateLimitError);
    (
      await account.consumption(home, 24).then(
        () => null,
        (e) => e,
      )
    ).should.be.instanceOf(RateLimitError);
    sim.calls.should.equal(calls);
    sim.clock.advance(5 * MIN + 1000);
    (await account.prices(home, "HOURLY")).today.length.should.equal(24);
    sim.calls.should.equal(calls + 1);
  });

  it("keeps serving cached prices when a tomorrow poll fails, and backs off", async function () {
    sim.clock.freeze(Date.parse("2025-06-10T12:00:00+02:00"));
    const account = acquireAccount(sim.url, DEMO_TOKEN, { retry: FAST });
    const home = await account.resolveHome("");
    await account.prices(home, "HOURLY");
    sim.clock.freeze(Date.parse("2025-06-10T13:00:30+02:00"));
    sim.inject({ kind: "status", status: 503 });
    const view = await account.prices(home, "HOURLY");
    view.current.startsAt.should.equal("2025-06-10T13:00:00.000+02:00");
    view.refreshError.message.should.match(/HTTP 503/);
    view.nextRefreshAtMs.should.equal(Date.parse("2025-06-10T13:01:30+02:00"));
    const calls = sim.calls;
    await account.prices(home, "HOURLY");
    sim.calls.should.equal(calls);
    sim.clearFaults();
    sim.clock.advance(MIN);
    const healed = await account.prices(home, "HOURLY");
    healed.tomorrow.length.should.equal(24);
    (healed.refreshError === undefined).should.be.true();
  });
});

"use strict";
// The empty 15-minute day: on 2026-05-17 Tibber answered priceInfo(resolution: QUARTER_HOURLY) with
// {"current": null, "today": [], "tomorrow": []} for homes with a running contract while HOURLY had its
// 24 prices (evcc-io/evcc#29947). The hourly prices stand in, a warning says so once, the 15-minute
// request is retried every 15 minutes, and the day stays within 40 calls.
const { DEMO_TOKEN, WINTERFELL } = require("../../build/devtools/simulators/tibber");
const { acquireAccount } = require("../../dist/features/tibber/client/price-feed");
const { PricesService } = require("../../dist/features/tibber/prices-service");
const { useTibberSimulator } = require("./sim-clock");

const FAST = { retries: 0, baseMs: 1, maxMs: 1, maxRetryAfterMs: 0 };
const MIN = 60_000;
const DAY = "2026-05-17";

describe("tibber: an empty 15-minute day", function () {
  let sim;
  const tibber = useTibberSimulator();
  beforeEach(() => {
    sim = tibber.sim;
    sim.emptyQuarterDays.add(DAY);
  });

  function service(account, warnings) {
    return new PricesService(
      account,
      { resolution: "QUARTER_HOURLY", cheapest: { minutes: 0, contiguous: true }, consumptionHours: 24 },
      {
        signal: new AbortController().signal,
        now: () => sim.clock.now(),
        send() {},
        show() {},
        warnOnce: (key, text) => warnings.set(key, text),
        fail() {},
        after() {},
      },
    );
  }

  it("the simulator answers the empty day as Tibber did, and HOURLY still has 24 prices", async function () {
    sim.clock.freeze(Date.parse(`${DAY}T08:00:00+02:00`));
    const ask = (res) =>
      fetch(sim.url, {
        method: "POST",
        headers: { Authorization: `Bearer ${DEMO_TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          query: `{ viewer { home(id: "${WINTERFELL.id}") { currentSubscription { priceInfo(resolution: ${res}) { current { total } today { total } tomorrow { total } } } } } }`,
        }),
      }).then((r) => r.json());
    const quarter = await ask("QUARTER_HOURLY");
    quarter.data.viewer.home.currentSubscription.priceInfo.should.eql({ current: null, today: [], tomorrow: [] });
    const hourly = await ask("HOURLY");
    hourly.data.viewer.home.currentSubscription.priceInfo.today.length.should.equal(24);
  });

  it("hands out the hour's price for each of its quarters, says HOURLY, and warns once", async function () {
    const account = acquireAccount(sim.url, DEMO_TOKEN, { retry: FAST });
    sim.clock.freeze(Date.parse(`${DAY}T08:20:00+02:00`));
    const warnings = new Map();
    const prices = service(account, warnings);
    const first = await prices.prices(undefined, true);
    const hourly = sim.dayPrices(WINTERFELL, DAY, 3_600_000);
    const payload = first.outputs[0].payload;
    payload.resolution.should.equal("HOURLY");
    payload.current.total.should.equal(hourly[8].total);
    payload.current.startsAt.should.equal(`${DAY}T08:15:00.000+02:00`);
    payload.current.resolution.should.equal("HOURLY");
    payload.today.length.should.equal(96);
    payload.today
      .slice(32, 36)
      .map((s) => s.total)
      .should.eql([8, 8, 8, 8].map(() => hourly[8].total));
    first.outputs[1][0].tags.resolution.should.equal("HOURLY");
    sim.clock.advance(5 * MIN);
    await prices.prices(undefined, true);
    warnings.size.should.equal(1);
    [...warnings.values()][0].should.match(/no 15-minute prices/);
  });

  it("asks for the 15-minute prices again within 15 minutes, and uses them once Tibber has them", async function () {
    const account = acquireAccount(sim.url, DEMO_TOKEN, { retry: FAST });
    sim.clock.freeze(Date.parse(`${DAY}T00:00:30+02:00`));
    const home = await account.resolveHome("");
    (await account.prices(home, "QUARTER_HOURLY")).current.delivered.should.equal("HOURLY");
    const calls = sim.calls;
    sim.emptyQuarterDays.delete(DAY);
    for (let m = 0; m < 15; m += 5) {
      sim.clock.advance(5 * MIN);
      await account.prices(home, "QUARTER_HOURLY");
    }
    sim.calls.should.equal(calls + 1);
    const view = await account.prices(home, "QUARTER_HOURLY");
    (view.current.delivered === undefined).should.be.true();
    view.today.length.should.equal(96);
    view.today.every((s) => s.delivered === undefined).should.be.true();
  });

  for (const [label, never] of [
    ["tomorrow published at 13:00", false],
    ["tomorrow never published", true],
  ]) {
    it(`stays within 40 calls a day when the 15-minute day stays empty all day: ${label}`, async function () {
      sim.neverPublish = never;
      const account = acquireAccount(sim.url, DEMO_TOKEN, { retry: FAST });
      sim.clock.freeze(Date.parse(`${DAY}T00:00:30+02:00`));
      const home = await account.resolveHome("");
      const start = sim.calls;
      const asked = [];
      for (let m = 0; m < 24 * 60; m += 5) {
        const before = sim.calls;
        const view = await account.prices(home, "QUARTER_HOURLY");
        if (sim.calls > before) asked.push(m);
        view.current.total.should.be.a.Number();
        sim.clock.advance(5 * MIN);
      }
      const perDay = sim.calls - start;
      perDay.should.be.belowOrEqual(40);
      if (never) perDay.should.equal(40); // the measured worst case
      // every 15 minutes while the day's calls allow: the first 1½ hours, then the 13:00 window
      asked.slice(0, 7).should.eql([0, 15, 30, 45, 60, 75, 90]);
      const inWindow = asked.filter((m) => m >= 13 * 60 && m <= 21 * 60);
      inWindow.every((m, i, a) => i === 0 || m - a[i - 1] <= 15).should.be.true();
    });
  }
});

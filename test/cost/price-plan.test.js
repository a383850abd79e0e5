"use strict";
// price-plan: the plan from today's and tomorrow's prices, and its on/off schedule across a restart.
const { PlanRunner, RESUME_AFTER_MS } = require("../../dist/features/cost/plan-runner");
const { makePlan } = require("../../dist/features/cost/domain/plan");
const { helper, nodeModules, collect, waitFor } = require("../helpers/node-red");
const { TibberSimulator, DEMO_TOKEN, WINTERFELL } = require("../../build/devtools/simulators/tibber");
const { useTibberSimulator } = require("../tibber/sim-clock");

const H = 3_600_000;
const [tibberPrices, pricePlan] = nodeModules("tibber-prices", "price-plan");
const base = {
  hours: 3,
  from: 22 * 60,
  to: 7 * 60,
  contiguous: true,
  minRunMinutes: 0,
  maxPrice: undefined,
  mustRunHours: 0,
  mustRunBy: undefined,
  timeZone: "Europe/Oslo",
  powerKw: 2,
  onPayload: "on",
  offPayload: "off",
};

function pricesOf(dateKey, step = H) {
  const sim = new TibberSimulator();
  const today = sim.dayPrices(WINTERFELL, dateKey, step);
  const [y, m, d] = dateKey.split("-").map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return {
    payload: {
      currency: "NOK",
      resolution: step === H ? "HOURLY" : "QUARTER_HOURLY",
      today,
      tomorrow: sim.dayPrices(WINTERFELL, next, step),
    },
  };
}

/** A runner over a store that outlives it (a persistent context store), with its timers recorded. */
function runner(settings, store, now) {
  const sent = [];
  const timers = [];
  const statuses = [];
  const r = new PlanRunner(settings, {
    now: () => now.value,
    after: (ms, work) => {
      timers.push({ ms, work });
      return () => undefined;
    },
    send: (outputs) => sent.push(outputs),
    get: (k) => store.get(k),
    set: (k, v) => store.set(k, JSON.parse(JSON.stringify(v))),
    status: (on, text) => statuses.push(text),
  });
  return { r, sent, timers, statuses };
}

describe("price-plan: the plan", function () {
  it("chooses the cheapest 3-hour block inside 22:00–07:00, with its expected cost at 2 kW", function () {
    const now = { value: Date.parse("2026-01-12T14:00:00+01:00") };
    const { r, sent } = runner(base, new Map(), now);
    const msg = pricesOf("2026-01-12");
    r.input(msg);
    const plan = sent[0][0].payload;
    plan.periods.length.should.equal(1);
    const start = Date.parse(plan.periods[0].start);
    (Date.parse(plan.periods[0].end) - start).should.equal(3 * H);
    // Brute force over every block in the window.
    const slots = [...msg.payload.today, ...msg.payload.tomorrow].map((s) => ({
      t: Date.parse(s.startsAt),
      total: s.total,
    }));
    const from = Date.parse("2026-01-12T22:00:00+01:00");
    let best;
    for (let t = from; t + 3 * H <= from + 9 * H; t += H) {
      const sum = slots.filter((s) => s.t >= t && s.t < t + 3 * H).reduce((a, s) => a + s.total, 0);
      if (!best || sum < best.sum - 1e-9) best = { t, sum };
    }
    start.should.equal(best.t);
    plan.expectedCost.should.be.approximately(best.sum * 2, 1e-3);
    plan.windows.filter((w) => w.planned).length.should.equal(1);
    sent[1][1].should.eql({ payload: "off", on: false, until: plan.periods[0].start });
  });

  it("plans the 25-hour autumn DST day in Oslo as one window of 100 quarters", function () {
    const prices = pricesOf("2026-10-25", 15 * 60_000);
    prices.payload.today.length.should.equal(100);
    const slots = prices.payload.today.map((s) => ({
      startMs: Date.parse(s.startsAt),
      endMs: Date.parse(s.startsAt) + 900_000,
      total: s.total,
      currency: "NOK",
    }));
    const plan = makePlan(
      slots,
      { ...base, from: 0, to: 0, hours: 2, contiguous: false, minRunMinutes: 30 },
      Date.parse("2026-10-24T12:00:00+02:00"),
    );
    const planned = plan.occurrences.filter((o) => o.planned);
    planned.length.should.equal(1);
    (planned[0].endMs - planned[0].startMs).should.equal(25 * H);
    plan.slots.filter((s) => s.on).length.should.equal(8);
  });

  it("must have run 2 hours by 01:00: the block moves to the start of the window", function () {
    const now = { value: Date.parse("2026-01-12T14:00:00+01:00") };
    const { r, sent } = runner({ ...base, mustRunHours: 2, mustRunBy: 60 }, new Map(), now);
    r.input(pricesOf("2026-01-12"));
    const [period] = sent[0][0].payload.periods;
    Date.parse(period.start).should.be.belowOrEqual(Date.parse("2026-01-12T23:00:00+01:00"));
  });

  it("after a restart sends the state due now, once, and goes on with the same plan", function () {
    const store = new Map();
    const now = { value: Date.parse("2026-01-12T14:00:00+01:00") };
    const first = runner(base, store, now);
    first.r.input(pricesOf("2026-01-12"));
    const [period] = first.sent[0][0].payload.periods;
    const start = Date.parse(period.start);
    // The timer is set for the start of the run (at most 15 minutes at a time).
    first.timers[first.timers.length - 1].ms.should.equal(15 * 60_000);
    // Restart in the middle of the run: no prices come in, yet the device is switched on.
    now.value = start + 30 * 60_000;
    const second = runner(base, store, now);
    second.r.start();
    second.timers[0].ms.should.equal(RESUME_AFTER_MS);
    second.timers[0].work();
    second.sent.should.eql([[null, { payload: "on", on: true, until: period.end }]]);
    second.timers[1].ms.should.equal(15 * 60_000); // 2.5 h to go, woken every 15 minutes at most
    now.value = Date.parse(period.end) - 60_000;
    second.timers[1].work();
    second.timers[2].ms.should.equal(60_050);
    // Another restart while on: nothing to send, the timer still runs to the end.
    const third = runner(base, store, now);
    third.r.start();
    third.timers[0].work();
    third.sent.should.eql([]);
    // New prices in the middle of the run do not move a block that has begun.
    third.r.input(pricesOf("2026-01-12"));
    third.sent[0][0].payload.periods[0].should.eql(period);
  });
});

describe("price-plan node with tibber-prices", function () {
  before(function (done) {
    helper.startServer(done);
  });
  after(function (done) {
    helper.stopServer(done);
  });
  const tibber = useTibberSimulator({ beforeStop: () => helper.unload() });

  const flow = (sim) => [
    {
      id: "t",
      type: "tibber-prices",
      baseUrl: sim.url,
      home: "",
      resolution: "QUARTER_HOURLY",
      emit: "input",
      cheapestMinutes: 0,
      cheapestContiguous: true,
      consumptionHours: 48,
      consumptionDaily: false,
      wires: [["p"], []],
      z: "f",
    },
    {
      id: "p",
      type: "price-plan",
      hours: 1,
      from: "22:00",
      to: "07:00",
      contiguous: true,
      minRunMinutes: 0,
      maxPrice: "",
      mustRunHours: 0,
      mustRunBy: "",
      timezone: "Europe/Oslo",
      powerKw: 2,
      onPayload: "on",
      offPayload: "off",
      wires: [["plan"], ["switch"]],
      z: "f",
    },
    { id: "plan", type: "helper", z: "f" },
    { id: "switch", type: "helper", z: "f" },
    { id: "f", type: "tab" },
  ];

  it("switches on at the planned moment (kit.after), and after a restart with a persistent store resumes the plan", async function () {
    const sim = tibber.sim;
    sim.clock.freeze(Date.parse("2026-01-12T14:00:00+01:00"));
    await helper.load([tibberPrices, pricePlan], flow(sim), { t: { token: DEMO_TOKEN } });
    let plans = collect(helper.getNode("plan"));
    let switches = collect(helper.getNode("switch"));
    helper.getNode("t").receive({ payload: "go" });
    await waitFor(() => plans.length === 1 && switches.length === 1, 10000, "the plan");
    switches[0].payload.should.equal("off");
    const [period] = plans[0].payload.periods;
    const start = Date.parse(period.start);
    // Real time runs from 300 ms before the start: the node's own timer switches on.
    sim.clock.resume();
    sim.clock.set(start - 300);
    helper.getNode("t").receive({ payload: "go" });
    await waitFor(() => switches.some((m) => m.payload === "on"), 5000, "on at the start of the run");
    switches.filter((m) => m.payload === "on").length.should.equal(1);
    const saved = helper.getNode("p").context().get("pricePlan");
    saved.sent.should.be.true();
    await helper.unload();
    // A restart with a persistent context store: the stored plan is there when the node starts, and
    // no new prices come in. 20 minutes after the run, the node switches off by itself.
    sim.clock.set(Date.parse(period.end) + 20 * 60_000);
    const startFlows = helper._redNodes.startFlows;
    helper._redNodes.startFlows = function (...args) {
      helper._context.get("p", "f").set("pricePlan", saved);
      return startFlows.apply(this, args);
    };
    try {
      await helper.load([tibberPrices, pricePlan], flow(sim), { t: { token: DEMO_TOKEN } });
    } finally {
      helper._redNodes.startFlows = startFlows;
    }
    switches = collect(helper.getNode("switch"));
    plans = collect(helper.getNode("plan"));
    await waitFor(() => switches.length === 1, 5000, "the state due after the restart");
    switches[0].payload.should.equal("off");
    plans.length.should.equal(0);
  });
});

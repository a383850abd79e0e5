"use strict";
// energy-cost without Node-RED: the join of interval consumption with price slots and a tariff.
const { CostLedger } = require("../../dist/features/cost/cost-ledger");
const { parseWindows } = require("../../dist/features/cost/domain/tariff");
const { TibberSimulator, BERLIN_FLAT, WINTERFELL } = require("../../build/devtools/simulators/tibber");

const H = 3_600_000;
const NO_TARIFF = { gridFee: 0, windows: [], levies: 0, vat: 0, vatOnEnergy: false, fixed: 0, fixedPer: "month" };

function ledger(over = {}) {
  const store = new Map();
  const settings = {
    timeZone: "Europe/Berlin",
    unit: "kWh",
    label: "start",
    currency: "EUR",
    tariff: NO_TARIFF,
    ...over,
  };
  const l = new CostLedger(settings, { get: (k) => store.get(k), set: (k, v) => store.set(k, v) });
  l.store = store;
  return l;
}
const byInterval = (out, interval) => out.payload.filter((p) => p.tags.interval === interval);

describe("energy-cost: the bill of each interval", function () {
  it("matches Tibber's own cost to the cent on a real captured hour", function () {
    // Real capture (API reference A4): 14:00–15:00 on 2021-12-29, 3.432 kWh at 0.8844625 NOK = 3.0354753.
    const l = ledger({ timeZone: "Europe/Oslo", currency: "NOK" });
    l.input({
      payload: [
        { startsAt: "2021-12-29T14:00:00.000+01:00", total: 0.8844625 },
        { startsAt: "2021-12-29T15:00:00.000+01:00", total: 1.1345 },
      ],
    });
    const { out } = l.input({
      measurement: "tibber_consumption",
      tags: { home_id: "h", unit: "kWh", currency: "NOK" },
      payload: { consumption: 3.432, cost: 3.0354753, unitPrice: 0.8844625 },
      timestamp: Date.parse("2021-12-29T14:00:00.000+01:00"),
    });
    const [hour] = byInterval(out, "hourly");
    hour.fields.energy_cost.should.be.approximately(3.0354753, 0.005);
    hour.fields.tibber_cost.should.equal(3.0354753);
    hour.tags.should.eql({ meter_id: "h", interval: "hourly", currency: "NOK" });
  });

  it("splits an interval that spans two price slots at the boundary, in proportion to its time", function () {
    const l = ledger();
    l.input({
      payload: [
        { startsAt: "2026-01-12T10:00:00+01:00", total: 0.2 },
        { startsAt: "2026-01-12T11:00:00+01:00", total: 0.4 },
      ],
    });
    const { out } = l.input({
      topic: "flat",
      payload: [{ t: "2026-01-12T10:30:00+01:00", end: "2026-01-12T11:30:00+01:00", v: 1 }],
    });
    byInterval(out, "hourly")[0].fields.energy_cost.should.equal(0.3);
    byInterval(out, "hourly")[0].timestamp.should.equal(Date.parse("2026-01-12T10:30:00+01:00"));
  });

  it("prices hourly consumption with 15-minute prices as the mean of its quarters, and quarters with hourly prices", function () {
    const quarters = [0.1, 0.2, 0.3, 0.6].map((total, i) => ({
      startsAt: new Date(Date.parse("2026-01-12T10:00:00+01:00") + i * 900_000).toISOString(),
      total,
    }));
    const a = ledger();
    a.input({ payload: { currency: "EUR", resolution: "QUARTER_HOURLY", today: quarters, tomorrow: [] } });
    const hourly = a.input({
      topic: "m",
      payload: [{ t: "2026-01-12T10:00:00+01:00", end: "2026-01-12T11:00:00+01:00", v: 2 }],
    }).out;
    byInterval(hourly, "hourly")[0].fields.energy_cost.should.equal(0.6); // 2 kWh × 0.3 mean
    const b = ledger();
    b.input({
      payload: {
        currency: "EUR",
        resolution: "HOURLY",
        today: [{ startsAt: "2026-01-12T10:00:00+01:00", total: 0.3 }],
        tomorrow: [],
      },
    });
    const q = b.input({
      topic: "m",
      payload: [0, 1, 2, 3].map((i) => ({ t: Date.parse("2026-01-12T10:00:00+01:00") + i * 900_000, v: 0.5 })),
    }).out;
    byInterval(q, "quarter_hourly")
      .map((p) => p.fields.energy_cost)
      .should.eql([0.15, 0.15, 0.15, 0.15]);
    byInterval(q, "daily")[0].fields.energy_cost.should.equal(0.6);
  });

  it("leaves a missing price as a gap with a warning, and bills it when the price arrives", function () {
    const l = ledger();
    const today = [
      { startsAt: "2026-01-12T00:00:00+01:00", total: 0.2 },
      { startsAt: "2026-01-12T02:00:00+01:00", total: 0.2 },
    ];
    l.input({ payload: { currency: "EUR", resolution: "HOURLY", today, tomorrow: [] } });
    const first = l.input({
      topic: "m",
      payload: [0, 1, 2].map((i) => ({ t: Date.parse("2026-01-12T00:00:00+01:00") + i * H, v: 1 })),
    });
    first.warnings.join().should.match(/1 of 3 intervals have no price/);
    const gap = byInterval(first.out, "hourly")[1];
    gap.fields.should.not.have.property("energy_cost");
    gap.fields.should.not.have.property("total_cost");
    gap.fields.unpriced_kwh.should.equal(1);
    byInterval(first.out, "daily")[0].fields.should.not.have.property("total_cost");
    const later = l.input({ payload: [{ startsAt: "2026-01-12T01:00:00+01:00", total: 0.5 }] });
    byInterval(later.out, "hourly")
      .map((p) => p.fields.energy_cost)
      .should.eql([0.5]);
    byInterval(later.out, "daily")[0].fields.total_cost.should.equal(0.9);
  });

  it("adds grid fees by time-of-use window, levies, VAT and a fixed charge per day", function () {
    const windows = parseWindows(JSON.stringify([{ from: "06:00", to: "22:00", days: "weekday", fee: 0.1 }]));
    const l = ledger({
      tariff: { ...NO_TARIFF, gridFee: 0.05, windows, levies: 0.02, vat: 20, fixed: 2.4, fixedPer: "day" },
    });
    l.input({
      payload: [
        { startsAt: "2026-01-12T05:00:00+01:00", total: 0 },
        { startsAt: "2026-01-12T06:00:00+01:00", total: 0 },
      ],
    });
    // Monday 05:30–06:30, 1 kWh: half at the night fee 0.05, half at the day fee 0.1, plus VAT 20 %.
    const { out } = l.input({
      topic: "m",
      payload: [{ t: "2026-01-12T05:30:00+01:00", end: "2026-01-12T06:30:00+01:00", v: 1 }],
    });
    const f = byInterval(out, "hourly")[0].fields;
    f.grid_cost.should.equal(0.09);
    f.levies_cost.should.equal(0.024);
    f.fixed_cost.should.equal(0.12); // 2.4 / 24 h × 1.2
    f.total_cost.should.equal(0.234);
    // Saturday: the weekday window does not apply.
    l.input({ payload: [{ startsAt: "2026-01-17T12:00:00+01:00", total: 0 }] });
    const sat = l.input({
      topic: "m",
      payload: [{ t: "2026-01-17T12:00:00+01:00", end: "2026-01-17T13:00:00+01:00", v: 1 }],
    });
    byInterval(sat.out, "hourly")[0].fields.grid_cost.should.equal(0.06);
  });

  it("bills the 23-hour spring DST day in Berlin against 92 simulated quarter prices", function () {
    const sim = new TibberSimulator();
    const quarters = sim.dayPrices(BERLIN_FLAT, "2026-03-29", 900_000);
    quarters.length.should.equal(92);
    const l = ledger({ tariff: { ...NO_TARIFF, fixed: 0.46, fixedPer: "day", vat: 19 } });
    l.input({ payload: { currency: "EUR", resolution: "QUARTER_HOURLY", today: quarters, tomorrow: [] } });
    // meter-interpolate's result object, hourly consumption labelled at the start.
    const start = Date.parse("2026-03-29T00:00:00+01:00");
    const consumption = Array.from({ length: 23 }, (_, i) => ({
      t: new Date(start + i * H).toISOString(),
      end: new Date(start + (i + 1) * H).toISOString(),
      v: 500 + 10 * i,
      q: "interpolated",
    }));
    const { out } = l.input({
      payload: {
        timezone: "Europe/Berlin",
        meters: { strom: { type: "physical", unit: "Wh", hour: { readings: [], consumption, anomalies: [] } } },
      },
    });
    byInterval(out, "hourly").length.should.equal(23);
    const day = byInterval(out, "daily")[0];
    day.timestamp.should.equal(start);
    day.fields.hours.should.equal(23);
    day.fields.fixed_cost.should.be.approximately(0.46 * 1.19, 1e-6);
    let energy = 0;
    consumption.forEach((c, i) => {
      const mean = quarters.slice(4 * i, 4 * i + 4).reduce((s, q) => s + q.total, 0) / 4;
      energy += (c.v / 1000) * mean;
    });
    day.fields.energy_cost.should.be.approximately(energy, 1e-5);
    day.fields.kwh.should.be.approximately(consumption.reduce((s, c) => s + c.v, 0) / 1000, 1e-9);
  });

  it("bills the 25-hour autumn DST day in Oslo with 100 quarters of consumption and a monthly fixed charge", function () {
    const sim = new TibberSimulator();
    const hours = sim.dayPrices(WINTERFELL, "2026-10-25", H);
    hours.length.should.equal(25);
    const l = ledger({
      timeZone: "Europe/Oslo",
      currency: "NOK",
      tariff: { ...NO_TARIFF, fixed: 745, fixedPer: "month" },
    });
    l.input({ payload: { currency: "NOK", resolution: "HOURLY", today: hours, tomorrow: [] } });
    const start = Date.parse("2026-10-25T00:00:00+02:00");
    const { out } = l.input({
      topic: "oslo",
      payload: Array.from({ length: 100 }, (_, i) => ({ t: start + i * 900_000, v: 0.25 })),
    });
    byInterval(out, "quarter_hourly").length.should.equal(100);
    const day = byInterval(out, "daily")[0];
    day.fields.hours.should.equal(25);
    day.fields.fixed_cost.should.be.approximately(25, 1e-6); // October 2026 has 745 hours in Oslo
    day.fields.energy_cost.should.be.approximately(
      hours.reduce((s, p) => s + p.total, 0),
      1e-5,
    );
    byInterval(out, "monthly")[0].timestamp.should.equal(Date.parse("2026-10-01T00:00:00+02:00"));
  });

  it("keeps its prices and intervals in the node state, so a new ledger over the same store goes on", function () {
    const l = ledger();
    l.input({ payload: [{ startsAt: "2026-01-12T00:00:00+01:00", total: 0.2 }] });
    const again = new CostLedger(
      { timeZone: "Europe/Berlin", unit: "kWh", label: "start", currency: "EUR", tariff: NO_TARIFF },
      { get: (k) => l.store.get(k), set: (k, v) => l.store.set(k, v) },
    );
    const { out } = again.input({
      topic: "m",
      payload: [{ t: "2026-01-12T00:00:00+01:00", end: "2026-01-12T01:00:00+01:00", v: 2 }],
    });
    byInterval(out, "hourly")[0].fields.energy_cost.should.equal(0.4);
  });
});

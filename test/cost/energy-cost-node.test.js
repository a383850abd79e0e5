"use strict";
// energy-cost in Node-RED (4 or 5), fed by tibber-prices against the Tibber simulator: on the DST days
// of Berlin and Oslo, at hourly and 15-minute prices, our energy cost matches Tibber's own to the cent.
const { helper, nodeModules, collect, waitFor } = require("../helpers/node-red");
const { TWO_HOMES_TOKEN, DEMO_TOKEN, BERLIN_FLAT, WINTERFELL } = require("../../build/devtools/simulators/tibber");
const { useTibberSimulator } = require("../tibber/sim-clock");

const [tibberPrices, energyCost] = nodeModules("tibber-prices", "energy-cost");

/** The newest point per (interval, timestamp) among every batch the node sent. */
function latest(messages) {
  const by = new Map();
  for (const m of messages) for (const p of m.payload) by.set(`${p.tags.interval}|${p.timestamp}`, p);
  return [...by.values()].sort((a, b) => a.timestamp - b.timestamp);
}

describe("energy-cost node with Tibber prices and consumption", function () {
  before(function (done) {
    helper.startServer(done);
  });
  after(function (done) {
    helper.stopServer(done);
  });
  const tibber = useTibberSimulator({ beforeStop: () => helper.unload() });

  const cases = [
    {
      home: BERLIN_FLAT,
      token: TWO_HOMES_TOKEN,
      day: "2026-03-29",
      pricesAt: "2026-03-29T14:00:00+02:00",
      after: "2026-03-30T00:30:00+02:00",
      hours: 23,
    },
    {
      home: WINTERFELL,
      token: DEMO_TOKEN,
      day: "2026-10-25",
      pricesAt: "2026-10-25T14:00:00+01:00",
      after: "2026-10-26T00:30:00+01:00",
      hours: 25,
    },
  ];
  for (const c of cases) {
    for (const resolution of ["HOURLY", "QUARTER_HOURLY"]) {
      it(`${c.home.timeZone} ${c.day} (${c.hours} h), ${resolution} prices: every hour's energy cost is Tibber's to the cent`, async function () {
        const sim = tibber.sim;
        sim.consumptionLagHours = 0;
        sim.clock.freeze(Date.parse(c.pricesAt));
        const flow = [
          {
            id: "t",
            type: "tibber-prices",
            baseUrl: sim.url,
            home: c.home.id,
            resolution,
            emit: "input",
            cheapestMinutes: 0,
            cheapestContiguous: true,
            consumptionHours: c.hours,
            consumptionDaily: false,
            wires: [["c"], ["c"]],
          },
          {
            id: "c",
            type: "energy-cost",
            timezone: c.home.timeZone,
            unit: "kWh",
            label: "start",
            currency: c.home.currency,
            gridFee: 0,
            gridWindows: "[]",
            levies: 0,
            vat: 0,
            vatOnEnergy: false,
            fixed: 0,
            fixedPer: "month",
            wires: [["out"]],
          },
          { id: "out", type: "helper" },
        ];
        await helper.load([tibberPrices, energyCost], flow, { t: { token: c.token } });
        const out = collect(helper.getNode("out"));
        const warnings = [];
        helper.getNode("c").on("call:warn", (call) => warnings.push(call.args[0]));
        helper.getNode("t").receive({ payload: "go" });
        await waitFor(() => helper.getNode("c").context().get("energyCost"), 10000, "prices stored");
        sim.clock.freeze(Date.parse(c.after));
        helper.getNode("t").receive({ payload: "consumption" });
        const day = () => latest(out).find((p) => p.tags.interval === "daily" && p.fields.hours === c.hours);
        await waitFor(day, 10000, "the whole day billed");
        const hours = latest(out).filter((p) => p.tags.interval === "hourly");
        hours.length.should.equal(c.hours);
        for (const h of hours) {
          h.fields.should.have.property("tibber_cost");
          Math.abs(h.fields.energy_cost - h.fields.tibber_cost).should.be.below(
            0.005,
            new Date(h.timestamp).toISOString(),
          );
        }
        Math.abs(day().fields.energy_cost - day().fields.tibber_cost).should.be.below(0.01);
        day().tags.currency.should.equal(c.home.currency);
        warnings.should.eql([]);
      });
    }
  }
});

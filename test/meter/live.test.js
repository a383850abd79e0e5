// Live mode gives the same boundary values, qualities, consumption and reset flags as a batch run over
// the same readings (extrapolate none, automatic range).
"use strict";
const { meter, run } = require("./engine-helpers");
const { meterReadings } = require("./random");

function liveRun(readings, engine, opts = { increasing: true, resetRatio: engine.resetRatio }) {
  const live = new meter.LiveMeter(engine, meter.zoneClock(engine.timezone), opts);
  let state;
  const out = {
    hour: { readings: [], consumption: [] },
    day: { readings: [], consumption: [] },
    month: { readings: [], consumption: [] },
  };
  const iso = new meter.IsoCache();
  for (const [t, v] of readings) {
    const r = live.push(state, t, v);
    // The state must survive a JSON round trip (a persistent context store).
    state = JSON.parse(JSON.stringify(r.state));
    if (r.kind === "ignored") continue;
    for (const iv of r.emitted) {
      const o = meter.intervalOut(iv, { consumptionTimestamp: engine.consumptionTimestamp, iso });
      out[iv.unit].readings.push(...o.readings);
      out[iv.unit].consumption.push(...o.consumption);
    }
  }
  return { out, state };
}

describe("meter engine: live equals batch", function () {
  for (const tz of ["UTC", "Europe/Berlin", "Asia/Kolkata"]) {
    for (let seed = 11; seed <= 14; seed++) {
      it(`${tz}, seed ${seed}: same readings and consumption in every interval`, function () {
        const readings = meterReadings(seed, { start: Date.parse("2024-02-20T00:00:00Z"), days: 120 });
        const engine = meter.engineConfig({ intervals: ["hour", "day", "month"], timezone: tz, anomalyMethod: "none" });
        const { meters } = run([{ id: "m", type: "physical", readings }], engine);
        const { out, state } = liveRun(readings, engine);
        for (const unit of ["hour", "day", "month"]) {
          out[unit].readings.length.should.be.above(unit === "month" ? 1 : 50);
          out[unit].readings.should.eql(meters.m[unit].readings, `${unit} readings`);
          out[unit].consumption.should.eql(meters.m[unit].consumption, `${unit} consumption`);
        }
        state.resets.should.equal(meters.m.stats.resets);
        state.glitches.should.equal(meters.m.stats.glitches);
      });
    }
  }

  it("a reset exactly on a boundary flags the interval it ends, in both modes", function () {
    const readings = [
      [Date.parse("2024-01-01T00:00:00Z"), 500],
      [Date.parse("2024-01-01T01:00:00Z"), 510],
      [Date.parse("2024-01-01T02:00:00Z"), 2],
      [Date.parse("2024-01-01T03:00:00Z"), 12],
    ];
    const engine = meter.engineConfig({ intervals: ["hour"], anomalyMethod: "none" });
    const { out } = liveRun(readings, engine);
    out.hour.consumption
      .map((c) => [c.v, c.reset === true])
      .should.eql([
        [10, false],
        [2, true],
        [10, false],
      ]);
    out.hour.consumption.should.eql(run([{ id: "m", type: "physical", readings }], engine).meters.m.hour.consumption);
  });

  it("ignores readings that are not newer than the last one", function () {
    const engine = meter.engineConfig({ intervals: ["day"] });
    const live = new meter.LiveMeter(engine, meter.zoneClock("UTC"), { increasing: true, resetRatio: 0.9 });
    const first = live.push(undefined, Date.parse("2024-01-01T12:00:00Z"), 5);
    const again = live.push(first.state, Date.parse("2024-01-01T11:00:00Z"), 6);
    again.kind.should.equal("ignored");
    again.state.ignored.should.equal(1);
    again.state.C.should.equal(5);
  });
});

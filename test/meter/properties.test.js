// Invariants of spec §2.4 over many seeded random meters: consumption ≥ 0 in increasing mode, the sum of
// daily consumption equals V(end) − V(start), a month equals the sum of its days and a day the sum of its
// hours, in UTC, a DST zone and a +05:30 zone.
"use strict";
const { meter, run } = require("./engine-helpers");
const { meterReadings } = require("./random");

const ZONES = ["UTC", "Europe/Berlin", "Asia/Kolkata", "America/New_York"];
const START = Date.parse("2023-09-15T00:00:00Z");

function tolerance(scale) {
  return 1e-9 * Math.max(1, Math.abs(scale));
}

function compute(seed, tz, extra = {}) {
  const readings = meterReadings(seed, { start: START, days: 200 });
  const engine = meter.engineConfig({
    intervals: ["hour", "day", "month"],
    timezone: tz,
    anomalyMethod: "none",
    ...extra,
  });
  const { meters, batch } = run([{ id: "m", type: "physical", readings }], engine);
  return { m: meters.m, raw: batch.results.get("m"), readings };
}

/** Sum of the finer intervals that lie inside each coarser interval, if all of them are present. */
function checkNesting(coarse, fine, what) {
  const byStart = new Map(fine.map((c) => [Date.parse(c.t), c]));
  let checked = 0;
  for (const c of coarse) {
    const from = Date.parse(c.t);
    const to = Date.parse(c.end);
    let sum = 0;
    let covered = from;
    while (covered < to && byStart.has(covered)) {
      const f = byStart.get(covered);
      sum += f.v;
      covered = Date.parse(f.end);
    }
    if (covered !== to) continue;
    if (Math.abs(sum - c.v) > tolerance(c.v))
      throw new Error(`${what}: interval ${c.t} is ${c.v}, its parts sum to ${sum}`);
    checked++;
  }
  return checked;
}

describe("meter engine: properties", function () {
  for (const tz of ZONES) {
    describe(tz, function () {
      for (let seed = 1; seed <= 6; seed++) {
        it(`seed ${seed}: consumption ≥ 0 in increasing mode and nesting holds`, function () {
          const { m } = compute(seed, tz);
          for (const unit of ["hour", "day", "month"]) {
            m[unit].consumption.length.should.be.above(unit === "month" ? 3 : 100);
            for (const c of m[unit].consumption) c.v.should.be.aboveOrEqual(0, `${unit} ${c.t}`);
          }
          checkNesting(m.month.consumption, m.day.consumption, "month = Σ days").should.be.above(3);
          checkNesting(m.day.consumption, m.hour.consumption, "day = Σ hours").should.be.above(100);
        });

        it(`seed ${seed}: Σ daily consumption = V(end) − V(start)`, function () {
          const { m } = compute(seed, tz);
          const r = m.day.readings;
          const sum = m.day.consumption.reduce((a, c) => a + c.v, 0);
          const span = r[r.length - 1].v - r[0].v;
          Math.abs(sum - span).should.be.below(tolerance(span));
          // Daily boundaries are contiguous here, so every adjacent pair has consumption.
          m.day.consumption.length.should.equal(r.length - 1);
        });
      }
    });
  }

  it("net mode lets consumption go negative where the counter falls", function () {
    const readings = [
      ["2024-01-01T00:00:00Z", 100],
      ["2024-01-02T00:00:00Z", 50],
      ["2024-01-03T00:00:00Z", 60],
    ];
    const engine = meter.engineConfig({ intervals: ["day"], counterMode: "net", anomalyMethod: "none" });
    const { meters } = run([{ id: "m", type: "physical", readings }], engine);
    meters.m.day.consumption.map((c) => c.v).should.eql([-50, 10]);
    meters.m.stats.resets.should.equal(0);
  });

  it("a glitch holds the level and a reset right after it restarts from the pre-glitch value", function () {
    // 100 → 95 (glitch, held at 100) → 20 (< 0.9·100: reset, offset += 100) → 30
    const s = meter.correctResets(Float64Array.of(1, 2, 3, 4), Float64Array.of(100, 95, 20, 30), 0.9, true);
    Array.from(s.C).should.eql([100, 100, 120, 130]);
    s.glitches.should.equal(1);
    s.resets.should.equal(1);
    Array.from(s.resetTimes).should.eql([3]);
  });
});

// The shortcuts taken for speed must give the same answers as the plain versions.
"use strict";
const { meter, run } = require("./engine-helpers");
const { mulberry32, meterReadings } = require("./random");
const anomaly = require("../../dist/features/meter/domain/anomaly");

describe("meter engine: fast paths agree with the plain computation", function () {
  it("quantiles by quickselect equal quantiles of the sorted data (type 7)", function () {
    const rnd = mulberry32(5);
    for (let n = 1; n < 300; n += 7) {
      // Few distinct values, so ties are common.
      const data = Float64Array.from({ length: n }, () => Math.floor(rnd() * 20) / 4);
      const sorted = Float64Array.from(data).sort();
      for (const q of [0, 0.25, 0.5, 0.75, 1]) {
        anomaly
          .quantileUnsorted(Float64Array.from(data), q)
          .should.equal(anomaly.quantileSorted(sorted, q), `n=${n} q=${q}`);
      }
    }
  });

  it("shared grids are the same boundaries as a fresh walk, for nested and widening ranges", function () {
    const clock = new meter.ZoneClock("Europe/Berlin");
    const ranges = [
      ["2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z"],
      ["2024-03-10T05:17:00Z", "2024-03-31T01:00:00Z"],
      ["2023-10-01T00:00:00Z", "2024-03-15T00:00:00Z"],
      ["2024-03-31T00:59:59Z", "2024-11-01T00:00:00Z"],
    ];
    for (const unit of ["hour", "day", "month"]) {
      for (const [a, b] of ranges) {
        const start = Date.parse(a);
        const end = Date.parse(b);
        Array.from(clock.boundariesShared(unit, start, end)).should.eql(
          Array.from(clock.boundaries(unit, start, end)),
          `${unit} ${a}..${b}`,
        );
      }
    }
  });

  it("clean Float64Array columns give the same result as readings as pairs", function () {
    const pairs = meterReadings(3, { start: Date.parse("2024-01-01T00:00:00Z"), days: 60 });
    const columns = { t: Float64Array.from(pairs, (p) => p[0]), v: Float64Array.from(pairs, (p) => p[1]) };
    const engine = meter.engineConfig({ intervals: ["hour", "day"], anomalyMethod: "vote" });
    const a = run([{ id: "m", type: "physical", readings: pairs }], engine).meters.m;
    const b = run([{ id: "m", type: "physical", readings: columns }], engine).meters.m;
    b.should.eql(a);
  });

  it("{t, v} objects read in place give the same readings as pairs, odd ones included", function () {
    const { normalizeReadings } = require("../../dist/features/meter/domain/normalize");
    const base = Date.parse("2024-01-01T00:00:00Z");
    const pairs = [
      [base, 1],
      [base + 1.5, 2], // not whole ms: the general parser rounds it
      [(base + 3600e3) / 1000, 3], // epoch seconds
      ["2024-01-01T02:00:00Z", 4],
      [base + 3 * 3600e3, "5"], // a string value is dropped
      [base + 4 * 3600e3, -1], // negative: dropped unless net
      [base + 5 * 3600e3, NaN],
      [base + 6 * 3600e3, 7],
      [base + 6 * 3600e3, 8], // duplicate: the last wins
      [base + 2 * 3600e3, 9], // out of order
    ];
    const objects = pairs.map(([t, v]) => ({ t, v }));
    for (const allowNegative of [false, true]) {
      const a = normalizeReadings("m", pairs, { allowNegative });
      const b = normalizeReadings("m", objects, { allowNegative });
      Array.from(b.t).should.eql(Array.from(a.t));
      Array.from(b.v).should.eql(Array.from(a.v));
      [b.raw, b.dropped, b.duplicates].should.eql([a.raw, a.dropped, a.duplicates]);
    }
  });

  it("a run that keeps only what later meters need gives the same meters", function () {
    const start = Date.parse("2024-01-01T00:00:00Z");
    const defs = [
      { id: "a", type: "physical", readings: meterReadings(1, { start, days: 40 }) },
      { id: "b", type: "physical", readings: meterReadings(2, { start, days: 40 }) },
      {
        id: "m",
        type: "master",
        periods: [
          { start: "2024-01-01T00:00:00Z", sources: ["a"] },
          { start: "2024-01-20T00:00:00Z", sources: ["b"], offsetFromPrevious: true },
        ],
      },
      {
        id: "v",
        type: "virtual",
        terms: [
          { meter: "m", factor: 1 },
          { meter: "a", factor: -1 },
        ],
      },
    ];
    const engine = meter.engineConfig({ intervals: ["day"], anomalyMethod: "none" });
    const full = new meter.BatchRun(defs, engine);
    const lean = new meter.BatchRun(defs, engine, undefined, { retainAll: false });
    const iso = new meter.IsoCache();
    const out = (r) => meter.meterOut(r, { consumptionTimestamp: "start", iso });
    for (let i = 0; i < full.order.length; i++) {
      const x = full.step(i);
      const y = lean.step(i);
      out(y).should.eql(out(x), full.order[i].id);
    }
    [...lean.results.keys()].sort().should.eql(["a", "m"]);
  });
});

describe("meter engine: ISO strings", function () {
  it("match Date#toISOString (without .000) for boundaries and odd instants from 1970 to 2100", function () {
    const rnd = mulberry32(9);
    const expected = (t) => new Date(t).toISOString().replace(".000Z", "Z");
    const samples = [
      0,
      Date.UTC(2000, 1, 29),
      Date.UTC(2024, 1, 29, 23, 59, 59),
      Date.UTC(2100, 2, 1),
      Date.UTC(1972, 11, 31, 23, 30),
    ];
    for (let i = 0; i < 20000; i++) samples.push(Math.floor(rnd() * 4102444800000));
    for (let i = 0; i < 2000; i++) samples.push(Math.floor(rnd() * 4102444800) * 1000);
    for (const t of samples) meter.isoString(t).should.equal(expected(t), String(t));
  });
});

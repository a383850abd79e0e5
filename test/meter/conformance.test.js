// Every conformance case of spec §2.8, with the expected numbers as published in the spec
// (fixtures/conformance.json is the spec's case list, transcribed verbatim).
"use strict";
const should = require("should");
const cases = require("./fixtures/conformance.json");
const { meter, close, splitConfig, run, runSingle, compareReadings, compareConsumption } = require("./engine-helpers");

const STAT_KEYS = ["raw", "dropped", "duplicates", "resets", "glitches"];

function pickStats(stats) {
  return Object.fromEntries(STAT_KEYS.map((k) => [k, stats[k]]));
}

describe("meter engine: spec §2.8 conformance", function () {
  // T05 differs from the spec in one reading (see the test after this loop).
  const simple = Object.entries(cases).filter(
    ([name, c]) => name !== "T05_invalid_dropped" && Array.isArray(c.input) && c.readings && c.consumption && c.config,
  );
  for (const [name, c] of simple) {
    it(name, function () {
      const { out, interval } = runSingle(c.input, c.config);
      compareReadings(interval.readings, c.readings, name);
      compareConsumption(interval.consumption, c.consumption, name);
      if (c.stats) pickStats(out.stats).should.eql(c.stats);
    });
  }

  it("T05_invalid_dropped, except that a time without an offset fails the meter instead of being dropped", function () {
    // The package reads instants with one parser (src/shared/time/instant.ts): a local time without an
    // offset is an error that names it, in every node, rather than a reading that silently disappears.
    const c = cases.T05_invalid_dropped;
    const local = c.input.findIndex(([t]) => t === "2024-01-01T01:00:00");
    local.should.be.above(-1);
    const failed = runSingle(c.input, c.config);
    failed.batch.errors.map((e) => e.message).should.match([/"2024-01-01T01:00:00" has no offset/]);
    const { out, interval } = runSingle(
      c.input.filter((_, i) => i !== local),
      c.config,
    );
    compareReadings(interval.readings, c.readings, "T05");
    compareConsumption(interval.consumption, c.consumption, "T05");
    pickStats(out.stats).should.eql({ ...c.stats, raw: c.stats.raw - 1, dropped: c.stats.dropped - 1 });
  });

  it("T09_long_gap_linear (excerpt and counts)", function () {
    const c = cases.T09_long_gap_linear;
    const { interval } = runSingle(c.input, c.config);
    interval.readings.length.should.equal(c.counts.readings);
    interval.consumption.length.should.equal(c.counts.consumption);
    for (const e of c.readings_excerpt.filter(Array.isArray)) {
      const r = interval.readings.find((x) => x.t === e[0]);
      should.exist(r, e[0]);
      close(r.v, e[1], `reading ${e[0]}`);
      r.q.should.equal(e[2]);
    }
    for (const e of c.consumption_excerpt.filter(Array.isArray)) {
      const r = interval.consumption.find((x) => x.t === e[0]);
      should.exist(r, e[0]);
      close(r.v, e[1], `consumption ${e[0]}`);
      r.q.should.equal(e[2]);
    }
  });

  it("T10a_seasonal_full_year_monthly", function () {
    const c = cases.T10a_seasonal_full_year_monthly;
    const { interval } = runSingle(c.input, c.config);
    compareConsumption(interval.consumption, c.consumption, "T10a");
  });

  function masterDefs(c) {
    const defs = Object.entries(c.input.sources).map(([id, readings]) => ({ id, type: "physical", readings }));
    defs.push({ id: "master", type: "master", periods: c.input.master.periods });
    return defs;
  }

  it("T14_master_replacement", function () {
    const c = cases.T14_master_replacement;
    const { engine, override, unit } = splitConfig(c.config);
    const { meters } = run(masterDefs(c), engine, override);
    meters.master.stats.offsets.should.eql(c.offsets);
    compareReadings(meters.master[unit].readings, c.readings, "T14");
    compareConsumption(meters.master[unit].consumption, c.consumption, "T14");
  });

  it("T15_master_sum", function () {
    const c = cases.T15_master_sum;
    const { engine, override, unit } = splitConfig(c.config);
    const { meters } = run(masterDefs(c), engine, override);
    compareReadings(meters.master[unit].readings, c.readings, "T15");
    compareConsumption(meters.master[unit].consumption, c.consumption, "T15");
  });

  it("T17_virtual", function () {
    const c = cases.T17_virtual;
    const { engine } = splitConfig({ unit: "day", tz: "UTC" });
    const defs = Object.entries(c.input).map(([id, readings]) => ({ id, type: "physical", readings }));
    defs.push({ id: "rest", type: "virtual", terms: c.terms });
    const { meters } = run(defs, engine);
    compareConsumption(meters.rest.day.consumption, c.consumption, "T17");
  });

  /** "c[i] = 10 + (i % 7) * 0.5 for i=0..69, then c[20]=0, c[40]=40" */
  function t18Series() {
    const c = Array.from({ length: 70 }, (_, i) => 10 + (i % 7) * 0.5);
    c[20] = 0;
    c[40] = 40;
    return c;
  }

  it("T18_anomaly_vote", function () {
    const flagged = meter.voteAnomalies(t18Series());
    const expected = cases.T18_anomaly_vote.flagged;
    flagged.map((f) => f.index).should.eql(expected.map((e) => e.i));
    expected.forEach((e, k) => {
      const f = flagged[k];
      f.votes.should.equal(e.votes);
      for (const key of ["z", "rollingZ", "iqrLow", "iqrHigh"]) close(f[key], e[key], `T18 i=${e.i} ${key}`);
    });
  });

  it("T18 through the engine: a daily meter whose consumption is the T18 series", function () {
    const c = t18Series();
    const start = Date.parse("2024-01-01T00:00:00Z");
    const readings = [[start, 1000]];
    let total = 1000;
    c.forEach((x, i) => readings.push([start + (i + 1) * 86400000, (total += x)]));
    const engine = meter.engineConfig({ intervals: ["day"], anomalyMethod: "vote" });
    const { meters } = run([{ id: "m", type: "physical", readings }], engine);
    const anomalies = meters.m.day.anomalies;
    anomalies.map((a) => a.t).should.eql(["2024-01-21T00:00:00Z", "2024-02-10T00:00:00Z"]);
    anomalies.map((a) => a.v).should.eql([0, 40]);
    close(anomalies[1].z, cases.T18_anomaly_vote.flagged[1].z, "engine z");
  });

  it("T19_anomaly_ratio_legacy", function () {
    const flagged = meter.ratioAnomalies(cases.T19_anomaly_ratio_legacy.input);
    const expected = cases.T19_anomaly_ratio_legacy.flagged;
    flagged.map((f) => f.index).should.eql(expected.map((e) => e.i));
    close(flagged[0].mean7, expected[0].mean7, "T19 mean7");
  });

  it("T21_single_reading: none", function () {
    const c = cases.T21_single_reading;
    const { interval } = runSingle(c.input, { unit: "day", tz: "UTC" });
    interval.readings.should.eql(c.none.readings);
    interval.consumption.should.eql(c.none.consumption);
  });

  it("T21_single_reading: hold over a range", function () {
    const c = cases.T21_single_reading;
    const { interval } = runSingle(c.input, { unit: "day", tz: "UTC", ...c.hold_range.config });
    compareReadings(interval.readings, c.hold_range.readings, "T21 hold");
    compareConsumption(interval.consumption, c.hold_range.consumption, "T21 hold");
  });

  it("T21_single_reading: rate behaves as hold", function () {
    const c = cases.T21_single_reading;
    const { interval } = runSingle(c.input, { unit: "day", tz: "UTC", ...c.hold_range.config, extrapolate: "rate" });
    compareReadings(interval.readings, c.hold_range.readings, "T21 rate");
  });
});

// Small helpers shared by the meter engine tests: run the engine on one case and compare with tolerance.
"use strict";
const meter = require("../../dist/features/meter/domain");

/** §2.8: |expected − actual| ≤ 1e-9, or relative 1e-12 above 1e3. */
function close(actual, expected, what) {
  const tol = Math.abs(expected) > 1e3 ? Math.max(1e-9, Math.abs(expected) * 1e-12) : 1e-9;
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${what}: expected ${expected}, got ${actual} (tolerance ${tol})`);
  }
}

/** Spec config keys (unit, tz, range, profile) → engine config, range override and meter options. */
function splitConfig(config = {}) {
  const { unit, tz, range, profile, ...rest } = config;
  const engine = meter.engineConfig({
    ...rest,
    intervals: [unit || "day"],
    timezone: tz || "UTC",
    anomalyMethod: rest.anomalyMethod || "none",
  });
  const override = range ? { start: Date.parse(range.start), end: Date.parse(range.end) } : undefined;
  return { engine, override, unit: unit || "day", profile };
}

/** Runs meter definitions and returns the formatted §2.6 meters plus the run itself. */
function run(defs, engine, override) {
  const batch = new meter.BatchRun(defs, engine, override);
  batch.runAll();
  const iso = new meter.IsoCache();
  const meters = {};
  for (const [id, r] of batch.results)
    meters[id] = meter.meterOut(r, { consumptionTimestamp: engine.consumptionTimestamp, iso });
  return { batch, meters };
}

/** Runs one physical meter `m` with the spec's case config. */
function runSingle(readings, config, extra = {}) {
  const { engine, override, unit, profile } = splitConfig(config);
  const def = { id: "m", type: "physical", readings, ...extra };
  if (profile) def.profile = profile;
  const { batch, meters } = run([def], engine, override);
  return { batch, out: meters.m, interval: meters.m && meters.m[unit], unit };
}

function compareReadings(actual, expected, what) {
  actual
    .map((r) => r.t)
    .should.eql(
      expected.map((e) => e[0]),
      `${what}: reading times`,
    );
  expected.forEach((e, i) => {
    close(actual[i].v, e[1], `${what}: value at ${e[0]}`);
    actual[i].q.should.equal(e[2], `${what}: quality at ${e[0]}`);
  });
}

function compareConsumption(actual, expected, what) {
  actual
    .map((c) => c.t)
    .should.eql(
      expected.map((e) => e[0]),
      `${what}: consumption times`,
    );
  expected.forEach((e, i) => {
    const c = actual[i];
    close(c.v, e[1], `${what}: consumption at ${e[0]}`);
    c.q.should.equal(e[2], `${what}: quality at ${e[0]}`);
    const flags = e.slice(3).sort();
    ["reset", "partial", "clamped"]
      .filter((f) => c[f] === true)
      .sort()
      .should.eql(flags, `${what}: flags at ${e[0]}`);
  });
}

/** [["iso", v], …] → readings in the spec's pair form. */
const pairs = (list) => list.map(([t, v]) => [t, v]);

module.exports = { meter, close, splitConfig, run, runSingle, compareReadings, compareConsumption, pairs };

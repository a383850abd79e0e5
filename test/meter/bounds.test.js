// meter-interpolate refuses at once what it cannot do in reasonable memory and time (issue 19): the
// refusal is proven to come before any heavy work by counting grid builds and normalisations, not by timing.
"use strict";
const should = require("should");
const { helper, nodeModules, collect, waitFor } = require("../helpers/node-red");
const domain = require("../../dist/features/meter/domain");
const normalize = require("../../dist/features/meter/domain/normalize");
const { MAX_READINGS_PER_RUN } = require("../../dist/features/meter/domain/engine");

const [meterNode] = nodeModules("meter-interpolate");
const { BatchRun, engineConfig, ZoneClock } = domain;
const year = (y) => {
  const d = new Date(0);
  d.setUTCFullYear(y);
  return d.getTime();
};
const T = Date.UTC(2024, 2, 1);

/** Counts grid builds while `fn` runs. */
function countingGrids(fn) {
  const original = ZoneClock.prototype.boundaries;
  let calls = 0;
  ZoneClock.prototype.boundaries = function (...args) {
    calls++;
    return original.apply(this, args);
  };
  try {
    return { result: fn(), calls: () => calls };
  } finally {
    ZoneClock.prototype.boundaries = original;
  }
}

describe("meter-interpolate: bounded work", function () {
  describe("the engine", function () {
    it("refuses a configured range whose grids for every meter exceed the boundary limit, before building any", function () {
      const defs = Array.from({ length: 5 }, (_, i) => ({
        id: `m${i}`,
        readings: [
          { t: T, v: 1 },
          { t: T + 3_600_000, v: 2 },
        ],
      }));
      const cfg = engineConfig({ intervals: "hour,day,month", rangeStart: year(1900), rangeEnd: year(2199) });
      let error;
      const { calls } = countingGrids(() => {
        try {
          new BatchRun(defs, cfg).runAll();
        } catch (e) {
          error = e;
        }
      });
      should.exist(error, "refused");
      error.message.should.match(
        /needs up to \d+ hour\/day\/month boundaries, more than the 10000000 one run may compute/,
      );
      error.message.should.match(/split the readings into shorter ranges/);
      calls().should.equal(0);
    });

    it("fails a meter whose readings span more boundaries than the configured maximum, before building its grids", function () {
      const cfg = engineConfig({ intervals: "hour", maxBoundaries: 1000 });
      const run = new BatchRun(
        [
          {
            id: "long",
            readings: [
              { t: T, v: 1 },
              { t: T + 365 * 86_400_000, v: 2 },
            ],
          },
          {
            id: "short",
            readings: [
              { t: T, v: 1 },
              { t: T + 10 * 3_600_000, v: 2 },
            ],
          },
        ],
        cfg,
      );
      const { calls } = countingGrids(() => run.runAll());
      run.errors.map((e) => e.meterId).should.eql(["long"]);
      run.errors[0].message.should.match(/^meter "long": the range 2024-03-01T00:00:00.000Z to 2025-03-01/);
      run.errors[0].message.should.match(/more than the 1000 one run may compute \("Max\. boundaries"\)/);
      calls().should.equal(1); // only "short"'s grid
      run.results.get("short").intervals.hour.grid.length.should.equal(11);
    });

    it("shares the boundary budget among the meters of one run", function () {
      const cfg = engineConfig({ intervals: "day", maxBoundaries: 100 });
      const meter = (id) => ({
        id,
        readings: [
          { t: T, v: 1 },
          { t: T + 40 * 86_400_000, v: 2 },
        ],
      });
      const run = new BatchRun([meter("a"), meter("b"), meter("c")], cfg);
      run.runAll();
      run.errors.map((e) => e.meterId).should.eql(["c"]); // 42 + 42 fit, a third does not
    });

    it(`refuses more than ${MAX_READINGS_PER_RUN} readings in one message before normalising any, saying how to split`, function () {
      const n = MAX_READINGS_PER_RUN + 1;
      const t = new Float64Array(n);
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        t[i] = T + i; // millisecond spacing: 5 M readings in 83 minutes
        v[i] = i;
      }
      const original = normalize.normalizeReadings;
      let normalised = 0;
      normalize.normalizeReadings = (...args) => {
        normalised++;
        return original(...args);
      };
      try {
        (() => new BatchRun([{ id: "dense", readings: { t, v } }], engineConfig({}))).should.throw(
          /carries 5000001 readings, more than the 5000000 one run takes; split it into several messages \(by meter, or by time range/,
        );
      } finally {
        normalize.normalizeReadings = original;
      }
      normalised.should.equal(0);
    });

    it("takes maxBoundaries only as a whole number above 0", function () {
      engineConfig({}).maxBoundaries.should.equal(10_000_000);
      engineConfig({ maxBoundaries: "2500" }).maxBoundaries.should.equal(2500);
      for (const bad of [0, -1, 1.5, "many", Infinity])
        (() => engineConfig({ maxBoundaries: bad })).should.throw(/maxBoundaries must be a whole number above 0/);
    });
  });

  describe("the node", function () {
    before(function (done) {
      helper.startServer(done);
    });
    after(function (done) {
      helper.stopServer(done);
    });
    afterEach(() => helper.unload());

    async function load(props = {}) {
      await helper.load(meterNode, [
        { id: "n1", type: "meter-interpolate", wires: [["out1"], ["out2"]], ...props },
        { id: "out1", type: "helper" },
        { id: "out2", type: "helper" },
      ]);
      return { n1: helper.getNode("n1"), out1: collect(helper.getNode("out1")) };
    }
    const nextError = (node) =>
      new Promise((resolve) => node.on("call:error", (call) => resolve(String(call.args[0]))));

    // µs, ns and near 2^53: each used to make a grid of billions of boundaries ("invalid size").
    const ODD = [
      ["microseconds", T * 1000, /looks like microseconds/],
      ["nanoseconds", T * 1e6, /looks like nanoseconds/],
      ["near 2^53", 2 ** 53 - 1, /is not a time|looks like|outside/],
    ];

    for (const [what, time, reason] of ODD) {
      it(`batch mode refuses a reading timestamped in ${what}, through done(err), building no grid`, async function () {
        const { n1, out1 } = await load({ intervals: ["hour", "day"] });
        const error = nextError(n1);
        const { calls } = countingGrids(() =>
          n1.receive({
            topic: "a",
            payload: [
              { t: T, v: 1 },
              { t: time, v: 2 },
            ],
          }),
        );
        (await error).should.match(/meter "a"/).and.match(reason);
        calls().should.equal(0);
        out1.length.should.equal(0);
      });

      it(`live mode refuses msg.timestamp in ${what} through done(err)`, async function () {
        const { n1, out1 } = await load({ intervals: ["hour"] });
        n1.receive({ topic: "a", payload: 1, timestamp: T + 1000 });
        const error = nextError(n1);
        n1.receive({ topic: "a", payload: 2, timestamp: time });
        (await error).should.match(/meter "a"/).and.match(reason);
        await new Promise((r) => setTimeout(r, 20));
        out1.length.should.equal(0);
      });
    }

    it("refuses a range.end in 9999 at once (it blocked the event loop for 26.8 s)", async function () {
      const { n1 } = await load({ intervals: ["hour"] });
      const error = nextError(n1);
      n1.receive({
        payload: {
          meters: [{ id: "a", readings: [{ t: T, v: 1 }] }],
          range: { start: "2024-01-01T00:00:00Z", end: "9999-01-01T00:00:00Z" },
        },
      });
      (await error).should.match(/msg\.payload\.range\.end/).and.match(/2200|after 2199|outside/);
    });

    // A 4 MB msg.topic became a state key and part of every status and warning of that "meter": 16.8 MB of
    // RSS for one message in the fuzz run, kept for good.
    it("refuses a meter id over 200 characters in live and batch mode, storing no state for it", async function () {
      const { n1, out1 } = await load({ intervals: ["hour"] });
      const long = "m".repeat(4 * 1024 * 1024);
      let error = nextError(n1);
      n1.receive({ topic: long, payload: 1, timestamp: T });
      (await error).should.match(/msg\.topic has 4194304 characters; this node takes at most 200\./);
      n1.context().keys().should.eql([]);
      error = nextError(n1);
      n1.receive({ topic: long, payload: [{ t: T, v: 1 }] });
      (await error).should.match(/msg\.topic has 4194304 characters; this node takes at most 200\./);
      error = nextError(n1);
      n1.receive({ payload: { meters: [{ id: long, readings: [{ t: T, v: 1 }] }] } });
      (await error).should.match(/msg\.payload\.meters\[0\]\.id has 4194304 characters; this node takes at most 200\./);
      out1.length.should.equal(0);
      (await error).length.should.be.below(300);
    });

    it("the node's Max. boundaries setting refuses a longer run through done(err)", async function () {
      const { n1, out1 } = await load({ intervals: ["hour"], maxBoundaries: "100" });
      const error = nextError(n1);
      n1.receive({
        topic: "a",
        payload: [
          { t: T, v: 1 },
          { t: T + 30 * 86_400_000, v: 2 },
        ],
      });
      (await error).should.match(/meter "a": the range .* more than the 100 one run may compute/);
      await waitFor(() => out1.length === 1, 2000, "the object with what worked");
      Object.keys(out1[0].payload.meters).should.eql([]);
    });
  });
});

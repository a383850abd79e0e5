"use strict";
// The one cheapest-slots algorithm (src/shared/cheapest.ts), pinned down by fixtures named after the
// case each one holds (test/cost/fixtures/<case>.json), and tibber-prices' cheapest window as a use of it.
const fs = require("node:fs");
const path = require("node:path");
const { selectCheapest } = require("../../dist/shared/cheapest");
const { cheapestWindow } = require("../../dist/features/tibber/domain/cheapest");
const { parseInstant } = require("../../dist/shared/time/instant");

const dir = path.join(__dirname, "fixtures");
const fixtures = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));

function slotsOf(fx) {
  const length = (fx.minutes || 60) * 60_000;
  if (fx.slots) {
    return fx.slots.map((s) => {
      const startMs = parseInstant(s.startsAt);
      return { startsAt: s.startsAt, startMs, endMs: startMs + length, total: s.total };
    });
  }
  const start = parseInstant(fx.start);
  return fx.prices.map((total, i) => ({ startMs: start + i * length, endMs: start + (i + 1) * length, total }));
}

function requestOf(fx, slots) {
  const r = { ...fx.request };
  if (r.mustRun) r.mustRun = { count: r.mustRun.count, byMs: slots[r.mustRun.bySlotEnd].endMs };
  return r;
}

describe("cheapest slots: one algorithm, fixtures by case", function () {
  fixtures.length.should.be.above(9);
  for (const fx of fixtures) {
    it(`${fx.case}: ${fx.why}`, function () {
      const slots = slotsOf(fx);
      const chosen = selectCheapest(slots, requestOf(fx, slots));
      (chosen || []).map((s) => slots.indexOf(s)).should.eql(fx.expect);
    });
  }

  it("tibber-prices' cheapest window chooses what the core chooses, on every plain fixture", function () {
    const plain = fixtures.filter((fx) => !fx.request.minRun && !fx.request.maxPrice && !fx.request.mustRun);
    plain.length.should.be.above(3);
    for (const fx of plain) {
      const slots = slotsOf(fx);
      const minutes = fx.request.count * (fx.minutes || 60);
      const w = cheapestWindow(slots, { minutes, contiguous: fx.request.contiguous, fromMs: slots[0].startMs });
      const core = selectCheapest(slots, fx.request);
      w.startMs.should.equal(core[0].startMs, fx.case);
      w.slotCount.should.equal(core.length, fx.case);
      w.endMs.should.equal(core[core.length - 1].endMs, fx.case);
    }
  });

  it("finds the exact optimum with a minimum run where a greedy choice fails, on random prices", function () {
    // Brute force over every subset of 10 slots against the dynamic programme.
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 40; round++) {
      const slots = Array.from({ length: 10 }, (_, i) => ({
        startMs: i,
        endMs: i + 1,
        total: Math.round(rand() * 100) / 10,
      }));
      const count = 2 + (round % 4);
      const minRun = Math.min(count, 1 + (round % 3));
      let best = Infinity;
      for (let mask = 0; mask < 1 << 10; mask++) {
        const on = slots.map((_, i) => (mask >> i) & 1);
        if (on.reduce((a, b) => a + b, 0) !== count) continue;
        let ok = true;
        for (let i = 0, run = 0; i <= 10; i++) {
          if (i < 10 && on[i]) run++;
          else {
            if (run > 0 && run < minRun) ok = false;
            run = 0;
          }
        }
        if (ok)
          best = Math.min(
            best,
            slots.reduce((s, x, i) => s + (on[i] ? x.total : 0), 0),
          );
      }
      const chosen = selectCheapest(slots, { count, contiguous: false, minRun });
      chosen.length.should.equal(count);
      chosen.reduce((s, x) => s + x.total, 0).should.be.approximately(best, 1e-9);
    }
  });
});

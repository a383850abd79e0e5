// A tiny seeded generator so property tests are reproducible.
"use strict";
function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Irregular readings of a cumulative counter: random spacing (minutes to days, with some long gaps),
 * random increments, and occasional resets to a small value and small glitches.
 */
function meterReadings(seed, { start, days, resets = true, glitches = true }) {
  const rnd = mulberry32(seed);
  const out = [];
  let t = start + Math.floor(rnd() * 3600e3);
  let v = 1000 * rnd();
  const end = start + days * 86400e3;
  while (t < end) {
    out.push([t, v]);
    const r = rnd();
    const step = r < 0.02 ? (2 + rnd() * 12) * 86400e3 : r < 0.3 ? rnd() * 86400e3 : rnd() * 3 * 3600e3;
    t += Math.max(60e3, Math.floor(step));
    const x = rnd();
    if (resets && x < 0.01) v = rnd() * 5;
    else if (glitches && x < 0.03) v = v * (0.95 + 0.04 * rnd());
    else v += rnd() * (step / 3600e3) * 2;
  }
  return out;
}

module.exports = { mulberry32, meterReadings };

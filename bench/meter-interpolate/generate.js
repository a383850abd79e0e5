// Seeded synthetic data for the meter-interpolate benchmark: 27 meters' worth of 4 years of ~15-minute
// readings (±30 s jitter) with a 1–5 day outage about every 52 days, one counter reset per meter, a seasonal
// and daily rate, and one meter replacement (gas_alt → gas_new, joined by the master gas_total).
"use strict";

// The same seeded generator as the meter's property tests, so both draw from one implementation.
const { mulberry32 } = require("../../test/meter/random");

const START = Date.UTC(2021, 0, 1);
const DAYS = 1461;
const END = START + DAYS * 86400e3;
const STEP = 15 * 60e3;
const REPLACED_AT = Date.UTC(2023, 3, 17, 10, 20);

/** Readings of one counter between `from` and `to`, as typed arrays. */
function series(rnd, from, to, startValue) {
  const cap = Math.ceil((to - from) / STEP) + 2;
  const t = new Float64Array(cap);
  const v = new Float64Array(cap);
  const base = 0.05 + rnd() * 0.5; // units per 15 min
  const resetAt = from + (0.2 + 0.6 * rnd()) * (to - from);
  let nextOutage = from + (40 + rnd() * 24) * 86400e3;
  let value = startValue;
  let reset = false;
  let n = 0;
  for (let slot = from; slot < to; slot += STEP) {
    if (slot >= nextOutage) {
      const outage = (1 + rnd() * 4) * 86400e3;
      nextOutage = slot + outage + (40 + rnd() * 24) * 86400e3;
      const resume = slot + outage;
      // The counter keeps counting during the outage; only the readings are missing.
      while (slot + STEP < resume) {
        slot += STEP;
        value += base * 1.5;
      }
      continue;
    }
    const season = 1 + 0.6 * Math.cos(((slot - START) / (365.25 * 86400e3)) * 2 * Math.PI);
    const hour = ((slot / 3600e3) % 24) | 0;
    const daily = hour >= 6 && hour <= 22 ? 1.4 : 0.4;
    value += base * season * daily * (0.5 + rnd());
    if (!reset && slot >= resetAt) {
      value = rnd() * 3;
      reset = true;
    }
    t[n] = slot + Math.round((rnd() - 0.5) * 60e3);
    v[n] = value;
    n++;
  }
  return { t: t.slice(0, n), v: v.slice(0, n) };
}

/** Physical meters (28 series: 26 full, plus gas_alt and gas_new sharing the 27th) and the master. */
function generate(seed = 20261122) {
  const rnd = mulberry32(seed);
  const meters = [];
  for (let i = 0; i < 26; i++) {
    const id = `meter_${String(i + 1).padStart(2, "0")}`;
    meters.push({ id, ...series(rnd, START, END, 1000 + rnd() * 50000) });
  }
  meters.push({ id: "gas_alt", unit: "m³", ...series(rnd, START, REPLACED_AT, 4000) });
  meters.push({ id: "gas_new", unit: "m³", ...series(rnd, REPLACED_AT, END, 0) });
  const master = {
    id: "gas_total",
    type: "master",
    unit: "m³",
    periods: [
      { start: new Date(START).toISOString(), sources: ["gas_alt"] },
      { start: new Date(REPLACED_AT).toISOString(), sources: ["gas_new"], offsetFromPrevious: true },
    ],
  };
  return { meters, master, start: START, end: END, replacedAt: REPLACED_AT };
}

module.exports = { generate, mulberry32 };

// Incremental batches (meter-interpolate `incremental`): a history cut into a first run and 30 daily runs
// that each read only their last few days gives every boundary value a full recompute over the whole
// history gives, to 1e-9 relative, and the same consumption.
"use strict";
require("should");
const { parseMeterSettings } = require("../../dist/features/meter/meter-settings");
const { runBatch } = require("../../dist/features/meter/batch-runner");

const DAY = 86_400_000;
const START = Date.parse("2024-01-01T00:00:00Z");
const END = START + 90 * DAY;

function host() {
  const sent = [];
  return {
    sent,
    warnings: [],
    signal: new AbortController().signal,
    now: () => END,
    warn(text) {
      this.warnings.push(text);
    },
    evaluate: async (typed) => typed.value,
    send: (ports) => sent.push(ports),
  };
}

function memoryStore() {
  const map = new Map();
  return { map, get: (k) => map.get(k), set: (k, v) => map.set(k, JSON.parse(JSON.stringify(v))) };
}

/** Deterministic 15-minute readings with irregular steps, a meter reset, a glitch and a day-long gap. */
function readings(seed, from, to, resetAt) {
  let x = seed;
  const rand = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const t = [];
  const v = [];
  let value = 1000 + seed;
  for (let time = from; time <= to; time += 900_000 + Math.floor(rand() * 4) * 60_000) {
    if (time > from + 40 * DAY && time < from + 41 * DAY) continue; // a gap
    value += rand() * 0.4;
    if (resetAt && time >= resetAt && v.length && v[v.length - 1] > 100 && t[t.length - 1] < resetAt) value = 3;
    t.push(time);
    v.push(Math.round(value * 1000) / 1000);
  }
  return { t, v };
}

const METERS = [
  { id: "strom", r: readings(7, START, END, null) },
  { id: "gas", r: readings(11, START, END, START + 55 * DAY + 3600_000) },
  { id: "wasser", r: readings(5, START + 2 * DAY + 3_600_000, END, null) },
];

function window(from, to) {
  return {
    payload: {
      meters: METERS.map(({ id, r }) => {
        const t = [];
        const v = [];
        for (let i = 0; i < r.t.length; i++)
          if (r.t[i] >= from && r.t[i] < to) {
            t.push(r.t[i]);
            v.push(r.v[i]);
          }
        return { id, readings: { t: Float64Array.from(t), v: Float64Array.from(v) } };
      }),
    },
  };
}

const config = {
  intervals: "hour,day,month",
  timezone: "Europe/Berlin",
  maxGap: "7d",
  extrapolate: "none",
  anomalyMethod: "vote",
  output: "object",
};

/** Every boundary of every meter and interval as "meter unit time" → value, and consumption alike. */
function collect(sent, into) {
  for (const [msg] of sent) {
    if (!msg) continue;
    for (const [id, m] of Object.entries(msg.payload.meters))
      for (const unit of ["hour", "day", "month"]) {
        for (const r of m[unit].readings) into.values.set(`${id} ${unit} ${r.t}`, r.v);
        for (const c of m[unit].consumption) into.consumption.set(`${id} ${unit} ${c.t}`, c.v);
      }
  }
}

const close = (a, b) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

describe("meter-interpolate incremental runs", function () {
  this.timeout(60_000);

  it("30 daily runs over the last 3 days each equal one full recompute, boundary by boundary", async function () {
    const full = { values: new Map(), consumption: new Map() };
    const h = host();
    await runBatch(window(START, END + 1), parseMeterSettings(config), h);
    collect(h.sent, full);

    const inc = { values: new Map(), consumption: new Map() };
    const settings = parseMeterSettings({ ...config, incremental: true });
    const store = memoryStore();
    const first = START + 60 * DAY;
    const h0 = host();
    (await runBatch(window(START, first), settings, h0, store)).should.equal("3 meters (incremental)");
    collect(h0.sent, inc);
    for (let day = 1; day <= 30; day++) {
      const to = day === 30 ? END + 1 : first + day * DAY;
      const hd = host();
      await runBatch(window(to - 3 * DAY, to), settings, hd, store);
      collect(hd.sent, inc);
    }
    full.values.size.should.be.above(3 * 90 * 24);
    [...inc.values.keys()].sort().should.eql([...full.values.keys()].sort());
    const off = [...full.values].filter(([k, v]) => !close(v, inc.values.get(k)));
    off.should.eql([]);
    [...inc.consumption.keys()].sort().should.eql([...full.consumption.keys()].sort());
    const offC = [...full.consumption].filter(([k, v]) => !close(v, inc.consumption.get(k)));
    offC.should.eql([]);
    // The reset of gas is carried across runs: its consumption never goes negative.
    [...inc.consumption].filter(([k, v]) => k.startsWith("gas") && v < 0).should.eql([]);
  });

  it("a run that brings nothing new emits nothing and keeps the state", async function () {
    const settings = parseMeterSettings({ ...config, incremental: true, output: "points" });
    const store = memoryStore();
    await runBatch(window(START, START + 5 * DAY), settings, host(), store);
    const before = JSON.stringify([...store.map]);
    const again = host();
    await runBatch(window(START + 2 * DAY, START + 5 * DAY), settings, again, store);
    again.sent.length.should.equal(0);
    JSON.stringify([...store.map]).should.equal(before);
  });

  it("needs extrapolation off", function () {
    (() => parseMeterSettings({ ...config, incremental: true, extrapolate: "hold" })).should.throw(
      /incremental runs need extrapolate "none"/,
    );
  });
});

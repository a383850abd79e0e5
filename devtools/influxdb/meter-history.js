// Raw meter history for the demo, the tests and the benchmark: cumulative counters every 15 minutes in
// measurement `meter_reading` (field `value`, tag `entity_id`), the layout of the utility-meter seed's raw
// bucket, written straight into influxd with /write in batches.
"use strict";

const QUARTER = 900_000;
const DEMO_METERS = [
  { id: "strom_total", perDay: 9, start: 21500 },
  { id: "gas_total", perDay: 4, start: 5030 },
  // A day with a running toilet 30 days back, so the anomaly detection has something to find.
  { id: "wasser", perDay: 0.35, start: 812, surge: { daysAgo: 30, factor: 10 } },
];

/** The readings of one meter as line protocol, deterministic from its index. */
function* meterLines(meter, index, from, to, every = QUARTER) {
  let x = 12345 + index * 7919;
  let value = meter.start;
  const tag = meter.id.replace(/([,= \\])/g, "\\$1");
  const surgeFrom = meter.surge ? to - meter.surge.daysAgo * 86_400_000 : Infinity;
  const surgeTo = surgeFrom + 86_400_000;
  for (let t = from; t <= to; t += every) {
    yield [t, `meter_reading,entity_id=${tag} value=${Math.round(value * 1000) / 1000} ${t}`];
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const factor = t >= surgeFrom && t < surgeTo ? meter.surge.factor : 1;
    value += factor * meter.perDay * (every / 86_400_000) * (0.6 + 0.8 * (x / 2 ** 31));
  }
}

/**
 * Writes `days` of readings up to `end` (ms, on a quarter hour) for `meters` into database `db` of the
 * harness `influx`; resolves with the number of rows written. `only(t)` writes a part of that same history
 * (the values are the same whichever part is written, so a later call can add the days after).
 */
async function writeMeterHistory(
  influx,
  { db = influx.db, days = 90, end, meters = DEMO_METERS, batch = 20000, only = () => true } = {},
) {
  const to = Math.floor((end ?? Date.now()) / QUARTER) * QUARTER;
  const from = to - days * 86_400_000;
  let rows = 0;
  let lines = [];
  const flush = async () => {
    if (!lines.length) return;
    const res = await fetch(`${influx.influxUrl}/write?db=${encodeURIComponent(db)}&precision=ms`, {
      method: "POST",
      body: lines.join("\n"),
    });
    if (res.status !== 204) throw new Error(`writing meter history failed (HTTP ${res.status}): ${await res.text()}`);
    rows += lines.length;
    lines = [];
  };
  for (let i = 0; i < meters.length; i++) {
    for (const [t, line] of meterLines(meters[i], i, from, to)) {
      if (!only(t)) continue;
      lines.push(line);
      if (lines.length >= batch) await flush();
    }
  }
  await flush();
  return rows;
}

/** `count` meters named m01, m02, … with plausible daily rates. */
function manyMeters(count) {
  return Array.from({ length: count }, (_, i) => ({
    id: `m${String(i + 1).padStart(2, "0")}`,
    perDay: 1 + i,
    start: 1000 * i,
  }));
}

module.exports = { writeMeterHistory, manyMeters, DEMO_METERS, QUARTER };

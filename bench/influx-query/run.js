#!/usr/bin/env node
// Meter history read back from a real InfluxDB (Debian's 1.6.7 on loopback) through meter-influxdb-query:
// 27 meters × 4 years of 15-minute readings (3.79 M rows, the utility-meter seed's history) streamed in
// chunks, one message per meter into a sink that only counts, and again as one {meters} message.
// Run: npm run bench influx-query (builds first). BENCH_DAYS and BENCH_METERS make it smaller.
//
// Each phase runs in a process of its own, so its peak RSS (getrusage maxrss) is that phase's alone: the
// writer fills influxd, then one process per output mode loads the node in the Node-RED test runtime
// (spies removed, so nothing retains messages) and runs one query. The /api/v2 proxy runs in its own
// process too, so it does not share the measured event loop or memory.
"use strict";
const path = require("node:path");
const { fork } = require("node:child_process");

const DAYS = Number(process.env.BENCH_DAYS || 1461);
const METERS = Number(process.env.BENCH_METERS || 27);
const TOKEN = "bench-token";
const END = Date.UTC(2026, 0, 1);
const CHUNK = Number(process.env.BENCH_CHUNK || 10000);

function child(args) {
  return new Promise((resolve, reject) => {
    const p = fork(__filename, args, { execArgv: ["--expose-gc"] });
    let result;
    p.on("message", (m) => (result = m));
    p.on("error", reject);
    p.on("exit", (code) => (code === 0 ? resolve(result) : reject(new Error(`${args[0]} exited with ${code}`))));
  });
}

async function writePhase(influxUrl) {
  const { writeMeterHistory, manyMeters } = require("../../devtools/influxdb/meter-history");
  const started = Date.now();
  const rows = await writeMeterHistory(
    { influxUrl, db: "bench" },
    { days: DAYS, end: END, meters: manyMeters(METERS), batch: 50_000 },
  );
  process.send({ rows, ms: Date.now() - started });
}

async function queryPhase(url, output) {
  const { helper } = require("../../test/helpers/node-red");
  const root = path.resolve(__dirname, "..", "..");
  const nodes = ["meter-influxdb", "meter-influxdb-query"].map((n) =>
    require(path.join(root, "dist/nodes", `${n}.js`)),
  );
  await new Promise((resolve) => helper.startServer(resolve));
  helper._sandbox.restore();
  if (helper._logSpy) helper._logSpy.restore();
  await helper.load(
    nodes,
    [
      { id: "cfg", type: "meter-influxdb", url, org: "", bucket: "bench" },
      {
        id: "q",
        type: "meter-influxdb-query",
        server: "cfg",
        mode: "form",
        measurement: "meter_reading",
        field: "value",
        meterTag: "entity_id",
        output,
        readings: "columns",
        chunkSize: CHUNK,
        wires: [["sink"]],
      },
      { id: "sink", type: "helper" },
    ],
    { cfg: { token: TOKEN } },
  );
  let rows = 0;
  let meters = 0;
  let peakSampled = 0;
  const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, process.memoryUsage().rss)), 20);
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  const started = Date.now();
  await new Promise((resolve, reject) => {
    helper.getNode("sink").on("input", (msg) => {
      const list = msg.payload.meters ?? [{ readings: msg.payload }];
      for (const m of list) {
        rows += m.readings.t.length;
        meters++;
      }
      if (meters === METERS) resolve();
    });
    const q = helper.getNode("q");
    q.on("call:error", (c) => reject(c.args[0]));
    q.receive({ payload: "go" });
  });
  const ms = Date.now() - started;
  clearInterval(sampler);
  process.send({
    rows,
    meters,
    ms,
    baselineMb: baseline / 2 ** 20,
    peakMb: process.resourceUsage().maxRSS / 1024,
    sampledMb: peakSampled / 2 ** 20,
  });
  await helper.unload();
  await new Promise((resolve) => helper.stopServer(resolve));
  process.exit(0);
}

async function main() {
  const { startInfluxDB, findInfluxd } = require("../../devtools/influxdb/harness");
  if (!findInfluxd()) {
    console.log("influx-query: influxd is not installed (apt-get install influxdb); skipped");
    return;
  }
  const influx = await startInfluxDB({ db: "bench", token: TOKEN, proxyProcess: true });
  try {
    console.log(`writing ${METERS} meters × ${DAYS} days of 15-minute readings into influxd 1.6.7 …`);
    const w = await child(["write", influx.influxUrl]);
    console.log(`  ${w.rows} rows written in ${(w.ms / 1000).toFixed(1)} s (not part of the measurement)`);
    for (const output of ["meter", "all"]) {
      const r = await child(["query", influx.url, output]);
      const label = output === "meter" ? "one message per meter" : "all meters in one {meters}";
      console.log(
        `\n${label}: ${r.rows} rows of ${r.meters} meters in ${(r.ms / 1000).toFixed(1)} s ` +
          `(${Math.round(r.rows / (r.ms / 1000))} rows/s), chunk ${CHUNK}\n` +
          `  peak RSS ${r.peakMb.toFixed(0)} MB (process lifetime maxrss; ${r.baselineMb.toFixed(0)} MB before the query, sampled peak ${r.sampledMb.toFixed(0)} MB)`,
      );
      if (r.rows !== w.rows) throw new Error(`read ${r.rows} rows, wrote ${w.rows}`);
      if (r.peakMb > 300) throw new Error(`peak RSS ${r.peakMb.toFixed(0)} MB is above the 300 MB budget`);
    }
  } finally {
    await influx.stop();
  }
}

const [mode, ...args] = process.argv.slice(2);
const run = mode === "write" ? writePhase(args[0]) : mode === "query" ? queryPhase(args[0], args[1]) : main();
run.catch((err) => {
  console.error(err);
  process.exit(1);
});

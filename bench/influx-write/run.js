#!/usr/bin/env node
// Points per second into a real InfluxDB (Debian's 1.6.7 on loopback) through meter-influxdb-write and
// through node-red-contrib-influxdb's "influxdb batch" node, side by side in one run, and the number of
// points found in the database afterwards for each. Run: npm run bench influx-write (builds first).
//
// Both nodes run in the Node-RED test runtime with its spies removed (so nothing retains messages) and
// get the same messages with the same number of messages in flight; a run ends when every point is
// confirmed: for meter-influxdb-write when its output reports nothing buffered, for "influxdb batch"
// when every message called done(). Theirs talks to influxd directly (1.x API); ours goes through the
// /api/v2 translating proxy that 1.6.7 needs, run in a process of its own so that it does not share the
// benchmarked event loop (its CPU is reported separately). Each run also reports where the time went
// (profile.js): CPU of influxd, Node-RED and the proxy, what influxd received, and our steps.
"use strict";
const path = require("node:path");
const fs = require("node:fs");
const os = require("node:os");
const { helper, nodeRedVersion } = require("../../test/helpers/node-red");
const { startInfluxDB, findInfluxd } = require("../../devtools/influxdb/harness");
const profile = require("./profile");
const { bodiesFor, runCeiling } = require("./ceiling");

const ROOT = path.resolve(__dirname, "..", "..");
const ours = [
  require(path.join(ROOT, "dist/nodes/meter-influxdb.js")),
  require(path.join(ROOT, "dist/nodes/meter-influxdb-write.js")),
];
const theirs = require("node-red-contrib-influxdb/influxdb.js");

// BENCH_SCALE=10 makes each run ten times longer, so a --cpu-prof of it is not mostly start-up.
const SCALE = Math.max(1, Number(process.env.BENCH_SCALE || 1));
const SCENARIOS = [
  { name: "1 point per message (how readers send)", messages: 20_000 * SCALE, perMessage: 1 },
  { name: "100 points per message (batch arrays)", messages: 2_000 * SCALE, perMessage: 100 },
];
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE || 5000); // meter-influxdb-write's "Batch size"
const ONLY = process.env.BENCH_ONLY; // "ours" or "theirs", for profiling one side
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT || 3)); // rounds; each contender's best counts
const IN_FLIGHT = 100; // messages handed to the node and not yet done()
const WRITES_IN_FLIGHT = 4; // meter-influxdb-write's batches on their way (durable-writer's default)
const T0 = Date.UTC(2026, 0, 1);

function messagesFor({ messages, perMessage }) {
  const out = new Array(messages);
  for (let m = 0; m < messages; m++) {
    const payload = new Array(perMessage);
    for (let i = 0; i < perMessage; i++) {
      const seq = m * perMessage + i;
      payload[i] = {
        measurement: "bench",
        tags: { meter: `m${seq % 27}` },
        fields: { v: seq + 0.5 },
        timestamp: T0 + seq,
      };
    }
    out[m] = { payload };
  }
  return out;
}

/** Feeds messages keeping IN_FLIGHT of them outstanding; resolves when every one called done(). */
function drive(node, msgs) {
  return new Promise((resolve) => {
    let next = 0;
    let finished = 0;
    let errors = 0;
    const original = node._complete;
    node._complete = function (msg, err) {
      original.call(this, msg, err);
      if (err) errors++;
      finished++;
      if (next < msgs.length) node.receive(msgs[next++]);
      if (finished === msgs.length) {
        node._complete = original;
        resolve(errors);
      }
    };
    while (next < Math.min(IN_FLIGHT, msgs.length)) node.receive(msgs[next++]);
  });
}

function quietHelper() {
  // The helper spies on every Node method and keeps each call's arguments: fine for tests, a memory
  // leak in a benchmark. Put the real methods back.
  helper._sandbox.restore();
  if (helper._logSpy) helper._logSpy.restore();
}

async function runOurs(influx, db, msgs, total) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-bench-"));
  helper.settings({ userDir });
  await helper.load(
    ours,
    [
      { id: "cfg", type: "meter-influxdb", url: influx.url, org: "", bucket: db },
      {
        id: "w",
        type: "meter-influxdb-write",
        server: "cfg",
        batchSize: BATCH_SIZE,
        flushInterval: 100,
        spoolLimit: 50,
        wires: [["out"]],
      },
      { id: "out", type: "helper" },
    ],
    { cfg: { token: "" } },
  );
  quietHelper();
  let written = 0;
  let dropped = 0;
  const allWritten = new Promise((resolve) =>
    helper.getNode("out").on("input", (msg) => {
      written += msg.payload.written;
      dropped += msg.payload.dropped;
      // Dropped points (a spool limit too small for a scaled run) end the run too; "found" shows them.
      if (written + dropped >= total && msg.payload.buffered === 0) resolve();
    }),
  );
  const started = process.hrtime.bigint();
  const errors = await drive(helper.getNode("w"), msgs);
  const acceptedMs = Number(process.hrtime.bigint() - started) / 1e6;
  await allWritten;
  if (process.env.BENCH_TRACE) {
    console.log(`      all messages done at ${acceptedMs.toFixed(0)} ms`);
    profile.printTrace(Number(started) / 1e6);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await helper.unload();
  fs.rmSync(userDir, { recursive: true, force: true });
  return { ms, acceptedMs, errors };
}

async function runTheirs(influx, db, msgs) {
  const port = Number(new URL(influx.influxUrl).port);
  await helper.load(
    theirs,
    [
      {
        id: "icfg",
        type: "influxdb",
        hostname: "127.0.0.1",
        port,
        protocol: "http",
        database: db,
        name: "bench",
        usetls: false,
        influxdbVersion: "1.x",
      },
      { id: "b", type: "influxdb batch", influxdb: "icfg", precision: "ms", retentionPolicy: "", name: "" },
    ],
    { icfg: { username: "", password: "" } },
  );
  quietHelper();
  const started = process.hrtime.bigint();
  const errors = await drive(helper.getNode("b"), msgs);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await helper.unload();
  return { ms, errors };
}

/** Whether our batches to `url` are gzipped (builds before loopback detection always gzipped). */
function gzipState(url) {
  const { isLoopbackUrl } = require(path.join(ROOT, "dist/features/influxdb/client/client.js"));
  if (typeof isLoopbackUrl !== "function") return "on";
  return isLoopbackUrl(url) ? "off (loopback)" : "on";
}

async function main() {
  if (!findInfluxd()) {
    console.error("influxd is not installed: apt-get install influxdb");
    process.exit(1);
  }
  const influx = await startInfluxDB({ db: "bench0", proxyProcess: true });
  await profile.install(ROOT);
  console.log(`InfluxDB write benchmark: Node-RED ${nodeRedVersion()}, Node ${process.version}, ${os.cpus()[0].model}`);
  console.log(
    `InfluxDB 1.6.7 on loopback; ${IN_FLIGHT} messages in flight; ours: batch ${BATCH_SIZE}, flush 100 ms, spool fsync on, gzip ${gzipState(influx.url)}; best of ${REPEAT} alternating rounds`,
  );
  console.log(
    `paths: node-red-contrib-influxdb → influxd ${influx.influxUrl}/write (1.x API); meter-influxdb-write → proxy process ${influx.url}/api/v2/write → influxd`,
  );
  let dbIndex = 0;
  const rows = [];
  try {
    await new Promise((resolve) => helper.startServer(resolve));
    for (const scenario of SCENARIOS.filter(
      (s) => !process.env.BENCH_PER_MESSAGE || s.perMessage === Number(process.env.BENCH_PER_MESSAGE),
    )) {
      const total = scenario.messages * scenario.perMessage;
      const results = {};
      // Rounds alternate the contenders, and each keeps its fastest round, so that a burst of other work
      // on a shared machine does not decide a ratio; "found" must hold in every round.
      for (let round = 0; round < REPEAT; round++) {
        for (const who of ["ceiling", "proxy ceiling", "theirs", "ours"].filter((w) => !ONLY || w === ONLY)) {
          const db = `bench${++dbIndex}`;
          await influx.createDatabase(db);
          const msgs = messagesFor(scenario);
          global.gc?.();
          let bodies;
          if (who.includes("ceiling")) bodies = bodiesFor(msgs, BATCH_SIZE);
          const probe = await profile.begin(influx);
          const r =
            who === "ceiling"
              ? await runCeiling(`${influx.influxUrl}/write?db=${db}&precision=ms`, bodies, WRITES_IN_FLIGHT)
              : who === "proxy ceiling"
                ? await runCeiling(
                    `${influx.url}/api/v2/write?org=&bucket=${db}&precision=ms`,
                    bodies,
                    WRITES_IN_FLIGHT,
                  )
                : who === "ours"
                  ? await runOurs(influx, db, msgs, total)
                  : await runTheirs(influx, db, msgs);
          r.profile = await probe.end();
          const found = (await influx.query('SELECT count("v") FROM "bench"', db))[0]?.values[0][1] ?? 0;
          const rate = total / (r.ms / 1000);
          const best = results[who];
          const worstFound = Math.min(found, best ? best.found : found);
          if (!best || rate > best.rate) results[who] = { ...r, found: worstFound, rate, rounds: [] };
          else best.found = worstFound;
          results[who].rounds = [...(best ? best.rounds : []), Math.round(rate)];
        }
      }
      if (ONLY) {
        console.log(`\n${scenario.name}: ${ONLY}`);
        console.log(`  ${Math.round(results[ONLY].rate)} points/s, found ${results[ONLY].found}/${total}`);
        console.log(profile.describe(results[ONLY].profile, ONLY === "ours"));
        continue;
      }
      const ratio = results.ours.rate / results.theirs.rate;
      rows.push({ scenario, total, results, ratio });
      console.log(`\n${scenario.name}: ${total} points in ${scenario.messages} messages`);
      for (const [label, who] of [
        [`ceiling: raw POST → influxd /write`, "ceiling"],
        [`ceiling: raw POST → proxy /api/v2`, "proxy ceiling"],
        ["node-red-contrib-influxdb batch", "theirs"],
        ["meter-influxdb-write", "ours"],
      ]) {
        const r = results[who];
        const extra =
          r.acceptedMs !== undefined ? ` (all messages done after ${(r.acceptedMs / 1000).toFixed(2)} s)` : "";
        console.log(
          `  ${label.padEnd(32)} ${Math.round(r.rate).toLocaleString("en-US").padStart(9)} points/s  ${(r.ms / 1000).toFixed(2)} s${extra}  found ${r.found}/${total}  errors ${r.errors}  (rounds: ${r.rounds.map((x) => x.toLocaleString("en-US")).join(", ")})`,
        );
        console.log(profile.describe(r.profile, who === "ours"));
      }
      const c = results.ceiling.rate;
      const pc = results["proxy ceiling"].rate;
      console.log(
        `  ours ${(results.ours.rate / c).toFixed(2)} of the ceiling (${(results.ours.rate / pc).toFixed(2)} of the proxy path's), ` +
          `theirs ${(results.theirs.rate / c).toFixed(2)}; ratio ours/theirs: ${ratio.toFixed(1)}x`,
      );
    }
  } finally {
    await new Promise((resolve) => helper.stopServer(resolve));
    await influx.stop();
  }
  if (rows.length) {
    console.log("\nsummary: points/s (fraction of the ceiling)");
    for (const { scenario, results: r, ratio } of rows) {
      const f = (x) => `${Math.round(x.rate).toLocaleString("en-US")} (${(x.rate / r.ceiling.rate).toFixed(2)})`;
      console.log(
        `  ${String(scenario.perMessage).padStart(3)} point(s)/msg: ceiling ${Math.round(r.ceiling.rate).toLocaleString("en-US")}, ` +
          `proxy ceiling ${f(r["proxy ceiling"])}, ours ${f(r.ours)}, theirs ${f(r.theirs)}, ours/theirs ${ratio.toFixed(1)}×`,
      );
    }
  }
  const lost = rows.some((r) => r.results.ours.found !== r.total);
  process.exitCode = lost ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

#!/usr/bin/env node
// Soak of both live paths against the simulators: tibber-live's shared connection (with the node's reading
// and throttle steps) and energylive-reader's SSE stream, for 10 minutes (`--minutes N` for less or more),
// with a fault every minute (drop, silent socket, Tibber restart, refused init). Reports messages,
// reconnects, memory at start and end (after GC) and the event loop's delay. Run with --expose-gc.
"use strict";
const { monitorEventLoopDelay } = require("node:perf_hooks");
const { TibberSimulator, DEMO_TOKEN, WINTERFELL } = require("../../build/devtools/simulators/tibber");
const { EnergyLiveSimulator } = require("../../build/devtools/simulators/energylive");
const { subscribeLive } = require("../../dist/features/tibber/live/registry");
const { toLiveReading } = require("../../dist/features/tibber/live/measurement");
const { LiveThrottle } = require("../../dist/features/tibber/live/throttle");
const { EnergyLiveStream } = require("../../dist/features/energylive/live-stream");

const arg = process.argv.indexOf("--minutes");
const minutes = arg > 0 ? Number(process.argv[arg + 1]) : 10;
const KEY = "soak-key-4f8Qm2Lx7Pz9";
const UID = "I-10082023-01658401";
const gc = global.gc ?? (() => undefined);
const mb = (n) => `${(n / 1048576).toFixed(1)} MB`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const tibber = new TibberSimulator();
  tibber.live.intervalMs = 100; // 20× a Pulse's pace
  tibber.live.initTimeoutMs = 2_000;
  await tibber.start();
  const elive = new EnergyLiveSimulator();
  elive.sampleMs = 100;
  elive.streams.tickMs = 50;
  elive.addDevice(UID);
  elive.addApiKey(KEY, [UID]);
  await elive.start();

  const counts = { tibberIn: 0, tibberOut: 0, energyLive: 0, stopped: 0 };
  const timings = {
    baseMs: 200,
    maxMs: 2_000,
    silentMs: 3_000,
    keepAliveMs: 5_000,
    handshakeMs: 5_000,
    tooManyBaseMs: 500,
    maxTooMany: 3,
    banMs: 5_000,
    goingAwayMaxMs: 1_000,
  };
  const nodes = [0, 1, 2].map((i) => {
    const throttle = new LiveThrottle(i === 0 ? 0 : 1_000, i === 2 ? "average" : "last");
    return subscribeLive(
      tibber.url,
      DEMO_TOKEN,
      WINTERFELL.id,
      {
        measurement: (raw) => {
          if (i === 0) counts.tibberIn++;
          const r = toLiveReading(WINTERFELL.id, raw);
          if (r) counts.tibberOut += throttle.push(r).length;
        },
        state: (s) => s.kind === "stopped" && counts.stopped++,
      },
      timings,
    );
  });
  const stream = new EnergyLiveStream(
    { apiKey: KEY, baseUrl: elive.url, deviceUid: UID, timings: { baseMs: 200, maxMs: 2_000, silentMs: 3_000 } },
    { reading: () => counts.energyLive++, state: () => undefined, fallback: () => counts.stopped++ },
  );
  stream.start();

  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  await sleep(5_000);
  gc();
  const start = process.memoryUsage();
  const samples = [];
  const faults = [
    () => (tibber.live.drop(), elive.streams.drop()),
    () => ((tibber.live.silent = true), (elive.streams.silent = true)),
    () => ((tibber.live.silent = false), (elive.streams.silent = false)),
    () => tibber.live.goAway(),
    () => ((tibber.live.refuseTooMany = 1), tibber.live.drop()),
    () => elive.inject({ kind: "status", status: 503, times: 2, path: "/measurements/live" }),
  ];
  const end = Date.now() + minutes * 60_000;
  for (let tick = 0; Date.now() < end; tick++) {
    await sleep(Math.min(10_000, end - Date.now()));
    if (tick % 6 === 5) faults[Math.floor(tick / 6) % faults.length]();
    gc();
    samples.push(process.memoryUsage().rss);
  }
  tibber.live.silent = false;
  elive.streams.silent = false;
  await sleep(5_000);
  gc();
  const finish = process.memoryUsage();
  lag.disable();
  const conn = nodes[0].connection;
  for (const n of nodes) n.release();
  stream.stop();
  await Promise.all([tibber.stop(), elive.stop()]);

  const firstHalf = samples.slice(0, Math.ceil(samples.length / 2));
  const secondHalf = samples.slice(Math.ceil(samples.length / 2));
  const avg = (a) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
  console.log(
    `live soak: ${minutes} min, Tibber feed every ${tibber.live.intervalMs} ms, energyLIVE sample every ${elive.sampleMs} ms`,
  );
  console.log(
    `  Tibber: ${counts.tibberIn} measurements in, ${counts.tibberOut} messages out (3 nodes, 1 shared socket), ${conn.stats.sockets} sockets, ${conn.stats.reconnects} reconnects, server sent ${tibber.live.sent}`,
  );
  console.log(
    `  energyLIVE: ${counts.energyLive} measurements, ${stream.opened} streams opened, ${stream.reconnects} reconnects`,
  );
  console.log(`  stopped or fell back: ${counts.stopped}`);
  console.log(
    `  RSS start ${mb(start.rss)} → end ${mb(finish.rss)}; heap used ${mb(start.heapUsed)} → ${mb(finish.heapUsed)}; RSS mean 1st half ${mb(avg(firstHalf))}, 2nd half ${mb(avg(secondHalf))}`,
  );
  console.log(
    `  event-loop delay: mean ${(lag.mean / 1e6).toFixed(1)} ms, p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms, max ${(lag.max / 1e6).toFixed(1)} ms`,
  );
  if (counts.stopped > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

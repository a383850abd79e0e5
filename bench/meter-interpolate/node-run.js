// One benchmark run of the meter-interpolate node in its own process (so peak RSS is its own):
// `node node-run.js <dataDir> <output: both|points|object> <input: columns|objects>`. Prints one JSON line.
"use strict";
const path = require("node:path");
const { monitorEventLoopDelay } = require("node:perf_hooks");
const { readData } = require("./data");
const { loadNode } = require("./fake-red");

async function main() {
  const [dataDir, output = "both", input = "columns"] = process.argv.slice(2);
  const { manifest, meters } = readData(dataDir);
  const readings = meters.reduce((a, m) => a + m.t.length, 0);
  const defs = meters.map((m) => {
    const def = { id: m.id, type: "physical", readings: { t: m.t, v: m.v } };
    if (m.unit) def.unit = m.unit;
    if (input === "objects") def.readings = Array.from(m.t, (t, i) => ({ t, v: m.v[i] }));
    return def;
  });
  defs.push(manifest.master);
  meters.length = 0; // the message is the only reference to the readings, as in a flow
  const { receive, counters } = loadNode(path.resolve(__dirname, "../../dist/nodes/meter-interpolate.js"), {
    intervals: ["hour", "day", "month"],
    timezone: "Europe/Berlin",
    anomalyMethod: "vote",
    output,
  });
  if (global.gc) global.gc();
  const rssBefore = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  // The longest stretch the node kept the event loop busy (it yields between meters).
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const t0 = process.hrtime.bigint();
  await receive({ payload: { meters: defs } });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  loop.disable();
  const cpu = process.cpuUsage(cpu0);
  console.log(
    JSON.stringify({
      output,
      input,
      readings,
      meters: defs.length,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      readingsPerSecond: readings / (wallMs / 1000),
      rssBeforeMB: rssBefore / 1048576,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      maxLoopBlockMs: loop.max / 1e6,
      messages: counters.messages,
      points: counters.points,
      objectEntries: counters.objectReadings,
      errors: counters.errors,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

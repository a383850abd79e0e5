#!/usr/bin/env node
// Compiles src/ into dist/ (what ships) and devtools/ into build/ (simulators for the tests and the demo,
// never shipped). Node-RED loads each node set from dist/nodes/<type>.js with its editor HTML, message
// catalogs and icons beside it, so this writes a one-line entry there for every node file
// src/features/<service>/<type>.node.ts and copies the editor files next to them.
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

/** Every node file of the package, as [type, path relative to src/ without extension]. */
function nodeFiles() {
  const features = path.join(root, "src", "features");
  const found = [];
  for (const service of fs.readdirSync(features)) {
    for (const file of fs.readdirSync(path.join(features, service))) {
      const match = /^(.+)\.node\.ts$/.exec(file);
      if (match) found.push([match[1], `features/${service}/${match[1]}.node`]);
    }
  }
  return found.sort();
}

fs.rmSync(dist, { recursive: true, force: true });
fs.rmSync(path.join(root, "build"), { recursive: true, force: true });
const tsc = require.resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.json")], { stdio: "inherit" });
if (fs.existsSync(path.join(root, "devtools", "tsconfig.json"))) {
  execFileSync(process.execPath, [tsc, "-p", path.join(root, "devtools", "tsconfig.json")], { stdio: "inherit" });
}
fs.mkdirSync(distNodes, { recursive: true });
for (const [type, modulePath] of nodeFiles()) {
  fs.writeFileSync(
    path.join(distNodes, `${type}.js`),
    `"use strict";\n// Node-RED's entry for ${type}; the node is declared in src/${modulePath}.ts.\nmodule.exports = require("../${modulePath}");\n`,
  );
}
// The editor files (nodes/<type>.html) sit beside their nodes; help and message catalogs per language
// (nodes/locales/<lang>/<type>.{html,json}) go into locales/ there, where Node-RED looks for them.
let html = 0;
for (const name of fs.readdirSync(path.join(root, "nodes"))) {
  if (!name.endsWith(".html")) continue;
  fs.copyFileSync(path.join(root, "nodes", name), path.join(distNodes, name));
  html++;
}
copyDir(path.join(root, "nodes", "locales"), path.join(distNodes, "locales"));
copyDir(path.join(root, "icons"), path.join(distNodes, "icons"));
if (!process.env.QUIET_BUILD) {
  console.log(`build: compiled src/ and devtools/, assembled ${html} editor file(s) in dist/nodes/`);
}

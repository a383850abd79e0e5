// Loads node-red-node-test-helper against the Node-RED selected by NODE_RED_MAJOR ("4", the default,
// or "5", the npm alias node-red-5), so the same suite runs on both. scripts/test-matrix.js sets it.
"use strict";
const path = require("node:path");
const helper = require("node-red-node-test-helper");

const major = process.env.NODE_RED_MAJOR === "5" ? "5" : "4";
const runtimeModule = major === "5" ? "node-red-5" : "node-red";
helper.init(require.resolve(runtimeModule));

const distNodes = path.resolve(__dirname, "..", "..", "dist", "nodes");

/** The compiled node modules, by node-set name, e.g. nodeModules("flume-config", "flume-flow"). */
function nodeModules(...names) {
  return names.map((name) => require(path.join(distNodes, `${name}.js`)));
}

/** The installed Node-RED version under test, e.g. "4.1.15". */
function nodeRedVersion() {
  return require(`${runtimeModule}/package.json`).version;
}

/** Resolves with the next message a helper node receives, or rejects after `ms`. */
function nextMessage(node, ms = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message on ${node.id} within ${ms} ms`)), ms);
    node.once("input", (msg) => {
      clearTimeout(timer);
      resolve(msg);
    });
  });
}

/** Collects every message a helper node receives. */
function collect(node) {
  const messages = [];
  node.on("input", (msg) => messages.push(msg));
  return messages;
}

/** Resolves once `predicate()` is true, polling every 10 ms; rejects after `ms` with `what`. */
async function waitFor(predicate, ms = 10000, what = "condition") {
  const until = Date.now() + ms;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The object a node built on the kernel shares (a config node's account, a writer's durable writer). */
function featureOf(node) {
  return node && node._meterflow ? node._meterflow.feature : undefined;
}

module.exports = { helper, major, nodeModules, nodeRedVersion, nextMessage, collect, waitFor, featureOf };

// Seeded fuzzing of one node in a real Node-RED: messages of every odd shape a flow can carry (exotic
// prototypes, an own hasOwnProperty as JSON.parse gives, typed-array look-alikes, 10,000-deep nesting,
// huge strings, wrong types), each of which must get exactly one completion (done or done(err)), with no
// unhandled rejection, no uncaught exception, no prototype pollution and bounded memory.
// Shared by test/fuzz/*.test.js (CI, ≥ 2,000 per node) and bench/fuzz/run.js (≥ 10,000 per node).
"use strict";
const path = require("node:path");
const v8 = require("node:v8");
const vm = require("node:vm");
const { mulberry32 } = require("../meter/random");

const HUGE = "x".repeat(4 * 1024 * 1024); // one 4 MB string, shared, so memory measures the nodes, not us
const BIG_TEXT = "Wasser läuft seit 30 Minuten. ".repeat(400);

function deep(depth, leaf) {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}
function deepArray(depth) {
  let v = [1];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}
const DEEP = deep(10_000, 1);
const DEEP_ARRAY = deepArray(10_000);

/** Values of every kind; `rnd` picks. Built fresh per call where a node might mutate them. */
function oddValue(rnd, depth = 0) {
  const pick = Math.floor(rnd() * 34);
  switch (pick) {
    case 0:
      return NaN;
    case 1:
      return Infinity;
    case 2:
      return -0;
    case 3:
      return 2 ** 53;
    case 4:
      return 1e308;
    case 5:
      return Math.floor(rnd() * 1e6) / 10;
    case 6:
      return "";
    case 7:
      return HUGE;
    case 8:
      return "__proto__";
    case 9:
      return "\u0000\ud800\uffff\u202e";
    case 10:
      return Object.create(null);
    case 11:
      return JSON.parse('{"hasOwnProperty":1,"value":3,"constructor":{"prototype":{"polluted":1}}}');
    case 12:
      return JSON.parse('{"__proto__":{"polluted":1},"value":2}');
    case 13:
      // a typed-array look-alike: what a duck-typing check would take for a Float64Array
      return { length: 2 ** 32, byteLength: 2 ** 40, BYTES_PER_ELEMENT: 8, buffer: {}, 0: 1 };
    case 14:
      return new Float64Array([1, NaN, Infinity]);
    case 15:
      return Buffer.from("meterflow");
    case 16:
      return DEEP;
    case 17:
      return DEEP_ARRAY;
    case 18:
      return new Date(NaN);
    case 19:
      return [Date.now(), 5];
    case 20:
      return { length: -1 };
    case 21:
      return Object.create({ inherited: true, value: 1 });
    case 22:
      return Object.assign(Object.create(Array.prototype), { 0: 1, length: 1 });
    case 23:
      return true;
    case 24:
      return null;
    case 25:
      return undefined;
    case 26:
      return 12345678901234567890n;
    case 27:
      return Symbol("odd");
    case 28:
      return () => "fn";
    case 29:
      return new Map([["a", 1]]);
    case 30:
      return [1e15 * rnd(), -1, "7", null];
    case 31:
      return BIG_TEXT;
    case 32:
      return depth < 3 ? { value: oddValue(rnd, depth + 1), time: oddValue(rnd, depth + 1) } : 1;
    default:
      return depth < 3 ? [oddValue(rnd, depth + 1), oddValue(rnd, depth + 1)] : [];
  }
}

const TOP_KEYS = [
  "payload",
  "topic",
  "timestamp",
  "measurement",
  "tags",
  "device",
  "range",
  "reset",
  "voice",
  "language",
  "chime",
  "meters",
  "hasOwnProperty",
  "constructor",
  "toString",
  "error",
];

/** One fuzzed message: sometimes a node's own valid-looking message with one odd part, else anything. */
function fuzzMessage(rnd, templates) {
  let msg;
  const r = rnd();
  if (r < 0.08) msg = Object.create(null);
  else if (r < 0.14) msg = JSON.parse('{"hasOwnProperty":"yes"}');
  else if (r < 0.18) msg = Object.create({ inherited: "prototype" });
  else msg = {};
  if (templates.length && rnd() < 0.5) Object.assign(msg, templates[Math.floor(rnd() * templates.length)](rnd));
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) msg[TOP_KEYS[Math.floor(rnd() * TOP_KEYS.length)]] = oddValue(rnd);
  if (rnd() < 0.05) msg.error = { source: { id: "x" }, hasOwnProperty: 1 };
  return msg;
}

v8.setFlagsFromString("--expose-gc");
const gc = global.gc || vm.runInNewContext("gc");

const PROTOS = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
function protoSnapshot() {
  return PROTOS.map((p) => Object.getOwnPropertyNames(p).join(","));
}

/** The largest pause of the event loop while `work` runs, in ms (a timer that should fire every 5 ms). */
function blockWatch() {
  let last = process.hrtime.bigint();
  let worst = 0;
  const timer = setInterval(() => {
    const now = process.hrtime.bigint();
    worst = Math.max(worst, Number(now - last) / 1e6 - 5);
    last = now;
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(0, Math.round(worst));
    },
  };
}

/**
 * Loads `flow` (the node under test has id `nodeId`; a Complete and a Catch node scoped to it are added),
 * sends `count` fuzzed messages, `parallel` at a time, and returns what happened.
 */
async function fuzzNode({
  helper,
  major,
  modules,
  flow,
  credentials,
  nodeId,
  count,
  seed,
  templates = [],
  parallel = 20,
  perMessageMs = 10_000,
}) {
  const runtimeDir = path.dirname(require.resolve(major === "5" ? "node-red-5/package.json" : "node-red/package.json"));
  const core = (file) => require(require.resolve(`@node-red/nodes/core/common/${file}`, { paths: [runtimeDir] }));
  const tab = flow.find((n) => n.type === "tab") ? flow.find((n) => n.type === "tab").id : "fuzz-tab";
  const nodes = [
    ...(flow.find((n) => n.type === "tab") ? [] : [{ id: tab, type: "tab", label: "fuzz" }]),
    ...flow,
    { id: "fz-catch", z: tab, type: "catch", scope: [nodeId], uncaught: false, x: 1, y: 1, wires: [["fz-caught"]] },
    {
      id: "fz-complete",
      z: tab,
      type: "complete",
      scope: [nodeId],
      uncaught: false,
      x: 1,
      y: 2,
      wires: [["fz-completed"]],
    },
    { id: "fz-caught", z: tab, type: "helper" },
    { id: "fz-completed", z: tab, type: "helper" },
  ];
  const unhandled = [];
  const uncaught = [];
  const onUnhandled = (e) => unhandled.push(e);
  const onUncaught = (e) => uncaught.push(e);
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUncaught);
  const protoBefore = protoSnapshot();
  try {
    await helper.load([...modules, core("25-catch.js"), core("24-complete.js")], nodes, credentials);
    const node = helper.getNode(nodeId);
    let caught = 0;
    let completed = 0;
    helper.getNode("fz-caught").on("input", () => caught++);
    helper.getNode("fz-completed").on("input", () => completed++);
    // Every done()/done(err) of the node passes through _complete once, whatever Complete/Catch can copy.
    // Weakly held, and tallied wave by wave, so the sent messages do not stay alive for the memory figures.
    const answers = new WeakMap();
    const tallied = new WeakSet();
    let answered = 0;
    let twice = 0;
    const tally = (msg) => {
      tallied.add(msg);
      const n = answers.get(msg) || 0;
      if (n >= 1) answered++;
      if (n > 1) twice++;
    };
    // The funnel answers a message too deep to copy with a flat copy of it (same _msgid) in its place.
    const byId = new Map();
    const realComplete = node._complete;
    node._complete = function (copy, err) {
      const msg = answers.has(copy) || !copy || !byId.has(copy._msgid) ? copy : byId.get(copy._msgid);
      const n = (answers.get(msg) || 0) + 1;
      answers.set(msg, n);
      // an answer that comes after its wave was tallied still counts
      if (tallied.has(msg) && n === 1) answered++;
      if (tallied.has(msg) && n === 2) twice++;
      return realComplete.call(this, copy, err);
    };
    const rnd = mulberry32(seed);
    // The test helper's spies keep every call's arguments; emptied per wave so memory measures the node.
    const forget = () => helper._sandbox && helper._sandbox.resetHistory();
    let rssBefore;
    let heapBefore;
    // RSS first grows to the heap's working size (and stays: V8 keeps what it got); growth is measured after.
    const warmUp = Math.max(200, Math.floor(count / 4));
    const block = blockWatch();
    let sent = 0;
    while (sent < count) {
      if (rssBefore === undefined && sent >= warmUp) {
        forget();
        gc();
        rssBefore = process.memoryUsage().rss;
        heapBefore = process.memoryUsage().heapUsed;
      }
      const wave = [];
      for (let i = 0; i < parallel && sent < count; i++, sent++) {
        const msg = fuzzMessage(rnd, templates);
        wave.push(msg);
        node.receive(msg);
        if (typeof msg._msgid === "string") byId.set(msg._msgid, msg);
      }
      const until = Date.now() + perMessageMs;
      while (wave.some((m) => !answers.has(m)) && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
      for (const m of wave) tally(m);
      byId.clear();
      forget();
    }
    await new Promise((r) => setTimeout(r, 20));
    const worstBlockMs = block.stop();
    forget();
    gc();
    const rssAfter = process.memoryUsage().rss;

    return {
      sent,
      answered,
      twice,
      unanswered: sent - answered,
      caught,
      completed,
      unhandled: unhandled.length,
      uncaught: uncaught.length,
      firstUnhandled: unhandled[0] || uncaught[0],
      rssGrowthMb: Math.round(((rssAfter - rssBefore) / 1048576) * 10) / 10,
      heapGrowthMb: Math.round(((process.memoryUsage().heapUsed - heapBefore) / 1048576) * 10) / 10,
      worstBlockMs,
      polluted: JSON.stringify(protoSnapshot()) !== JSON.stringify(protoBefore) || {}.polluted !== undefined,
    };
  } finally {
    process.off("unhandledRejection", onUnhandled);
    process.off("uncaughtException", onUncaught);
  }
}

module.exports = { fuzzNode, fuzzMessage, oddValue };

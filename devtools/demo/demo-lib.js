// Starts the demo: the four service simulators, an InfluxDB when one is installed, and a Node-RED with
// this package loaded and every example flow deployed against them. Used by `npm start` (devtools/demo/demo.js)
// and by the tests that check the demo and the editor.
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const { freePort } = require(path.join(root, "devtools", "free-port.js"));

/** Which simulator serves which base-URL variable, and which node types hold its credentials. */
const SERVICES = [
  { module: "flume", env: "FLUME_BASE_URL", credentialTypes: ["flume-config"] },
  { module: "voicemonkey", env: "VOICEMONKEY_BASE_URL", credentialTypes: ["voicemonkey-account"] },
  { module: "tibber", env: "TIBBER_BASE_URL", credentialTypes: ["tibber-account"] },
  { module: "energylive", env: "ENERGYLIVE_BASE_URL", credentialTypes: ["energylive-account"] },
];

const INFLUX_DEMO = {
  org: "meterflow-demo",
  db: "meters",
  bucket: "meters/autogen",
  token: "demo-token",
  historyDays: 90,
};

function hasCommand(name) {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/** Every example file, as [label, nodes]. */
function readExamples() {
  const dir = path.join(root, "examples");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => [f.replace(/\.json$/, ""), JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"))]);
}

/**
 * The Dashboard 2 flows users import (dashboards/), as [label, nodes], in one language: "en" the source
 * files, "de" the German ones written from them (`<name>.de.json`). Deployed beside the examples.
 */
function readDashboards(language = "en") {
  const dir = path.join(root, "dashboards");
  if (!fs.existsSync(dir)) return [];
  const wanted = (f) => (language === "en" ? !/\.[a-z]{2}\.json$/.test(f) : f.endsWith(`.${language}.json`));
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json") && wanted(f))
    .sort()
    .map((f) => [f.replace(/\.json$/, ""), JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"))]);
}

/** Gives an example's nodes fresh ids where they clash with ids already used, updating every reference. */
function remapClashes(nodes, usedIds, suffix) {
  const map = new Map();
  for (const n of nodes) if (usedIds.has(n.id)) map.set(n.id, `${n.id}.${suffix}`);
  if (map.size === 0) return nodes;
  const swap = (v) => {
    if (typeof v === "string") return map.get(v) ?? v;
    if (Array.isArray(v)) return v.map(swap);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    return v;
  };
  return nodes.map(swap);
}

/** A config node: neither a tab nor a node on a canvas. */
function isConfigNode(n) {
  return n.type !== "tab" && n.x === undefined;
}

/**
 * All examples as one flow file, each on its own tab, and the credentials file an import and Deploy would
 * give: each example's own `credentials` (as `${INFLUX_TOKEN}`), plus what the simulators accept for the
 * services whose examples leave the credentials for the user to paste. A config node several examples
 * share (one id per service) is deployed once, as importing them one after the other leaves it.
 */
function buildFlows(credentialsByType, dashboardLanguage = "en") {
  const flows = [];
  const credentials = {};
  const usedIds = new Set();
  const shared = new Map();
  [...readExamples(), ...readDashboards(dashboardLanguage)].forEach(([label, example], index) => {
    const fresh = example.filter(
      (n) => !(isConfigNode(n) && shared.has(n.id) && JSON.stringify(shared.get(n.id)) === JSON.stringify(n)),
    );
    let nodes = remapClashes(fresh, usedIds, `demo${index}`);
    let tab = nodes.find((n) => n.type === "tab");
    if (!tab) {
      tab = { id: `demo-tab-${index}`, type: "tab", label, disabled: false, info: "" };
      nodes = [tab, ...nodes.map((n) => (n.x !== undefined ? { ...n, z: tab.id } : n))];
    }
    nodes = nodes.map((n) => {
      usedIds.add(n.id);
      if (isConfigNode(n)) shared.set(n.id, n);
      const { credentials: own, ...node } = n;
      if (own || credentialsByType[n.type]) credentials[n.id] = { ...own, ...credentialsByType[n.type] };
      return node;
    });
    flows.push(...nodes);
  });
  return { flows, credentials };
}

/** nodesDir: where Node-RED also looks for nodes (this package's folder; [] for only the user dir's node_modules). */
function settingsFile(port, nodesDir = [root]) {
  return `module.exports = {
  uiHost: "127.0.0.1",
  uiPort: ${port},
  flowFile: "flows.json",
  credentialSecret: false,
  nodesDir: ${JSON.stringify(nodesDir)},
  telemetry: { enabled: false },
  diagnostics: { enabled: false },
  externalModules: { palette: { allowInstall: false } },
  editorTheme: { tours: false, projects: { enabled: false } },
  logging: { console: { level: "info", metrics: false, audit: false } },
};
`;
}

async function waitForEditor(url, child, ms = 60000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}settings`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Node-RED did not answer at ${url} within ${ms / 1000} s`);
}

/**
 * Starts a Node-RED (4.1 on this Node, or 5 on the bundled Node 22) with this package loaded from its
 * folder (or, with `nodesDir: []`, only what the user dir has installed), the given flows and credentials, on
 * 127.0.0.1, and resolves once the editor answers.
 */
async function startNodeRed({
  userDir,
  port,
  flows,
  credentials = {},
  env = process.env,
  nodeRedMajor,
  quiet,
  nodesDir,
}) {
  port = port || (await freePort());
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, "flows.json"), JSON.stringify(flows, null, 2));
  fs.writeFileSync(path.join(userDir, "flows_cred.json"), JSON.stringify(credentials, null, 2));
  fs.writeFileSync(path.join(userDir, "settings.js"), settingsFile(port, nodesDir));
  const five = nodeRedMajor === "5";
  const nodeBin = five
    ? path.join(path.dirname(require.resolve("node22/package.json")), "bin", "node")
    : process.env.npm_node_execpath || process.execPath;
  const redJs = require.resolve(five ? "node-red-5/red.js" : "node-red/red.js");
  const child = spawn(nodeBin, [redJs, "--userDir", userDir, "--settings", path.join(userDir, "settings.js")], {
    cwd: userDir,
    env: { NODE_RED_DISABLE_TELEMETRY: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const onOutput = (chunk) => {
    output += chunk;
    if (!quiet) process.stdout.write(chunk);
  };
  child.stdout.on("data", onOutput);
  child.stderr.on("data", onOutput);
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGINT");
      setTimeout(() => child.kill("SIGKILL"), 8000).unref();
    });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForEditor(url, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, child, output: () => output, stop };
}

/**
 * Debian's influxd 1.x with the demo's raw meter history, or undefined (said in the log) when there is no
 * influxd or the one on PATH does not start as 1.x does: the demo then runs without InfluxDB.
 */
async function startDemoInfluxDB(log, simulators) {
  if (!hasCommand("influxd")) {
    log("InfluxDB is not installed (apt-get install influxdb): write nodes will buffer points on disk");
    return undefined;
  }
  const { startInfluxDB } = require(path.join(root, "devtools", "influxdb", "harness.js"));
  let influx;
  try {
    influx = await startInfluxDB({ db: INFLUX_DEMO.db, token: INFLUX_DEMO.token });
    log(`InfluxDB (1.x + v2 write proxy) ${influx.url}, database "${INFLUX_DEMO.db}"`);
    // Raw readings for the "Daily meter analytics" example to read back, as the seed's raw bucket holds.
    const { writeMeterHistory } = require(path.join(root, "devtools", "influxdb", "meter-history.js"));
    const rows = await writeMeterHistory(influx, { days: INFLUX_DEMO.historyDays });
    log(`InfluxDB: ${rows} raw meter readings (${INFLUX_DEMO.historyDays} days) in "meter_reading"`);
    // The energyLIVE meter's past days, for the dashboard's cost per day (read back at its start).
    const { writeEnergyLiveHistory } = require(path.join(__dirname, "energylive-history.js"));
    const { DEMO_DEVICE_UID } = require(path.join(root, "build", "devtools", "simulators", "energylive.js"));
    const hours = await writeEnergyLiveHistory(influx, simulators.energylive, DEMO_DEVICE_UID);
    log(`InfluxDB: ${hours} hourly energyLIVE readings of ${DEMO_DEVICE_UID} in "energylive"`);
    return influx;
  } catch (err) {
    await influx?.stop().catch(() => undefined);
    const reason = (err instanceof Error ? err.message : String(err)).split("\n")[0].slice(0, 300);
    log(`InfluxDB not started (the demo needs Debian's influxd 1.x: apt-get install influxdb): ${reason}`);
    log("running without InfluxDB: write nodes will buffer points on disk");
    return undefined;
  }
}

/**
 * Starts everything. Options: port (0 = a free one), userDir, nodeRedMajor ("4" on this Node, "5" on the
 * bundled Node 22), log (a function for progress lines), quiet (Node-RED's output not echoed), influx (false:
 * do not start InfluxDB even when installed), prepare (async (simulators) => …, run before Node-RED starts),
 * dashboardLanguage ("en", or "de" for the German dashboard flow).
 */
async function startDemo(options = {}) {
  const log = options.log || (() => {});
  const userDir = options.userDir || path.join(root, ".demo");
  const port = options.port || (await freePort());
  const stops = [];
  const simulators = {};
  const env = { ...process.env, NODE_RED_DISABLE_TELEMETRY: "1" };
  const credentialsByType = {};

  try {
    for (const service of SERVICES) {
      const mod = require(path.join(root, "build", "devtools", "simulators", `${service.module}.js`));
      const sim = mod.demoSimulator();
      env[service.env] = await sim.start();
      simulators[service.module] = sim;
      stops.push(() => sim.stop());
      for (const type of service.credentialTypes) credentialsByType[type] = mod.DEMO_CREDENTIALS;
      log(`simulator ${service.module.padEnd(12)} ${env[service.env]}`);
    }

    const influx = options.influx === false ? undefined : await startDemoInfluxDB(log, simulators);
    if (influx) {
      stops.push(() => influx.stop());
      env.INFLUX_URL = influx.url;
    } else {
      // Nothing listens there: the write nodes keep every point in their disk spool and say so.
      env.INFLUX_URL = `http://127.0.0.1:${await freePort()}`;
    }
    // Only the variables the README names for the examples; the token reaches the nodes through the
    // examples' own `${INFLUX_TOKEN}` credential, as in a user's Node-RED.
    env.INFLUX_ORG = INFLUX_DEMO.org;
    env.INFLUX_BUCKET = INFLUX_DEMO.bucket;
    env.INFLUX_TOKEN = INFLUX_DEMO.token;

    // Lets a test set a scenario (say, a leak already running) before Node-RED's first poll.
    if (options.prepare) await options.prepare(simulators);

    const { flows, credentials } = buildFlows(credentialsByType, options.dashboardLanguage);
    const nodeRed = await startNodeRed({
      userDir,
      port,
      flows,
      credentials,
      env,
      nodeRedMajor: options.nodeRedMajor,
      quiet: options.quiet,
    });
    stops.unshift(() => nodeRed.stop());
    const url = nodeRed.url;
    return {
      url,
      dashboardUrl: `${url}dashboard`,
      port,
      userDir,
      simulators,
      influx,
      flows,
      output: nodeRed.output,
      async stop() {
        for (const stop of stops.splice(0)) await stop().catch(() => {});
      },
    };
  } catch (err) {
    for (const stop of stops.splice(0)) await stop().catch(() => {});
    throw err;
  }
}

module.exports = {
  startDemo,
  startNodeRed,
  buildFlows,
  readExamples,
  readDashboards,
  freePort,
  hasCommand,
  isConfigNode,
};

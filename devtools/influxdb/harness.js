// A real InfluxDB for tests, the benchmark and the demo: Debian's influxd 1.6.7 on free loopback ports
// with everything in a temporary directory, plus the translating proxy that gives it /api/v2/write.
//
//   const influx = await startInfluxDB({ db: "meters", token: "secret" });
//   influx.url          → the proxy (what meter-influxdb points at); influx.influxUrl → influxd itself
//   await influx.query("SELECT count(*) FROM water")   → the series of the first result
//   await influx.stopServer(); await influx.startServer();   → an outage, with the data kept
//   await influx.stop();                               → everything gone
"use strict";
const { freePort } = require("../free-port");
const { spawn, fork, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const https = require("node:https");
const os = require("node:os");
const path = require("node:path");
const { InfluxProxy } = require("./v2-proxy");

const INFLUXD_CANDIDATES = [process.env.INFLUXD, "/usr/bin/influxd", "/usr/local/bin/influxd"].filter(Boolean);

/** The influxd binary, or undefined when InfluxDB is not installed. */
function findInfluxd() {
  for (const candidate of INFLUXD_CANDIDATES) if (fs.existsSync(candidate)) return candidate;
  try {
    return execFileSync("sh", ["-c", "command -v influxd"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * For a mocha `before` hook: skips the suite when influxd is missing, except in CI where every test
 * must run, so there it fails and says what to install.
 */
function requireInfluxd(context) {
  if (findInfluxd()) return;
  const advice = "influxd is not installed: apt-get install influxdb (Debian's InfluxDB 1.6.7)";
  if (process.env.CI === "true") throw new Error(`${advice}; CI must run the InfluxDB tests.`);
  console.log(`      skipping: ${advice}`);
  context.skip();
}

function configFile(dir, httpPort, rpcPort, tls) {
  return `reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
  logging-enabled = false
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
  index-version = "inmem"
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false
  pprof-enabled = false
  max-body-size = 0
${tls ? `  https-enabled = true\n  https-certificate = "${tls.certFile}"\n  https-private-key = "${tls.keyFile}"\n` : ""}[ifql]
  enabled = false
[continuous_queries]
  enabled = false
[logging]
  level = "warn"
`;
}

/**
 * The translating proxy in a child process of its own (for the benchmark): `{ url, pid, stats(), stop() }`.
 * Tests keep the in-process one, whose `down` switch they flip directly.
 */
async function startProxyProcess(upstream, token) {
  const child = fork(path.join(__dirname, "v2-proxy.js"), [upstream], {
    env: { ...process.env, INFLUX_PROXY_TOKEN: token || "" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const url = await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the proxy process exited (${code})`)));
    child.once("message", (m) => resolve(m.url));
  });
  child.removeAllListeners("exit");
  return {
    url,
    pid: child.pid,
    stats: () =>
      new Promise((resolve) => {
        child.once("message", (m) => resolve(m.stats));
        child.send("stats");
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.send("stop");
      }),
  };
}

/**
 * `proxyProcess: true` runs the proxy in a child process (its `proxy` then has `pid` and `stats()`
 * instead of a `down` switch); `influxdPid()` is the server's process id while it runs.
 */
async function startInfluxDB({ db = "meters", token, proxyProcess = false, tls } = {}) {
  const influxd = findInfluxd();
  if (!influxd) throw new Error("influxd is not installed: apt-get install influxdb");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-influx-"));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const confPath = path.join(dir, "influxdb.conf");
  // tls: { cert, key } (PEM): influxd and the proxy serve https with them; the caller trusts the certificate.
  if (tls) {
    tls = { ...tls, certFile: path.join(dir, "cert.pem"), keyFile: path.join(dir, "key.pem") };
    fs.writeFileSync(tls.certFile, tls.cert);
    fs.writeFileSync(tls.keyFile, tls.key);
  }
  fs.writeFileSync(confPath, configFile(dir, httpPort, rpcPort, tls));
  const influxUrl = `${tls ? "https" : "http"}://127.0.0.1:${httpPort}`;
  let child;

  function request(method, pathAndQuery) {
    const transport = tls ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(`${influxUrl}${pathAndQuery}`, { method, ca: tls?.cert }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode, text }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  async function startServer() {
    if (child) return;
    const log = fs.openSync(path.join(dir, "influxd.log"), "a");
    child = spawn(influxd, ["-config", confPath], { stdio: ["ignore", log, log] });
    fs.closeSync(log);
    let exited = false;
    child.once("exit", () => (exited = true));
    const until = Date.now() + 15_000;
    for (;;) {
      if (exited) {
        child = undefined;
        throw new Error(
          `influxd exited at start: ${fs.readFileSync(path.join(dir, "influxd.log"), "utf8").slice(-500)}`,
        );
      }
      try {
        if ((await request("GET", "/ping")).status === 204) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > until) {
        await stopServer(); // not left running when the caller gives up
        throw new Error("influxd did not answer /ping within 15 s");
      }
      await new Promise((r) => setTimeout(r, 30));
    }
  }

  async function stopServer() {
    const proc = child;
    if (!proc) return;
    child = undefined;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise((resolve) => {
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
      proc.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      proc.kill("SIGTERM");
    });
  }

  /** Runs InfluxQL against influxd itself; returns the series of the first statement ([] when none). */
  async function query(influxql, database = db) {
    const params = new URLSearchParams({ db: database, q: influxql, epoch: "ms" });
    const { status, text } = await request("POST", `/query?${params}`);
    if (status !== 200) throw new Error(`InfluxQL failed (HTTP ${status}): ${text}`);
    const result = JSON.parse(text).results[0];
    if (result.error) throw new Error(`InfluxQL error: ${result.error}`);
    return result.series || [];
  }

  /** The number of points of a measurement (counting one field that every point has). */
  async function count(measurement, field = "value", database = db) {
    const series = await query(`SELECT count("${field}") FROM "${measurement}"`, database);
    return series.length ? series[0].values[0][1] : 0;
  }

  async function createDatabase(name) {
    await query(`CREATE DATABASE "${name}"`, name);
  }

  let proxy;
  let url;
  try {
    await startServer();
    await createDatabase(db);
    if (proxyProcess) {
      proxy = await startProxyProcess(influxUrl, token);
      url = proxy.url;
    } else {
      proxy = new InfluxProxy(influxUrl, { token, tls });
      url = await proxy.start();
    }
  } catch (err) {
    // An influxd that is not 1.x (2.x takes no -config) fails here: leave no process and no folder behind.
    await stopServer().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const influxdPid = () => child?.pid;

  async function stop() {
    await proxy.stop().catch(() => undefined);
    await stopServer();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  return { url, influxUrl, db, dir, proxy, influxdPid, query, count, createDatabase, startServer, stopServer, stop };
}

module.exports = { startInfluxDB, findInfluxd, requireInfluxd };

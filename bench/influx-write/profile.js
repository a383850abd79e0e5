// Where the time goes during one benchmark run: CPU of influxd, of this (Node-RED) process and of the
// proxy process, what influxd received (/debug/vars), and, for meter-influxdb-write, time inside its
// steps. The steps are measured by wrapping the built modules' functions from outside, so the product
// code carries no instrumentation; the wrappers cost two clock reads per call.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const zlib = require("node:zlib");

const TICKS_PER_S = 100; // USER_HZ on Linux

/** utime + stime of a process in seconds, from /proc/<pid>/stat (undefined when not readable). */
function cpuOf(pid) {
  if (!pid) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S; // fields 14 and 15 of stat(5)
  } catch {
    return undefined;
  }
}

function selfCpu() {
  const u = process.cpuUsage(); // every thread of the process, the libuv pool (gzip, fs) included
  return (u.user + u.system) / 1e6;
}

async function httpdVars(influxUrl) {
  const vars = await (await fetch(`${influxUrl}/debug/vars`)).json();
  const httpd = Object.values(vars).find((v) => v && v.name === "httpd");
  return httpd ? httpd.values : {};
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Counters for our node's steps; `install()` once after the nodes are loaded from dist/. */
const steps = {
  build: { calls: 0, ms: 0, lines: 0 },
  spoolGroup: { calls: 0, ms: 0, lines: 0 },
  spoolWrite: { calls: 0, ms: 0 },
  fsync: { calls: 0, ms: 0 },
  gzip: { calls: 0, ms: 0, bytesIn: 0, bytesOut: 0 },
  request: { calls: 0, ms: 0, lines: 0 },
};

function reset() {
  for (const s of Object.values(steps)) for (const k of Object.keys(s)) s[k] = 0;
}

/** BENCH_TRACE=1: each request's start, end and points, to see whether the pipe stays full. */
const trace = [];

let installed = false;
async function install(root) {
  if (installed) return;
  installed = true;
  const points = require(path.join(root, "dist/features/influxdb/domain/points.js"));
  const realBuild = points.linesFromMessage;
  points.linesFromMessage = function (...args) {
    const t = now();
    const built = realBuild.apply(this, args);
    steps.build.ms += now() - t;
    steps.build.calls++;
    steps.build.lines += built.lines.length;
    return built;
  };
  const { Spool } = require(path.join(root, "dist/features/influxdb/domain/spool.js"));
  const realAppend = Spool.prototype.append;
  Spool.prototype.append = function (lines, ...rest) {
    steps.spoolGroup.lines += lines.length;
    return realAppend.call(this, lines, ...rest);
  };
  // FileHandle is not exported; take its prototype from a handle.
  const probe = await fs.promises.open(__filename, "r");
  const FileHandle = Object.getPrototypeOf(probe);
  await probe.close();
  for (const [name, step] of [
    ["write", steps.spoolWrite],
    ["writev", steps.spoolWrite],
    ["datasync", steps.fsync],
  ]) {
    const real = FileHandle[name];
    FileHandle[name] = async function (...args) {
      const t = now();
      try {
        return await real.apply(this, args);
      } finally {
        step.ms += now() - t;
        step.calls++;
      }
    };
  }
  const realGzip = zlib.gzip;
  zlib.gzip = function (buf, ...rest) {
    const cb = rest.pop();
    const t = now();
    return realGzip.call(this, buf, ...rest, (err, out) => {
      steps.gzip.ms += now() - t;
      steps.gzip.calls++;
      steps.gzip.bytesIn += buf.length;
      steps.gzip.bytesOut += out ? out.length : 0;
      cb(err, out);
    });
  };
  const { InfluxConnection } = require(path.join(root, "dist/features/influxdb/client/client.js"));
  const realWrite = InfluxConnection.prototype.write;
  InfluxConnection.prototype.write = async function (bucket, lines, ...rest) {
    const t = now();
    try {
      return await realWrite.call(this, bucket, lines, ...rest);
    } finally {
      steps.request.ms += now() - t;
      steps.request.calls++;
      steps.request.lines += lines.length;
      if (process.env.BENCH_TRACE) trace.push([t, now(), lines.length]);
    }
  };
}

/** Snapshot before a run; `end()` gives the deltas. */
async function begin(influx) {
  const start = {
    wall: now(),
    self: selfCpu(),
    influxd: cpuOf(influx.influxdPid()),
    proxy: cpuOf(influx.proxy.pid),
    vars: await httpdVars(influx.influxUrl),
  };
  reset();
  return {
    async end() {
      const wall = now() - start.wall;
      const vars = await httpdVars(influx.influxUrl);
      const d = (k) => (vars[k] ?? 0) - (start.vars[k] ?? 0);
      const delta = (a, b) => (a === undefined || b === undefined ? undefined : a - b);
      return {
        wallS: wall / 1000,
        cpu: {
          nodeRed: selfCpu() - start.self,
          influxd: delta(cpuOf(influx.influxdPid()), start.influxd),
          proxy: delta(cpuOf(influx.proxy.pid), start.proxy),
        },
        influxd: {
          writeReq: d("writeReq"),
          writeReqBytes: d("writeReqBytes"),
          pointsWrittenOK: d("pointsWrittenOK"),
          writeReqDurationS: d("writeReqDurationNs") / 1e9,
        },
        steps: JSON.parse(JSON.stringify(steps)),
      };
    },
  };
}

const pct = (cpuS, wallS) =>
  cpuS === undefined ? "n/a" : `${cpuS.toFixed(2)} s (${Math.round((100 * cpuS) / wallS)}%)`;

function describe(p, ours) {
  const out = [];
  out.push(
    `      CPU: influxd ${pct(p.cpu.influxd, p.wallS)}, Node-RED process ${pct(p.cpu.nodeRed, p.wallS)}` +
      (ours ? `, proxy process ${pct(p.cpu.proxy, p.wallS)}` : "") +
      ` (of ${p.wallS.toFixed(2)} s wall; 100% = one core)`,
  );
  const i = p.influxd;
  out.push(
    `      influxd got ${i.writeReq} write requests, ${Math.round(i.pointsWrittenOK / Math.max(1, i.writeReq))} points and ${(i.writeReqBytes / Math.max(1, i.writeReq) / 1024).toFixed(1)} KiB each (${(i.writeReqBytes / 1048576).toFixed(1)} MiB), ${i.writeReqDurationS.toFixed(2)} s of request time summed`,
  );
  if (ours) {
    const s = p.steps;
    const ms = (x) => `${Math.round(x)} ms`;
    out.push(
      `      ours: line building ${ms(s.build.ms)} CPU for ${s.build.calls} messages; spool ${s.spoolWrite.calls} writes ${ms(s.spoolWrite.ms)} (O_DSYNC: durable when they return), ${s.fsync.calls} separate fsyncs ${ms(s.fsync.ms)} (latency, off the event loop)`,
    );
    out.push(
      `      ours: ${s.request.calls} requests of ${Math.round(s.request.lines / Math.max(1, s.request.calls))} points, ${ms(s.request.ms / Math.max(1, s.request.calls))} each; gzip ${s.gzip.calls} bodies ${ms(s.gzip.ms)} latency` +
        (s.gzip.calls
          ? `, ${(s.gzip.bytesIn / 1048576).toFixed(1)} → ${(s.gzip.bytesOut / 1048576).toFixed(1)} MiB`
          : ""),
    );
  }
  return out.join("\n");
}

function printTrace(t0) {
  for (const [a, b, n] of trace.splice(0))
    console.log(`      request ${(a - t0).toFixed(0)}–${(b - t0).toFixed(0)} ms, ${n} points`);
}

module.exports = { install, begin, describe, printTrace };

"use strict";
// 100 full redeploys of a flow with every node type against the simulators and a real influxd
// (fixtures/redeploy-run.js, in a process of its own so the figures are its own): handles, fds and memory
// back to the first deploy's level, every service node working after the last deploy, and once the
// service nodes are removed no simulator is called again.
const path = require("node:path");
const { execFile } = require("node:child_process");
require("should");
const { major } = require("../helpers/node-red");
const { requireInfluxd } = require("../../devtools/influxdb/harness");

const RUNNER = path.join(__dirname, "fixtures", "redeploy-run.js");
const TYPES = [
  "energy-cost",
  "energylive-reader",
  "flume-config",
  "flume-flow",
  "meter-influxdb",
  "meter-influxdb-query",
  "meter-influxdb-write",
  "meter-interpolate",
  "price-plan",
  "tibber-live",
  "tibber-prices",
  "voicemonkey-announce",
];

function run() {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--expose-gc", RUNNER],
      { env: { ...process.env, REDEPLOYS: "100" }, timeout: 110_000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`the redeploy run failed: ${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split("\n").pop()));
      },
    );
  });
}

describe(`runtime: 100 full redeploys of every node type (Node-RED ${major})`, function () {
  this.timeout(120_000);
  let result;
  before(async function () {
    requireInfluxd(this);
    result = await run();
    if (process.env.REDEPLOY_REPORT) console.log(`      ${JSON.stringify(result)}`);
  });

  it("deploys all 12 node types against the simulators and InfluxDB, and each service node works after the last deploy", function () {
    result.redeploys.should.equal(100);
    result.types.filter((t) => t !== "tab").should.eql(TYPES);
    const { first, last } = result;
    // the last deploy's nodes are live
    // flume-flow keeps its next poll time across a redeploy: the deploys cost Flume no call
    last.calls.flume.should.be.belowOrEqual(first.calls.flume + 2);
    last.calls.energylive.should.be.above(first.calls.energylive + 50);
    // tibber-live keeps its home and socket address, tibber-prices its prices: a redeploy asks Tibber nothing
    last.calls.tibber.should.equal(first.calls.tibber);
    last.calls.tibberOpenSockets.should.equal(1);
    last.calls.tibberMeasurements.should.be.above(first.calls.tibberMeasurements);
  });

  it("leaves handles, sockets, timers, fds and memory at the first deploy's level", function () {
    const { first, last } = result;
    const at = (s, type) => s.handles[type] || 0;
    // the same flow runs in both: a socket or timer more than a keep-alive's worth is a leak
    at(last, "TCPSocketWrap").should.be.belowOrEqual(at(first, "TCPSocketWrap") + 2);
    at(last, "TCPServerWrap").should.equal(at(first, "TCPServerWrap"));
    at(last, "Timeout").should.be.belowOrEqual(at(first, "Timeout") + 2);
    last.fds.should.be.belowOrEqual(first.fds + 2);
    // socket fds also count idle pooled keep-alive sockets, which handles do not
    last.fdKinds.socket.should.be.belowOrEqual(first.fdKinds.socket + 2);
    // The heap after a full GC is what the nodes keep: back to the first deploy's level. RSS also holds the
    // allocator's pages and compiled code: it grows while the process warms up (Node 20: ~16 MB, Node 22:
    // ~28 MB over the first 50 deploys), then stays flat; a leak grows it in the second half too.
    const { middle } = result;
    last.heapMb.should.be.below(first.heapMb + 6);
    last.heapMb.should.be.below(middle.heapMb + 2);
    last.rssMb.should.be.below(middle.rssMb + 10);
    last.rssMb.should.be.below(first.rssMb + 40);
  });

  it("calls no service again once its nodes are removed, and closes their sockets and timers", function () {
    const { first, removedAt, removed } = result;
    removed.calls.should.eql(removedAt);
    removed.calls.tibberOpenSockets.should.equal(0);
    (removed.handles.TCPSocketWrap || 0).should.be.below(first.handles.TCPSocketWrap);
    (removed.handles.Timeout || 0).should.be.below(first.handles.Timeout);
    removed.fds.should.be.belowOrEqual(first.fds);
    (removed.fdKinds.socket || 0).should.be.belowOrEqual(first.fdKinds.socket);
  });
});

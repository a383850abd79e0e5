"use strict";
// A bad time range in msg.payload.usage is the sender's mistake: it must come back at once as an error that
// names the field, through the funnel (red status, Catch), never as a raw RangeError, a silently empty
// answer or a call that Flume refuses with a message about its own format.
const path = require("node:path");
const { helper, major, nodeModules, nextMessage } = require("../helpers/node-red");
const { FlumeSimulator } = require("../../build/devtools/simulators/flume");

const CREDS = { clientId: "cid-range", clientSecret: "csecret-range", username: "range@example.com", password: "pw-r" };
const runtimeDir = path.dirname(require.resolve(major === "5" ? "node-red-5/package.json" : "node-red/package.json"));
const catchNode = require(require.resolve("@node-red/nodes/core/common/25-catch.js", { paths: [runtimeDir] }));

const flow = (sim) => [
  { id: "tab1", type: "tab", label: "test" },
  { id: "acct", type: "flume-config", name: "home", baseUrl: sim.url, budget: 100 },
  { id: "ff", type: "flume-flow", z: "tab1", flume: "acct", interval: 0, useFlumeAlerts: false, wires: [["out1"], []] },
  { id: "out1", type: "helper", z: "tab1" },
  { id: "catcher", type: "catch", z: "tab1", scope: null, uncaught: false, wires: [["caught"]] },
  { id: "caught", type: "helper", z: "tab1" },
];

describe("flume-flow usage query with a bad time range", function () {
  let sim;
  beforeEach(async function () {
    sim = new FlumeSimulator({ account: CREDS });
    sim.clock.freeze(Date.UTC(2026, 5, 10, 19, 0));
    await sim.start();
    await helper.load([...nodeModules("flume-config", "flume-flow"), catchNode], flow(sim), { acct: CREDS });
  });
  afterEach(async function () {
    await helper.unload();
    await sim.stop();
  });

  const cases = [
    // Wall-clock texts that are no time: month 13, February 30, hour 25, second 60.
    [{ since: "2026-13-01 00:00" }, /^msg\.payload\.usage\.since "2026-13-01 00:00" is not a time/],
    [{ since: "2026-02-30 10:00" }, /^msg\.payload\.usage\.since "2026-02-30 10:00" is not a time/],
    [{ since: "2026-06-01 25:00" }, /^msg\.payload\.usage\.since "2026-06-01 25:00" is not a time/],
    [{ until: "2026-06-01 10:00:60" }, /^msg\.payload\.usage\.until "2026-06-01 10:00:60" is not a time/],
    [{ since: "0000-00-00 00:00" }, /^msg\.payload\.usage\.since "0000-00-00 00:00" is not a time/],
    // Years no meter has seen (0.1.0: RangeError: Invalid time value for the numbers).
    [
      { since: "9999-12-31 23:59" },
      /^msg\.payload\.usage\.since "9999-12-31 23:59" is the local time 9999-12-31T23:59:00 in America\/Los_Angeles, outside 1900–2199/,
    ],
    [{ since: 1e15 }, /^msg\.payload\.usage\.since 1000000000000000 looks like microseconds/],
    [{ until: 8.64e15 + 1 }, /^msg\.payload\.usage\.until 8640000000000001 looks like nanoseconds/],
    // A range that ends before it starts, or is longer than Flume answers (one year, reference A5).
    [{ since: "2026-06-02 00:00", until: "2026-06-01 00:00" }, /^msg\.payload\.usage\.until .* is before since/],
    [{ since: "2024-01-01T00:00:00Z", until: "2026-01-01T00:00:00Z" }, /at most one year.*split/],
    [{ since: "2025-01-01 00:00" }, /^msg\.payload\.usage\.until \(now\) is more than a year after since/],
  ];

  for (const [usage, expected] of cases) {
    it(`refuses ${JSON.stringify(usage)} with a clear error, without asking Flume`, async function () {
      const caught = nextMessage(helper.getNode("caught"));
      helper.getNode("ff").receive({ payload: { usage } });
      const msg = await caught;
      msg.error.message.should.not.match(/RangeError|Invalid time value/);
      // Catch nodes see the class name in front of the text.
      msg.error.message.replace(/^[A-Za-z]+Error: /, "").should.match(expected);
      sim.count(/\/query$/).should.equal(0);
      const status = helper.getNode("ff").status.lastCall.args[0];
      status.fill.should.equal("red");
      status.text.should.match(/^msg\.payload\.usage\.(since|until)/);
    });
  }
});

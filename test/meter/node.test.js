// The meter-interpolate node in Node-RED (4 or 5, see test/helpers/node-red.js): batch and live modes,
// the InfluxDB points output, errors through done(err), and live = batch through the node.
"use strict";
require("should");
const { helper, nodeModules, collect, waitFor } = require("../helpers/node-red");
const { meterReadings } = require("./random");

const [meterNode] = nodeModules("meter-interpolate");

function flow(props = {}) {
  return [
    { id: "n1", type: "meter-interpolate", name: "mi", wires: [["out1"], ["out2"]], ...props },
    { id: "out1", type: "helper" },
    { id: "out2", type: "helper" },
  ];
}

async function load(props) {
  await helper.load(meterNode, flow(props));
  const n1 = helper.getNode("n1");
  return { n1, out1: collect(helper.getNode("out1")), out2: collect(helper.getNode("out2")) };
}

/** Resolves with the error the node reports through done(err) (node.error with the message). */
function nextError(node) {
  return new Promise((resolve) => node.on("call:error", (call) => resolve(call)));
}

/** One instant as epoch seconds, as epoch ms, and as a local time without an offset. */
const SAME = { seconds: 1709251200, ms: 1709251200000, local: "2024-03-01T00:00:00", instant: Date.UTC(2024, 2, 1) };

const DAY = [
  ["2024-03-01T06:00:00Z", 1000],
  ["2024-03-02T18:00:00Z", 1036],
  ["2024-03-04T00:00:00Z", 1066],
];

describe("meter-interpolate node", function () {
  before(function (done) {
    helper.startServer(done);
  });
  after(function (done) {
    helper.stopServer(done);
  });
  afterEach(() => helper.unload());

  it("loads with the spec's default configuration", async function () {
    const { n1 } = await load();
    n1.should.have.property("name", "mi");
  });

  it("batch, one meter: output 1 carries the §2.6 object with the spec's T03 numbers", async function () {
    const { n1, out1, out2 } = await load({ intervals: ["day"], timezone: "UTC" });
    n1.receive({ topic: "water", payload: DAY, keep: "me" });
    await waitFor(() => out1.length === 1, 5000, "output 1");
    const msg = out1[0];
    msg.keep.should.equal("me");
    msg.payload.timezone.should.equal("UTC");
    const day = msg.payload.meters.water.day;
    day.readings.should.eql([
      { t: "2024-03-02T00:00:00Z", v: 1018, q: "interpolated" },
      { t: "2024-03-03T00:00:00Z", v: 1042, q: "interpolated" },
      { t: "2024-03-04T00:00:00Z", v: 1066, q: "exact" },
    ]);
    day.consumption
      .map((c) => [c.t, c.end, c.v])
      .should.eql([
        ["2024-03-02T00:00:00Z", "2024-03-03T00:00:00Z", 24],
        ["2024-03-03T00:00:00Z", "2024-03-04T00:00:00Z", 24],
      ]);
    msg.payload.meters.water.stats.should.containEql({ raw: 3, dropped: 0 });
    out2.length.should.equal(0);
  });

  it("points output: per meter, at most 5,000 points a message, every point counted once", async function () {
    const start = Date.parse("2024-01-01T00:00:00Z");
    const meters = ["a", "b"].map((id, k) => ({
      id,
      readings: Array.from({ length: 24 * 150 + 1 }, (_, i) => [start + i * 3600e3, k * 100 + i * 0.5]),
    }));
    const { n1, out1, out2 } = await load({ intervals: ["hour", "day"], output: "points", anomalyMethod: "none" });
    n1.receive({ payload: { meters } });
    await waitFor(() => n1.status.called && n1.status.lastCall.args[0].fill === "green", 5000, "ok status");
    out1.length.should.equal(0);
    out2.forEach((m) => m.payload.length.should.be.belowOrEqual(5000));
    out2.map((m) => m.topic).should.eql(["a", "a", "b", "b"]);
    for (const id of ["a", "b"]) {
      const points = out2.filter((m) => m.topic === id).flatMap((m) => m.payload);
      const count = (measurement) => points.filter((p) => p.measurement === measurement).length;
      // 3601 hourly boundaries → 3600 hours; 151 daily boundaries → 150 days: 7502 points, two messages.
      count("meter_interpolated_hourly").should.equal(3601);
      count("meter_interpolated_daily").should.equal(151);
      count("meter_consumption").should.equal(3750);
      out2
        .filter((m) => m.topic === id)
        .map((m) => m.payload.length)
        .should.eql([5000, 2502]);
      points.forEach((p) => p.tags.meter_id.should.equal(id));
      const day = points.find((p) => p.measurement === "meter_consumption" && p.tags.interval === "daily");
      day.should.eql({
        measurement: "meter_consumption",
        tags: { meter_id: id, interval: "daily" },
        fields: { consumption: 12 },
        timestamp: start,
      });
      const hourly = points.find(
        (p) => p.measurement === "meter_interpolated_hourly" && p.timestamp === start + 5 * 3600e3,
      );
      hourly.fields.value.should.equal(id === "a" ? 2.5 : 102.5);
    }
    n1.status.lastCall.args[0].text.should.match(/^ok · 2 meters · \d\d:\d\d$/);
  });

  it("batch messages come out in the order they came in, each with one done, though a large one yields", async function () {
    const start = Date.parse("2024-01-01T00:00:00Z");
    const readings = (days) => meterReadings(7, { start, days, resets: false, glitches: false });
    const { n1, out1 } = await load({ intervals: ["hour", "day"], anomalyMethod: "none" });
    const done = [];
    const realComplete = n1._complete;
    n1._complete = function (msg, err) {
      done.push(msg.tag);
      return realComplete.call(this, msg, err);
    };
    // The first takes many event-loop slices (three meters of a year); the second, one small meter, would
    // finish first if the two ran side by side.
    const big = { tag: "big", payload: { meters: ["a", "b", "c"].map((id) => ({ id, readings: readings(365) })) } };
    n1.receive(big);
    n1.receive({ tag: "small", topic: "d", payload: readings(2) });
    n1.receive({ tag: "live", topic: "d", payload: 5, timestamp: start });
    // Node-RED delivers a sent message on a later tick than the done() that follows it: wait for both
    const tags = () => out1.map((m) => m.tag);
    await waitFor(
      () => done.length === 3 && tags().filter((t) => t !== "live").length === 2 && tags().includes("live"),
      10000,
      "three answers, then the batch results and a live one",
    );
    done.should.eql(["big", "small", "live"]);
    out1
      .map((m) => m.tag)
      .filter((tag) => tag !== "live")
      .should.eql(["big", "small"]);
    out1.findIndex((m) => m.tag === "live").should.be.above(1);
  });

  it("anomalies reach output 2 as meter_anomaly points with score, and severity as a tag", async function () {
    const start = Date.parse("2024-01-01T00:00:00Z");
    const c = Array.from({ length: 70 }, (_, i) => 10 + (i % 7) * 0.5);
    c[40] = 40;
    let total = 0;
    const readings = [[start, 0], ...c.map((x, i) => [start + (i + 1) * 86400e3, (total += x)])];
    const { n1, out1, out2 } = await load({ intervals: ["day"], output: "both", anomalyMethod: "vote" });
    n1.receive({ topic: "gas", payload: readings });
    await waitFor(() => out1.length === 1, 5000, "output 1");
    const anomalies = out2.flatMap((m) => m.payload).filter((p) => p.measurement === "meter_anomaly");
    anomalies.length.should.equal(1);
    anomalies[0].timestamp.should.equal(start + 40 * 86400e3);
    anomalies[0].fields.consumption.should.equal(40);
    anomalies[0].tags.should.eql({ meter_id: "gas", interval: "daily", severity: "warning" });
    anomalies[0].fields.score.should.be.above(3);
    out1[0].payload.meters.gas.day.anomalies[0].votes.should.equal(3);
  });

  it("a meter with times in microseconds fails through done(err), naming the meter and the reading; others still arrive", async function () {
    const { n1, out1 } = await load({ intervals: ["day"] });
    const error = nextError(n1);
    n1.receive({
      payload: {
        meters: [
          { id: "good", readings: DAY },
          {
            id: "bad",
            readings: [
              [1709251200000000, 5],
              [1709337600000000, 6],
            ],
          },
        ],
      },
    });
    const call = await error;
    String(call.args[0])
      .should.match(/meter "bad"/)
      .and.match(/\[1709251200000000,5\]/)
      .and.match(/looks like microseconds/);
    await waitFor(() => out1.length === 1, 5000, "output 1");
    Object.keys(out1[0].payload.meters).should.eql(["good"]);
    n1.status.lastCall.args[0].should.containEql({ fill: "red", shape: "ring" });
  });

  it("reads epoch seconds and epoch ms as the same instant, and rejects a time without an offset", async function () {
    // The same values as test/influxdb/write-node.test.js sends to meter-influxdb-write.
    const { n1, out1 } = await load({ intervals: ["day"], timezone: "UTC" });
    const error = nextError(n1);
    n1.receive({
      payload: {
        meters: [
          {
            id: "s",
            readings: [
              [SAME.seconds, 10],
              [SAME.seconds + 86_400, 20],
            ],
          },
          {
            id: "ms",
            readings: [
              [SAME.ms, 10],
              [SAME.ms + 86_400_000, 20],
            ],
          },
          {
            id: "local",
            readings: [
              [SAME.local, 10],
              ["2024-03-02T00:00:00Z", 20],
            ],
          },
        ],
      },
    });
    String((await error).args[0])
      .should.match(/meter "local"/)
      .and.match(/"2024-03-01T00:00:00" has no offset/)
      .and.match(/add "Z"/);
    await waitFor(() => out1.length === 1, 5000, "output 1");
    const { meters } = out1[0].payload;
    Object.keys(meters).should.eql(["s", "ms"]);
    const expected = [
      { t: "2024-03-01T00:00:00Z", v: 10, q: "exact" },
      { t: "2024-03-02T00:00:00Z", v: 20, q: "exact" },
    ];
    meters.s.day.readings.should.eql(expected);
    meters.ms.day.readings.should.eql(expected);
    new Date(SAME.instant).toISOString().should.equal("2024-03-01T00:00:00.000Z");
  });

  it("live readings take msg.timestamp in seconds or ms alike, and reject one without an offset", async function () {
    const { n1, out1 } = await load({ intervals: ["day"] });
    n1.receive({ topic: "a", payload: 10, timestamp: SAME.seconds + 43_200 });
    n1.receive({ topic: "a", payload: 20, timestamp: SAME.ms + 129_600_000 });
    await waitFor(() => out1.length >= 1, 5000, "boundary");
    out1[0].payload.meters.a.day.readings.should.eql([{ t: "2024-03-02T00:00:00Z", v: 15, q: "interpolated" }]);
    const error = nextError(n1);
    n1.receive({ topic: "a", payload: 30, timestamp: SAME.local });
    String((await error).args[0])
      .should.match(/meter "a"/)
      .and.match(/"2024-03-01T00:00:00" has no offset/);
  });

  it("a payload of an unknown shape is an error that says which shapes are accepted", async function () {
    const { n1, out1 } = await load();
    const error = nextError(n1);
    n1.receive({ payload: { hello: "world" } });
    String((await error).args[0]).should.match(/msg\.payload must be/);
    out1.length.should.equal(0);
  });

  it("an invalid configuration reports on every message", async function () {
    const { n1 } = await load({ timezone: "Nowhere/Special", maxGap: "7d" });
    const error = nextError(n1);
    n1.receive({ topic: "x", payload: DAY });
    String((await error).args[0]).should.match(/timezone "Nowhere\/Special"/);
  });

  it("mixing units without a factor is an error naming the meter", async function () {
    const meters = JSON.stringify([
      { id: "gas", unit: "m³" },
      { id: "heat", unit: "kWh" },
      {
        id: "both",
        type: "master",
        unit: "kWh",
        periods: [{ start: "2024-01-01T00:00:00Z", sources: ["gas", "heat"], combine: "sum" }],
      },
    ]);
    const { n1 } = await load({ meters, intervals: ["day"] });
    const error = nextError(n1);
    n1.receive({
      payload: {
        meters: [
          { id: "gas", readings: DAY },
          { id: "heat", readings: DAY },
        ],
      },
    });
    String((await error).args[0])
      .should.match(/meter "both"/)
      .and.match(/mixes units/);
  });

  it("range typed inputs are evaluated per message", async function () {
    const { n1, out1 } = await load({
      intervals: ["day"],
      extrapolate: "hold",
      rangeStart: "range.from",
      rangeStartType: "msg",
      rangeEnd: "2024-03-05T00:00:00Z",
      rangeEndType: "str",
    });
    n1.receive({ topic: "w", payload: DAY, range: { from: "2024-03-01T00:00:00Z" } });
    await waitFor(() => out1.length === 1, 5000, "output 1");
    out1[0].payload.meters.w.day.readings
      .map((r) => [r.t, r.v, r.q])
      .should.eql([
        ["2024-03-01T00:00:00Z", 1000, "extrapolated"],
        ["2024-03-02T00:00:00Z", 1018, "interpolated"],
        ["2024-03-03T00:00:00Z", 1042, "interpolated"],
        ["2024-03-04T00:00:00Z", 1066, "exact"],
        ["2024-03-05T00:00:00Z", 1066, "extrapolated"],
      ]);
  });

  it("live mode equals batch mode on the same readings, and keeps its state in node context", async function () {
    const readings = meterReadings(7, { start: Date.parse("2024-03-20T00:00:00Z"), days: 30 });
    const props = { intervals: ["hour", "day"], timezone: "Europe/Berlin", output: "both", anomalyMethod: "none" };
    const { n1, out1, out2 } = await load(props);
    n1.receive({ topic: "power", payload: readings });
    await waitFor(() => out1.length === 1, 5000, "batch output");
    const batch = out1[0].payload.meters.power;
    const batchPoints = out2.flatMap((m) => m.payload);
    out1.length = 0;
    out2.length = 0;

    for (const [t, v] of readings) n1.receive({ topic: "power", payload: v, timestamp: new Date(t).toISOString() });
    await waitFor(
      () =>
        n1.status.callCount > 0 &&
        /^ok · power /.test(n1.status.lastCall.args[0].text) &&
        out1.length >= batch.hour.readings.length + batch.day.readings.length,
      10000,
      "live output",
    );
    for (const unit of ["hour", "day"]) {
      const live = out1.map((m) => m.payload.meters.power[unit]).filter(Boolean);
      live.flatMap((x) => x.readings).should.eql(batch[unit].readings, `${unit} readings`);
      live.flatMap((x) => x.consumption).should.eql(batch[unit].consumption, `${unit} consumption`);
    }
    const sortKey = (p) => `${p.measurement}|${p.tags.interval || ""}|${p.timestamp}`;
    out2
      .flatMap((m) => m.payload)
      .map(sortKey)
      .sort()
      .should.eql(batchPoints.map(sortKey).sort());
    const state = n1.context().get("meterInterpolate_power");
    state.raw.should.equal(readings.length);
    state.t.should.equal(readings[readings.length - 1][0]);
  });

  it("live mode continues from stored state after a redeploy", async function () {
    const start = Date.parse("2024-01-01T00:00:00Z");
    const { n1, out1 } = await load({ intervals: ["day"] });
    n1.receive({ topic: "m", payload: 10, timestamp: start + 12 * 3600e3 });
    await waitFor(() => n1.status.callCount > 0, 5000, "first reading");
    const stored = n1.context().get("meterInterpolate_m");
    await helper.unload();
    const again = await load({ intervals: ["day"] });
    again.n1.context().set("meterInterpolate_m", stored);
    again.n1.receive({ topic: "m", payload: 34, timestamp: start + 36 * 3600e3 });
    await waitFor(() => again.out1.length === 1, 5000, "boundary after restart");
    again.out1[0].payload.meters.m.day.readings.should.eql([{ t: "2024-01-02T00:00:00Z", v: 22, q: "interpolated" }]);
    out1.length.should.equal(0);
  });

  it("live readings in microseconds are an error naming the meter and the reading", async function () {
    const { n1 } = await load();
    const error = nextError(n1);
    n1.receive({ topic: "gas", payload: 12.5, timestamp: 1709251200000000 });
    String((await error).args[0])
      .should.match(/meter "gas"/)
      .and.match(/1709251200000000/)
      .and.match(/looks like microseconds/);
  });

  it("live mode emits consumption with the reset flag when the counter restarts", async function () {
    const start = Date.parse("2024-01-01T00:00:00Z");
    const { n1, out1 } = await load({ intervals: ["hour"] });
    const values = [500, 510, 2, 12];
    values.forEach((v, i) => n1.receive({ topic: "m", payload: v, timestamp: start + i * 3600e3 }));
    await waitFor(() => out1.length === 4, 5000, "four boundaries");
    const consumption = out1.flatMap((m) => m.payload.meters.m.hour.consumption);
    consumption
      .map((c) => [c.v, c.reset === true])
      .should.eql([
        [10, false],
        [2, true],
        [10, false],
      ]);
  });
});

describe("example: Daily meter analytics", function () {
  const fs = require("node:fs");
  const path = require("node:path");
  const file = path.join(__dirname, "..", "..", "examples", "Daily meter analytics.json");
  const example = JSON.parse(fs.readFileSync(file, "utf8"));

  // The loop itself runs end to end against InfluxDB in test/influxdb/daily-analytics.test.js.
  it("opens with a comment and wires injects → meter-influxdb-query → meter-interpolate → meter-influxdb-write", function () {
    example[0].type.should.equal("comment");
    const byId = Object.fromEntries(example.map((n) => [n.id, n]));
    const injects = example.filter((n) => n.type === "inject");
    injects
      .map((n) => n.props)
      .should.eql([[{ p: "start", v: "-3d", vt: "str" }], [{ p: "start", v: "-1830d", vt: "str" }]]);
    const query = byId[injects[0].wires[0][0]];
    query.type.should.equal("meter-influxdb-query");
    injects[1].wires[0][0].should.equal(query.id);
    query.should.containEql({ start: "start", startType: "msg", output: "meter", readings: "columns" });
    const mi = byId[query.wires[0][0]];
    mi.type.should.equal("meter-interpolate");
    mi.should.containEql({ incremental: true, extrapolate: "none", output: "points" });
    const writer = byId[mi.wires[1][0]];
    writer.type.should.equal("meter-influxdb-write");
    writer.server.should.equal(query.server);
    byId[writer.server].should.containEql({
      type: "meter-influxdb",
      url: "${INFLUX_URL}",
      org: "${INFLUX_ORG}",
      bucket: "${INFLUX_BUCKET}",
    });
  });
});

describe("meter-interpolate node: live details", function () {
  before(function (done) {
    helper.startServer(done);
  });
  after(function (done) {
    helper.stopServer(done);
  });
  afterEach(() => helper.unload());

  it("keeps the input message's other properties on each boundary message", async function () {
    const start = Date.parse("2024-01-01T00:00:00Z");
    const { n1, out1 } = await load({ intervals: ["hour"] });
    n1.receive({ topic: "m", payload: 1, timestamp: start + 30 * 60e3, site: "garage" });
    n1.receive({ topic: "m", payload: 4, timestamp: start + 150 * 60e3, site: "garage" });
    await waitFor(() => out1.length === 2, 5000, "two boundaries");
    out1.map((m) => m.site).should.eql(["garage", "garage"]);
    // 1 at 00:30 and 4 at 02:30: 1.5 per hour.
    out1.map((m) => m.payload.meters.m.hour.readings[0].v).should.eql([1.75, 3.25]);
    out1[1].payload.meters.m.hour.consumption[0].v.should.equal(1.5);
  });

  it("starts afresh when the stored state is not one it understands", async function () {
    const start = Date.parse("2024-01-01T00:00:00Z");
    const { n1, out1 } = await load({ intervals: ["hour"] });
    n1.context().set("meterInterpolate_m", { version: 99, t: "yesterday" });
    n1.receive({ topic: "m", payload: 7, timestamp: start });
    await waitFor(() => out1.length === 1, 5000, "first boundary");
    out1[0].payload.meters.m.hour.readings.should.eql([{ t: "2024-01-01T00:00:00Z", v: 7, q: "exact" }]);
    n1.context().get("meterInterpolate_m").should.containEql({ version: 1, t: start, C: 7, raw: 1 });
  });
});

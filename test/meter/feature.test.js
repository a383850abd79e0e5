// The meter-interpolate node's feature objects without Node-RED: settings, the batch runner (slices,
// outputs, errors, close) and the live store (state keys, stored states, skipped readings).
"use strict";
require("should");
const { parseMeterSettings } = require("../../dist/features/meter/meter-settings");
const { runBatch } = require("../../dist/features/meter/batch-runner");
const { LiveStore, stateKey } = require("../../dist/features/meter/live-store");

const DAY = [
  ["2024-03-01T06:00:00Z", 1000],
  ["2024-03-02T18:00:00Z", 1036],
  ["2024-03-04T00:00:00Z", 1066],
];
const NOW = Date.parse("2024-06-01T12:00:00Z");

function host(overrides = {}) {
  const sent = [];
  const warnings = [];
  return {
    sent,
    warnings,
    signal: new AbortController().signal,
    now: () => NOW,
    warn: (text) => warnings.push(text),
    evaluate: async (typed) => typed.value,
    send: (ports) => sent.push(ports),
    ...overrides,
  };
}

function memoryStore() {
  const map = new Map();
  return { map, get: (k) => map.get(k), set: (k, v) => map.set(k, v) };
}

describe("meter-interpolate settings", function () {
  it("a bad property is a ValidationError naming it, with a short status text", function () {
    let err;
    try {
      parseMeterSettings({ timezone: "Nowhere/Special" });
    } catch (e) {
      err = e;
    }
    err.name.should.equal("ValidationError");
    err.message.should.match(/^meter-interpolate configuration: .*timezone "Nowhere\/Special"/);
    err.statusText.should.equal("configuration error");
  });

  it("reads the output mode and leaves blank range inputs automatic", function () {
    const s = parseMeterSettings({
      output: "both",
      rangeStart: "",
      rangeStartType: "str",
      rangeEnd: "x",
      rangeEndType: "msg",
    });
    s.mode.should.eql({ object: true, points: true });
    (s.rangeStart === undefined).should.be.true();
    s.rangeEnd.should.eql({ value: "x", type: "msg" });
  });
});

describe("meter-interpolate batch runner", function () {
  it("puts the §2.6 object on output 1 of the same message and returns the status summary", async function () {
    const settings = parseMeterSettings({ intervals: ["day"], timezone: "UTC" });
    const h = host();
    const msg = { topic: "water", payload: DAY, keep: "me" };
    (await runBatch(msg, settings, h)).should.equal("1 meter");
    h.sent.length.should.equal(1);
    h.sent[0][0].should.equal(msg);
    (h.sent[0][1] === null).should.be.true();
    msg.payload.generatedAt.should.equal(new Date(NOW).toISOString());
    msg.payload.meters.water.day.readings.map((r) => r.v).should.eql([1018, 1042, 1066]);
  });

  it("evaluates the range typed inputs against the message", async function () {
    const settings = parseMeterSettings({
      intervals: ["day"],
      timezone: "UTC",
      extrapolate: "hold",
      rangeStart: "from",
      rangeStartType: "msg",
    });
    const msg = { topic: "w", payload: DAY, from: "2024-03-01T00:00:00Z" };
    await runBatch(msg, settings, host({ evaluate: async (typed, m) => m[typed.value] }));
    msg.payload.meters.w.day.readings[0].should.eql({ t: "2024-03-01T00:00:00Z", v: 1000, q: "extrapolated" });
  });

  it("sends what the good meters produced, then rejects naming the bad one", async function () {
    const settings = parseMeterSettings({ intervals: ["day"], output: "points" });
    const h = host();
    const bad = [
      [1709251200000000, 5],
      [1709337600000000, 6],
    ];
    const msg = {
      payload: {
        meters: [
          { id: "good", readings: DAY },
          { id: "bad", readings: bad },
        ],
      },
    };
    await runBatch(msg, settings, h).should.be.rejectedWith(/meter "bad".*looks like microseconds/);
    h.sent.map((ports) => ports[1].topic).should.eql(["good"]);
  });

  it("wraps an unexpected failure as a ValidationError", async function () {
    const settings = parseMeterSettings({});
    const err = await runBatch({ payload: { hello: "world" } }, settings, host()).then(
      () => undefined,
      (e) => e,
    );
    err.name.should.equal("ValidationError");
    err.message.should.match(/msg\.payload must be/);
  });

  it("ends at the next slice once the signal is aborted, without sending", async function () {
    const settings = parseMeterSettings({ intervals: ["day"], timezone: "UTC" });
    const controller = new AbortController();
    const h = host({ signal: controller.signal });
    const running = runBatch({ topic: "w", payload: DAY }, settings, h);
    controller.abort();
    await running.should.be.rejectedWith({ name: "AbortedError" });
    h.sent.length.should.equal(0);
  });
});

describe("meter-interpolate live store", function () {
  const start = Date.parse("2024-01-01T00:00:00Z");

  it("keeps each meter's state under an escaped key and emits one output per boundary", function () {
    const store = memoryStore();
    const live = new LiveStore(parseMeterSettings({ intervals: ["hour"], output: "both" }), store, () => NOW);
    live.push({ topic: "a.b[0]", payload: 1, timestamp: start + 30 * 60e3 });
    const result = live.push({ topic: "a.b[0]", payload: 4, timestamp: start + 150 * 60e3 });
    stateKey("a.b[0]").should.equal("meterInterpolate_a%2Eb%5B0%5D");
    store.map.get(stateKey("a.b[0]")).should.containEql({ version: 1, raw: 2, C: 4 });
    result.kind.should.equal("applied");
    result.status.should.equal("a.b[0] 4");
    result.outputs.length.should.equal(2);
    result.outputs.map((o) => o.object.meters["a.b[0]"].hour.readings[0].v).should.eql([1.75, 3.25]);
    result.outputs.forEach((o) => o.points.topic.should.equal("a.b[0]"));
  });

  it("continues from a stored state and starts afresh from one it does not understand", function () {
    const settings = parseMeterSettings({ intervals: ["day"] });
    const first = memoryStore();
    new LiveStore(settings, first, () => NOW).push({ topic: "m", payload: 10, timestamp: start + 12 * 3600e3 });
    const again = memoryStore();
    again.set(stateKey("m"), JSON.parse(JSON.stringify(first.get(stateKey("m")))));
    const result = new LiveStore(settings, again, () => NOW).push({
      topic: "m",
      payload: 34,
      timestamp: start + 36 * 3600e3,
    });
    result.outputs[0].object.meters.m.day.readings.should.eql([
      { t: "2024-01-02T00:00:00Z", v: 22, q: "interpolated" },
    ]);

    const junk = memoryStore();
    junk.set(stateKey("m"), { version: 99, t: "yesterday" });
    new LiveStore(settings, junk, () => NOW).push({ topic: "m", payload: 7, timestamp: start });
    junk.get(stateKey("m")).should.containEql({ version: 1, t: start, C: 7, raw: 1 });
  });

  it("skips invalid and out-of-order readings with a warning, and takes now() without a timestamp", function () {
    const store = memoryStore();
    const live = new LiveStore(parseMeterSettings({ intervals: ["hour"] }), store, () => start);
    live.push({ topic: "m", payload: -1 }).should.containEql({ kind: "skipped" });
    live.push({ topic: "m", payload: -1 }).warning.should.match(/not a valid counter value; dropped/);
    store.map.size.should.equal(0);
    live.push({ topic: "m", payload: 5 }).kind.should.equal("applied");
    store.get(stateKey("m")).t.should.equal(start);
    live.push({ topic: "m", payload: 6, timestamp: start - 1 }).warning.should.match(/ignored \(older than/);
    (() => live.push({ payload: 1 })).should.throw(/msg\.topic must name the meter/);
  });
});

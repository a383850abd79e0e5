"use strict";
// energylive-reader's live stream against the energyLIVE simulator's SSE endpoint: each measurement as it
// arrives, and every fault (drop, silent stream, refused stream, refused key, 5xx, 429) with its
// recovery, on short timings. Delays are read from the announced states with the clock seam pinned.
const should = require("should");
const { helper, nodeModules, collect, waitFor } = require("../helpers/node-red");
const { EnergyLiveSimulator } = require("../../build/devtools/simulators/energylive");
const { EnergyLiveStream } = require("../../dist/features/energylive/live-stream");
const { SseParser } = require("../../dist/features/energylive/client/sse");
const { linesFromMessage } = require("../../dist/features/influxdb/domain/points");
const { clock } = require("../../dist/shared/clock");

const [readerModule] = nodeModules("energylive-reader");
const KEY = "stream-key-Hq72mX4pL9sV3nB8";
const UID = "I-10082023-01658401";
const FAST = { baseMs: 20, maxMs: 200, silentMs: 300 };

async function simulator() {
  const sim = new EnergyLiveSimulator();
  sim.sampleMs = 50;
  sim.streams.tickMs = 10;
  sim.addDevice(UID, { fixedLoadW: 500 });
  sim.addApiKey(KEY, [UID]);
  await sim.start();
  return sim;
}

describe("energyLIVE live stream client", function () {
  let sim;
  let stream;
  const realNow = clock.now;
  const realRandom = clock.random;
  beforeEach(async () => (sim = await simulator()));
  afterEach(async function () {
    clock.now = realNow;
    clock.random = realRandom;
    if (stream) stream.stop();
    stream = undefined;
    await sim.stop();
  });

  function open(apiKey = KEY, timings = FAST) {
    const seen = { readings: [], states: [], fallbacks: [] };
    stream = new EnergyLiveStream(
      { apiKey, baseUrl: sim.url, deviceUid: UID, timings },
      {
        reading: (r) => seen.readings.push(r),
        state: (s) => seen.states.push({ ...s, at: clock.now() }),
        fallback: (err) => seen.fallbacks.push(err),
      },
    );
    stream.start();
    return seen;
  }
  const liveRequests = () => sim.count("/measurements/live");

  it("hands on each measurement as it arrives, as a reading in the contract", async function () {
    const seen = open();
    await waitFor(() => seen.readings.length >= 12, 5000, "readings");
    const power = seen.readings.find((r) => "power_import_w" in r.payload);
    power.payload.should.eql({ power_import_w: 500 });
    power.measurement.should.equal("energylive");
    power.tags.should.eql({ device_uid: UID });
    linesFromMessage(power, { now: 1 }).rejected.should.eql([]);
    seen.states
      .map((s) => s.kind)
      .slice(0, 2)
      .should.eql(["connecting", "live"]);
  });

  it("drop: reconnects, and resumes with Last-Event-ID when the server sends ids", async function () {
    sim.streams.sendIds = true;
    const seen = open();
    await waitFor(() => seen.readings.length >= 10, 5000, "readings");
    sim.streams.drop().should.equal(1);
    await waitFor(() => liveRequests() === 2 && sim.streams.count === 1, 5000, "second stream");
    should(sim.streams.resumedFrom[0]).be.undefined();
    sim.streams.resumedFrom[1].should.match(/^\d+$/);
    const n = seen.readings.length;
    await waitFor(() => seen.readings.length > n + 5, 5000, "readings after the drop");
    // no sample twice: the resumed stream starts after the last sample seen
    const stamps = seen.readings.filter((r) => "power_import_w" in r.payload).map((r) => r.timestamp);
    new Set(stamps).size.should.equal(stamps.length);
  });

  it("silent stream: no bytes for silentMs restarts it", async function () {
    const seen = open();
    await waitFor(() => seen.readings.length >= 1, 5000, "readings");
    sim.streams.silent = true;
    await waitFor(() => seen.states.some((s) => /no data for/.test(s.reason || "")), 5000, "watchdog");
    sim.streams.silent = false;
    const n = seen.readings.length;
    await waitFor(() => seen.readings.length > n, 5000, "readings after the silence");
  });

  it("a refused stream (404) falls back to polling, once: no reconnect loop", async function () {
    sim.inject({ kind: "status", status: 404, path: "/measurements/live" });
    const seen = open();
    await waitFor(() => seen.fallbacks.length === 1, 5000, "fallback");
    await new Promise((r) => setTimeout(r, 150));
    liveRequests().should.equal(1);
    seen.fallbacks[0].message.should.match(/refused the live stream \(HTTP 404\); polling \/latest instead/);
  });

  it("a refused key (403) stops the stream with an AuthError after one request", async function () {
    sim.revoked = true;
    open();
    await waitFor(() => stream && liveRequests() === 1, 5000, "request");
    await new Promise((r) => setTimeout(r, 150));
    liveRequests().should.equal(1);
  });

  it("5xx: reconnects with exponential back-off (never sooner than the base), then recovers", async function () {
    clock.random = () => 1;
    clock.now = () => 5_000_000;
    sim.inject({ kind: "status", status: 503, times: 3, path: "/measurements/live" });
    const seen = open();
    await waitFor(() => seen.readings.length >= 1, 5000, "readings after the outage");
    const waits = seen.states.filter((s) => s.kind === "reconnecting");
    waits.map((s) => s.atMs - s.at).should.eql([20, 40, 80]);
    waits[0].reason.should.equal("energyLIVE answered HTTP 503");
    liveRequests().should.equal(4);
  });

  it("many reconnects leave no abort listeners behind (found by the soak)", async function () {
    const { getEventListeners } = require("node:events");
    sim.inject({ kind: "status", status: 503, times: 15, path: "/measurements/live" });
    const seen = open(KEY, { baseMs: 2, maxMs: 4, silentMs: 5000 });
    await waitFor(() => seen.readings.length >= 1, 5000, "readings after 15 refusals");
    stream.reconnects.should.equal(15);
    getEventListeners(stream.controller.signal, "abort").length.should.be.belowOrEqual(1);
  });

  it("429: waits the Retry-After it was given", async function () {
    clock.now = () => 5_000_000;
    sim.inject({ kind: "rate-limit", retryAfterSeconds: 0.2, times: 1, path: "/measurements/live" });
    const seen = open();
    await waitFor(() => seen.states.some((s) => s.kind === "reconnecting"), 5000, "reconnecting");
    const wait = seen.states.find((s) => s.kind === "reconnecting");
    (wait.atMs - wait.at).should.be.aboveOrEqual(200);
  });

  it("a stream that the server ends at once is retried on the back-off, not in a loop", async function () {
    clock.random = () => 1;
    const seen = open(KEY, { baseMs: 40, maxMs: 400, silentMs: 5000 });
    await waitFor(() => seen.readings.length >= 1, 5000, "first readings");
    sim.streams.silent = true; // new streams send nothing …
    for (let i = 0; i < 3; i++) {
      await waitFor(() => sim.streams.count === 1, 5000, "stream open");
      sim.streams.drop(); // … and are cut at once
      await waitFor(() => sim.streams.count === 0, 5000, "stream cut");
    }
    const waits = () => seen.states.filter((s) => s.kind === "reconnecting");
    await waitFor(() => waits().length === 3, 5000, "three reconnects");
    const delays = waits().map((s) => s.atMs - s.at);
    liveRequests().should.be.within(3, 4);
    for (let i = 1; i < delays.length; i++) delays[i].should.be.above(delays[i - 1]);
  });
});

describe("server-sent events parser", function () {
  it("joins data lines, keeps ids, skips comments, splits anywhere and on CRLF", function () {
    const p = new SseParser();
    const text = ': hello\r\nid: 7\r\ndata:{"a":\r\ndata: 1}\r\n\r\nretry: 3000\nevent: x\ndata:2\n\ndata:3\n\n';
    const events = [];
    for (const ch of text) events.push(...p.feed(ch));
    events.should.eql([
      { data: '{"a":\n1}', event: "message", id: "7" },
      { data: "2", event: "x", id: "7" },
      { data: "3", event: "message", id: "7" },
    ]);
    p.retryMs.should.equal(3000);
  });
});

describe("energylive-reader in live stream mode", function () {
  let sim;
  before((done) => {
    helper.settings({ energyliveStream: FAST });
    helper.startServer(done);
  });
  after((done) => {
    helper.settings({});
    helper.stopServer(done);
  });
  beforeEach(async () => (sim = await simulator()));
  afterEach(async () => {
    await helper.unload();
    await sim.stop();
  });

  async function load(props = {}) {
    const flow = [
      {
        id: "r1",
        type: "energylive-reader",
        deviceUid: UID,
        baseUrl: sim.url,
        interval: 0.05,
        onlyNew: true,
        timeout: 1,
        mode: "live",
        wires: [["out"]],
        ...props,
      },
      { id: "out", type: "helper" },
    ];
    await helper.load(readerModule, flow, { r1: { apiKey: KEY } });
    return collect(helper.getNode("out"));
  }

  it("emits each measurement from the stream; close ends it", async function () {
    const messages = await load();
    await waitFor(() => messages.length >= 10, 5000, "messages");
    sim.count("/measurements/latest").should.equal(0);
    sim.streams.count.should.equal(1);
    await helper.unload();
    await waitFor(() => sim.streams.count === 0, 5000, "stream closed");
  });

  it("falls back to polling /latest when the stream is refused", async function () {
    sim.inject({ kind: "status", status: 404, path: "/measurements/live" });
    const messages = await load();
    await waitFor(() => messages.length >= 2, 5000, "polled messages");
    sim.count("/measurements/live").should.equal(1);
    sim.count("/measurements/latest").should.be.aboveOrEqual(2);
    messages[0].payload.should.have.property("power_import_w", 500);
  });
});

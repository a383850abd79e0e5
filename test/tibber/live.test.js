"use strict";
// tibber-live's subscription client against the Tibber simulator's graphql-transport-ws endpoint: every
// fault (drop, silent socket, "too many connections", bad token, restart, stream error) and the recovery,
// on short timings. Nothing here measures wall-clock time: delays are read from the states the client
// announces, with the clock seam's jitter pinned.
const should = require("should");
const { TibberSimulator, DEMO_TOKEN, WINTERFELL, MAIN_STREET } = require("../../build/devtools/simulators/tibber");
const { LiveConnection } = require("../../dist/features/tibber/live/connection");
const { subscribeLive, liveConnectionCount } = require("../../dist/features/tibber/live/registry");
const { LiveThrottle } = require("../../dist/features/tibber/live/throttle");
const { toLiveReading } = require("../../dist/features/tibber/live/measurement");
const { PACKAGE_VERSION } = require("../../dist/shared/http");
const { clock } = require("../../dist/shared/clock");
const { waitFor } = require("../helpers/node-red");

const FAST = {
  baseMs: 20,
  maxMs: 200,
  silentMs: 300,
  keepAliveMs: 100,
  handshakeMs: 2000,
  tooManyBaseMs: 20,
  maxTooMany: 3,
  banMs: 50,
  goingAwayMaxMs: 30,
};

describe("tibber-live subscription client", function () {
  let sim;
  let connection;
  const realRandom = clock.random;
  const realNow = clock.now;

  beforeEach(async function () {
    sim = new TibberSimulator();
    sim.live.intervalMs = 20;
    await sim.start();
  });
  afterEach(async function () {
    clock.random = realRandom;
    clock.now = realNow;
    if (connection) connection.stop();
    connection = undefined;
    await sim.stop();
  });

  /** A connection with a listener that records measurements and states. */
  function open(token = DEMO_TOKEN, homeId = WINTERFELL.id, timings = FAST) {
    const seen = { measurements: [], states: [] };
    connection = new LiveConnection(sim.url, token, homeId, timings);
    connection.add({
      measurement: (m) => seen.measurements.push(m),
      state: (s) => seen.states.push({ ...s, at: clock.now() }),
    });
    return seen;
  }
  const kinds = (seen) => seen.states.map((s) => s.kind);

  it("subscribes with the token in connection_init, the graphql-transport-ws protocol and a User-Agent naming the package", async function () {
    const seen = open();
    await waitFor(() => seen.measurements.length >= 3, 5000, "measurements");
    const socket = sim.live.sockets[0];
    socket.protocol.should.equal("graphql-transport-ws");
    socket.acked.should.be.true();
    socket.userAgent.should.startWith(`meterflow-node-red/${PACKAGE_VERSION}`);
    kinds(seen).should.containEql("live");
    const m = seen.measurements[0];
    m.power.should.be.a.Number();
    m.lastMeterConsumption.should.be.a.Number();
    should(m.currentL3).be.null(); // the phase the meter does not report
  });

  it("drop: reconnects after a cut socket and the data resumes", async function () {
    const seen = open();
    await waitFor(() => seen.measurements.length >= 2, 5000, "first data");
    sim.live.drop().should.equal(1);
    const before = seen.measurements.length;
    await waitFor(() => seen.measurements.length > before + 2, 5000, "data after the drop");
    connection.stats.reconnects.should.equal(1);
    sim.live.sockets.length.should.equal(2);
    kinds(seen).should.containEql("reconnecting");
    seen.states.find((s) => s.kind === "reconnecting").reason.should.match(/socket closed \(1006/);
  });

  it("silent socket: no data for silentMs restarts the socket, and data resumes when the feed does", async function () {
    const seen = open();
    await waitFor(() => seen.measurements.length >= 2, 5000, "first data");
    sim.live.silent = true;
    await waitFor(() => seen.states.some((s) => /no data for/.test(s.reason || "")), 5000, "watchdog");
    sim.live.silent = false;
    const before = seen.measurements.length;
    await waitFor(() => seen.measurements.length > before + 2, 5000, "data after the silence");
    sim.live.sockets[0].closeCode.should.equal(4499); // the client ended the silent socket itself
  });

  it('"too many connections": backs off, then stops after maxTooMany answers in a row and says why', async function () {
    sim.live.maxSocketsPerToken = 0;
    const seen = open();
    await waitFor(() => connection.state.kind === "stopped", 5000, "stopped");
    sim.live.sockets.length.should.equal(FAST.maxTooMany); // three tries, not a loop
    sim.live.sockets.every((s) => s.closeCode === 4429).should.be.true();
    const { error } = connection.state;
    error.statusText.should.equal("stopped: too many connections");
    error.message.should.match(/too many open connections for this token \(Tibber allows 2\)/);
    kinds(seen)
      .filter((k) => k === "reconnecting")
      .length.should.equal(FAST.maxTooMany - 1);
    await new Promise((r) => setTimeout(r, 100));
    sim.live.sockets.length.should.equal(FAST.maxTooMany); // and nothing after the stop
  });

  it("a third socket on one token is refused with 4429 while two are open (Tibber's limit)", async function () {
    const other = [];
    for (const home of [WINTERFELL.id, WINTERFELL.id]) {
      const c = new LiveConnection(sim.url, DEMO_TOKEN, home, FAST);
      c.add({ measurement: () => undefined, state: () => undefined });
      other.push(c);
    }
    await waitFor(() => sim.live.open === 2 && sim.live.sockets.every((s) => s.acked), 5000, "two sockets");
    const seen = open(DEMO_TOKEN, WINTERFELL.id, { ...FAST, maxTooMany: 1 });
    await waitFor(() => connection.state.kind === "stopped", 5000, "stopped");
    seen.measurements.length.should.equal(0);
    sim.live.sockets[2].closeCode.should.equal(4429);
    sim.live.sockets[2].closeReason.should.match(/Too many open connections on this server; count 2/);
    for (const c of other) c.stop();
  });

  it("bad token: 4403 stops at once with an AuthError that says what to do", async function () {
    open("not-a-token");
    await waitFor(() => connection.state.kind === "stopped", 5000, "stopped");
    // The token is refused by the HTTP API before any socket is opened.
    sim.live.sockets.length.should.equal(0);
    connection.state.error.name.should.equal("AuthError");
  });

  it("a token the socket refuses (4403 Invalid token) stops the feed after one try", async function () {
    const seen = open();
    await waitFor(() => seen.measurements.length >= 1, 5000, "first data");
    sim.live.refuseToken = 5;
    sim.live.drop();
    await waitFor(() => connection.state.kind === "stopped", 5000, "stopped");
    connection.state.error.name.should.equal("AuthError");
    connection.state.error.statusText.should.equal("stopped: token refused");
    sim.live.sockets.length.should.equal(2);
    sim.live.sockets[1].closeCode.should.equal(4403);
  });

  it("a token revoked everywhere: the next reconnect stops on Tibber's UNAUTHENTICATED", async function () {
    const seen = open();
    await waitFor(() => seen.measurements.length >= 1, 5000, "first data");
    sim.revoked = true;
    sim.live.drop();
    await waitFor(() => connection.state.kind === "stopped", 5000, "stopped");
    connection.state.error.name.should.equal("AuthError");
    sim.live.sockets.length.should.equal(1);
  });

  it("Tibber restarting (1001 Going away): reconnects within goingAwayMaxMs", async function () {
    const seen = open();
    await waitFor(() => seen.measurements.length >= 1, 5000, "first data");
    sim.live.goAway();
    await waitFor(() => seen.states.some((s) => s.reason === "Tibber restarts"), 5000, "restart seen");
    const before = seen.measurements.length;
    await waitFor(() => seen.measurements.length > before, 5000, "data after the restart");
  });

  it('"unable to start stream": next with errors and complete, then reconnects with growing back-off', async function () {
    clock.random = () => 1; // the jitter at its top: the delay is the ceiling of each step
    clock.now = () => 1_000_000; // one instant, so atMs − announcement time is exactly the delay
    sim.live.streamErrors = 3;
    const seen = open();
    await waitFor(() => seen.measurements.length >= 1, 5000, "data after three refusals");
    const waits = seen.states.filter((s) => s.kind === "reconnecting");
    waits.length.should.equal(3);
    waits[0].reason.should.match(/^Tibber: unable to start stream/);
    // atMs − the time of the announcement is the computed delay: 20, 40, 80 ms with full jitter at 1.
    waits.map((s) => s.atMs - s.at).should.eql([20, 40, 80]);
  });

  it("a home without a real-time meter: the subscription error stops the feed", async function () {
    open(DEMO_TOKEN, MAIN_STREET.id);
    await waitFor(() => connection.state.kind === "stopped", 5000, "stopped");
    connection.state.error.message.should.match(/no real-time meter/);
  });

  it("one socket per token and home, shared by every subscriber; the last one to leave ends it", async function () {
    const a = subscribeLive(sim.url, DEMO_TOKEN, WINTERFELL.id, { measurement() {}, state() {} }, FAST);
    const got = [];
    const b = subscribeLive(sim.url, DEMO_TOKEN, WINTERFELL.id, { measurement: (m) => got.push(m), state() {} }, FAST);
    a.connection.should.equal(b.connection);
    await waitFor(() => got.length >= 2, 5000, "data");
    sim.live.open.should.equal(1);
    a.release();
    await new Promise((r) => setTimeout(r, 50));
    sim.live.open.should.equal(1);
    b.release();
    await waitFor(() => sim.live.open === 0, 5000, "socket closed");
    liveConnectionCount().should.equal(0);
    sim.live.sockets[0].closeCode.should.equal(4499);
  });

  it("tibber-api's own TibberFeed reads the simulator's feed (conformance with an independent client)", async function () {
    const { TibberFeed, TibberQuery } = require("tibber-api");
    const query = new TibberQuery({
      // tibber-api keeps the first User-Agent of the process (a static): the one the conformance test checks.
      apiEndpoint: { apiKey: DEMO_TOKEN, queryUrl: sim.url, userAgent: "meterflow-conformance" },
      homeId: WINTERFELL.id,
      active: true,
      timestamp: true,
      power: true,
      lastMeterConsumption: true,
    });
    const feed = new TibberFeed(query, 5000);
    const data = [];
    feed.on("data", (d) => data.push(d));
    feed.on("error", () => undefined);
    try {
      await feed.connect();
      await waitFor(() => data.length >= 2, 10000, "TibberFeed data");
    } finally {
      feed.close();
    }
    data[0].should.have.properties(["timestamp", "power", "lastMeterConsumption"]);
  });
});

describe("tibber-live throttle and reading", function () {
  const at = (s) => Date.UTC(2026, 0, 1, 10, 0, s);
  const r = (s, power, meter) =>
    toLiveReading("h1", { timestamp: new Date(at(s)).toISOString(), power, lastMeterConsumption: meter });

  it("builds a tibber_live reading: numeric fields, home_id tag, the measurement's own time", function () {
    const reading = toLiveReading("h1", {
      timestamp: "2026-01-01T11:00:02.000+01:00",
      currency: "NOK",
      power: 1200,
      currentL3: null,
      lastMeterConsumption: 29400.7,
    });
    reading.should.eql({
      payload: { power: 1200, lastMeterConsumption: 29400.7 },
      measurement: "tibber_live",
      tags: { home_id: "h1", currency: "NOK" },
      timestamp: at(2),
      topic: "tibber_live/h1",
    });
    should(toLiveReading("h1", { power: 1 })).be.undefined();
  });

  it("drops repeated timestamps", function () {
    const t = new LiveThrottle(0, "last");
    t.push(r(0, 100, 1)).length.should.equal(1);
    t.push(r(0, 100, 1)).length.should.equal(0);
    t.push(r(2, 120, 1.1)).length.should.equal(1);
    t.repeats.should.equal(1);
  });

  it("at most one per window: the last, or the average of levels with counters kept last", function () {
    const last = new LiveThrottle(10_000, "last");
    const avg = new LiveThrottle(10_000, "average");
    const sent = { last: [], avg: [] };
    for (const [s, p, m] of [
      [0, 100, 1],
      [2, 200, 2],
      [4, 300, 3],
      [10, 50, 4],
      [12, 70, 5],
      [20, 1, 6],
    ]) {
      sent.last.push(...last.push(r(s, p, m)));
      sent.avg.push(...avg.push(r(s, p, m)));
    }
    sent.last.map((x) => x.payload.power).should.eql([300, 70]);
    sent.avg
      .map((x) => x.payload)
      .should.eql([
        { power: 200, lastMeterConsumption: 3 },
        { power: 60, lastMeterConsumption: 5 },
      ]);
    sent.avg.map((x) => x.timestamp).should.eql([at(4), at(12)]);
    avg
      .flush()
      .map((x) => x.payload.power)
      .should.eql([1]);
  });
});

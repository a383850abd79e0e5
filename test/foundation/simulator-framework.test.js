"use strict";
const { SimulatorServer } = require("../../build/devtools/simulators/server");
const { RollingWindow } = require("../../build/devtools/simulators/rate-window");
const { HttpTransport } = require("../../dist/shared/http");
const { TimeoutError, ApiError } = require("../../dist/shared/errors");

// A two-route service, enough to exercise what every simulator inherits.
class EchoSimulator extends SimulatorServer {
  constructor() {
    super();
    this.name = "echo";
    this.route("GET", "/things/:id", (req) => ({
      status: 200,
      body: { id: req.params.id, q: req.query.get("q"), now: this.clock.now() },
    }));
    this.route("POST", "/things", (req) => ({ status: 201, body: { got: req.body } }));
  }
}

describe("simulator framework", function () {
  let sim;
  let http;
  beforeEach(async function () {
    sim = new EchoSimulator();
    const url = await sim.start();
    http = new HttpTransport("Echo", { baseUrl: url, timeoutMs: 400 });
  });
  afterEach(async function () {
    await sim.stop();
  });

  it("listens on a random loopback port and reports its URL", function () {
    sim.url.should.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    Number(sim.url.split(":")[2]).should.be.above(0);
  });

  it("routes with path parameters, query and JSON bodies", async function () {
    const a = await http.request({ method: "GET", url: "/things/42?q=x" });
    a.status.should.equal(200);
    http.json(a).should.containDeep({ id: "42", q: "x" });
    const b = await http.request({ method: "POST", url: "/things", data: { n: 7 } });
    b.status.should.equal(201);
    http.json(b).should.eql({ got: { n: 7 } });
    const c = await http.request({ method: "GET", url: "/nothing" });
    c.status.should.equal(404);
    const d = await http.request({ method: "DELETE", url: "/things/1" });
    d.status.should.equal(405);
  });

  it("counts requests per path so tests can assert exact call numbers", async function () {
    for (let i = 0; i < 3; i++) await http.request({ method: "GET", url: "/things/1" });
    await http.request({ method: "GET", url: "/things/2" });
    sim.count("/things/1").should.equal(3);
    sim.count(/^\/things\//).should.equal(4);
    sim.count(undefined, "POST").should.equal(0);
    sim.counters().should.eql({ "GET /things/1": 3, "GET /things/2": 1 });
  });

  it("fakes an HTTP status for a given number of requests, then recovers", async function () {
    sim.inject({ kind: "status", status: 503, times: 2 });
    (await http.request({ url: "/things/1" })).status.should.equal(503);
    (await http.request({ url: "/things/1" })).status.should.equal(503);
    (await http.request({ url: "/things/1" })).status.should.equal(200);
    sim.log.map((r) => r.status).should.eql([503, 503, 200]);
  });

  it("answers 429 with Retry-After and X-RateLimit-* headers", async function () {
    sim.clock.freeze(Date.UTC(2026, 0, 1));
    sim.inject({ kind: "rate-limit", retryAfterSeconds: 30, times: 1 });
    const res = await http.request({ url: "/things/1" });
    res.status.should.equal(429);
    res.headers["retry-after"].should.equal("30");
    res.headers["x-ratelimit-remaining"].should.equal("0");
    Number(res.headers["x-ratelimit-reset"]).should.equal(Date.UTC(2026, 0, 1) / 1000 + 30);
  });

  it("hangs past the client timeout, which the client reports as a timeout", async function () {
    sim.inject({ kind: "hang", times: 1 });
    const err = await http.request({ url: "/things/1" }).then(
      () => null,
      (e) => e,
    );
    err.should.be.instanceOf(TimeoutError);
    err.message.should.match(/did not answer within/);
    (await http.request({ url: "/things/1" })).status.should.equal(200);
  });

  it("delays answers by the given time", async function () {
    sim.inject({ kind: "delay", ms: 150, times: 1 });
    const t0 = Date.now();
    const res = await http.request({ url: "/things/1" });
    res.status.should.equal(200);
    (Date.now() - t0).should.be.aboveOrEqual(140);
  });

  it("sends malformed JSON, which the client reports as an unreadable answer", async function () {
    sim.inject({ kind: "malformed", times: 1, path: "/things/9" });
    (await http.request({ url: "/things/1" })).status.should.equal(200);
    const res = await http.request({ url: "/things/9" });
    (() => http.json(res)).should.throw(ApiError, { message: /not valid JSON/ });
  });

  it("can be switched over HTTP by the demo and records that in the log only for service calls", async function () {
    await http.request({ method: "POST", url: "/__sim/faults", data: { kind: "status", status: 500, times: 1 } });
    (await http.request({ url: "/things/1" })).status.should.equal(500);
    const log = http.json(await http.request({ url: "/__sim/requests" }));
    log.counters.should.eql({ "GET /things/1": 1 });
  });

  it("has a clock tests can freeze and move", async function () {
    sim.clock.freeze(1_000_000);
    http.json(await http.request({ url: "/things/1" })).now.should.equal(1_000_000);
    sim.clock.advance(3_600_000);
    http.json(await http.request({ url: "/things/1" })).now.should.equal(4_600_000);
    sim.clock.resume();
    Math.abs(sim.clock.now() - Date.now()).should.be.below(1000);
  });

  it("keeps a rolling window per key on the simulator clock", function () {
    sim.clock.freeze(0);
    const w = new RollingWindow(sim.clock, 3, 60_000);
    [w.hit("a").allowed, w.hit("a").allowed, w.hit("a").allowed].should.eql([true, true, true]);
    const denied = w.hit("a");
    denied.allowed.should.be.false();
    denied.remaining.should.equal(0);
    denied.resetAt.should.equal(60_000);
    w.hit("b").allowed.should.be.true();
    sim.clock.advance(60_001);
    w.hit("a").allowed.should.be.true();
    w.count("a").should.equal(1);
  });
});

"use strict";
// The tibber-prices node in Node-RED (4 or 5) against the simulator over loopback.
const { helper, nodeModules, collect, waitFor } = require("../helpers/node-red");
const { startLeakWatch } = require("../helpers/secrets");
const {
  TibberSimulator,
  DEMO_TOKEN,
  TWO_HOMES_TOKEN,
  WINTERFELL,
  BERLIN_FLAT,
  CABIN,
} = require("../../build/devtools/simulators/tibber");
const { clock } = require("../../dist/shared/clock");
const { useTibberSimulator } = require("./sim-clock");

const [tibberPrices] = nodeModules("tibber-prices");

describe("tibber-prices node", function () {
  let sim;

  before(function (done) {
    helper.startServer(done);
  });
  after(function (done) {
    helper.stopServer(done);
  });
  const tibber = useTibberSimulator({ beforeStop: () => helper.unload() });
  beforeEach(() => (sim = tibber.sim));

  /** A flow of tibber-prices nodes wired to helper nodes "out1-<id>" and "out2-<id>". */
  function flow(...nodes) {
    const out = [];
    for (const n of nodes) {
      out.push({
        id: n.id,
        type: "tibber-prices",
        baseUrl: sim.url,
        home: "",
        resolution: "HOURLY",
        emit: "input",
        cheapestMinutes: 0,
        cheapestContiguous: true,
        consumptionHours: 48,
        wires: [[`out1-${n.id}`], [`out2-${n.id}`]],
        ...n,
      });
      out.push({ id: `out1-${n.id}`, type: "helper" }, { id: `out2-${n.id}`, type: "helper" });
    }
    return out;
  }

  async function load(nodes, credentials) {
    await helper.load(tibberPrices, flow(...nodes), credentials);
    const handles = {};
    for (const n of nodes) {
      const node = helper.getNode(n.id);
      const statuses = [];
      const errors = [];
      node.on("call:status", (call) => statuses.push(call.args[0]));
      node.on("call:error", (call) =>
        errors.push(String(call.args[0] && call.args[0].message ? call.args[0].message : call.args[0])),
      );
      handles[n.id] = {
        node,
        statuses,
        errors,
        out1: collect(helper.getNode(`out1-${n.id}`)),
        out2: collect(helper.getNode(`out2-${n.id}`)),
      };
    }
    return handles;
  }

  it("emits the prices, the cheapest window and each slot for InfluxDB on input", async function () {
    sim.clock.freeze(Date.parse("2025-06-10T14:20:00+02:00"));
    const watch = startLeakWatch();
    const { t } = await load([{ id: "t", cheapestMinutes: 120, cheapestContiguous: true }], {
      t: { token: DEMO_TOKEN },
    });
    t.node.receive({ payload: "go", topic: "keep" });
    await waitFor(() => t.out1.length === 1, 5000, "output 1");
    const msg = t.out1[0];
    msg.topic.should.equal("keep");
    const p = msg.payload;
    p.homeId.should.equal(WINTERFELL.id);
    p.currency.should.equal("NOK");
    p.resolution.should.equal("HOURLY");
    p.current.startsAt.should.equal("2025-06-10T14:00:00.000+02:00");
    p.today.length.should.equal(24);
    p.tomorrow.length.should.equal(24);
    // the cheapest 2-hour block from now to the end of tomorrow, checked by brute force
    const horizon = [...p.today, ...p.tomorrow].filter(
      (s) => Date.parse(s.startsAt) >= Date.parse("2025-06-10T14:00:00+02:00"),
    );
    let best = Infinity;
    let bestAt = "";
    for (let i = 0; i + 1 < horizon.length; i++) {
      const avg = (horizon[i].total + horizon[i + 1].total) / 2;
      if (avg < best - 1e-9) [best, bestAt] = [avg, horizon[i].startsAt];
    }
    p.cheapest.start.should.equal(bestAt);
    p.cheapest.average.should.be.approximately(best, 0.0001);
    p.cheapest.periods.length.should.equal(1);
    await waitFor(() => t.out2.length === 48, 5000, "48 points");
    const point = t.out2[0];
    point.measurement.should.equal("tibber_price");
    point.tags.should.eql({ home_id: WINTERFELL.id, resolution: "HOURLY", currency: "NOK", level: p.today[0].level });
    Object.keys(point.payload).should.eql(["total", "energy", "tax"]);
    point.topic.should.equal(`tibber_price/${WINTERFELL.id}`);
    point.timestamp.should.equal(Date.parse("2025-06-10T00:00:00+02:00"));
    const status = t.statuses[t.statuses.length - 1];
    status.fill.should.equal("green");
    status.text.should.match(new RegExp(`^ok · ${p.current.total.toFixed(4)} NOK ${p.current.level} · \\d\\d:\\d\\d$`));
    watch.assertNoLeak([DEMO_TOKEN]);
  });

  it("sends each slot once across inputs and refreshes, and shares one fetch between nodes", async function () {
    sim.clock.freeze(Date.parse("2025-06-10T12:50:00+02:00"));
    const { a, b } = await load(
      [
        { id: "a", resolution: "QUARTER_HOURLY" },
        { id: "b", resolution: "QUARTER_HOURLY" },
      ],
      { a: { token: DEMO_TOKEN }, b: { token: DEMO_TOKEN } },
    );
    a.node.receive({ payload: 1 });
    b.node.receive({ payload: 1 });
    await waitFor(() => a.out1.length === 1 && b.out1.length === 1, 5000, "both nodes");
    sim.calls.should.equal(2); // homes + prices, shared
    a.out2.length.should.equal(96);
    b.out2.length.should.equal(96);
    a.node.receive({ payload: 2 });
    await waitFor(() => a.out1.length === 2, 5000, "second input");
    a.out2.length.should.equal(96);
    sim.clock.freeze(Date.parse("2025-06-10T13:00:05+02:00")); // tomorrow is published now
    a.node.receive({ payload: 3 });
    await waitFor(() => a.out1.length === 3, 5000, "third input");
    await waitFor(() => a.out2.length === 192, 5000, "tomorrow's points");
    sim.calls.should.equal(3);
    new Set(a.out2.map((m) => m.timestamp)).size.should.equal(192);
    a.out1[2].payload.tomorrow.length.should.equal(96);
  });

  it("emits by itself at every price change", async function () {
    // A running clock 400 ms before a quarter boundary: the node's first wake-up is real time away.
    sim.clock.set(Date.parse("2025-06-10T09:14:59.600+02:00"));
    const { q } = await load([{ id: "q", resolution: "QUARTER_HOURLY", emit: "change" }], { q: { token: DEMO_TOKEN } });
    await waitFor(() => q.out1.length >= 2, 5000, "two automatic emissions");
    q.out1[0].payload.current.startsAt.should.equal("2025-06-10T09:00:00.000+02:00");
    q.out1[1].payload.current.startsAt.should.equal("2025-06-10T09:15:00.000+02:00");
    q.out2.length.should.equal(96); // the new quarter brought no new slot
    sim.calls.should.equal(2);
  });

  it("says which homes to choose when Home is ambiguous", async function () {
    const { h } = await load([{ id: "h" }], { h: { token: TWO_HOMES_TOKEN } });
    h.node.receive({ payload: 1 });
    await waitFor(() => h.errors.length === 1, 5000, "an error");
    h.errors[0].should
      .match(/2 homes with a contract/)
      .and.containEql(BERLIN_FLAT.id)
      .and.containEql(CABIN.id);
    h.statuses[h.statuses.length - 1].fill.should.equal("red");
    h.out1.length.should.equal(0);
  });

  it("picks a named home of a multi-home account", async function () {
    sim.clock.freeze(Date.parse("2025-06-10T10:00:00+02:00"));
    const { h } = await load([{ id: "h", home: "Berlin" }], { h: { token: TWO_HOMES_TOKEN } });
    h.node.receive({ payload: 1 });
    await waitFor(() => h.out1.length === 1, 5000, "output 1");
    h.out1[0].payload.homeId.should.equal(BERLIN_FLAT.id);
    h.out1[0].payload.currency.should.equal("EUR");
    h.statuses[h.statuses.length - 1].text.should.match(/^ok · \d+\.\d{4} EUR [A-Z_]+ · \d\d:\d\d$/);
  });

  it("reports a rejected token in red, and never shows the token", async function () {
    const secret = "my-very-secret-tibber-token-42";
    const watch = startLeakWatch();
    const { x } = await load([{ id: "x" }], { x: { token: secret } });
    x.node.receive({ payload: 1 });
    await waitFor(() => x.errors.length === 1, 5000, "an error");
    x.errors[0].should.match(/Tibber rejected the token: create a personal access token at developer\.tibber\.com/);
    const status = x.statuses[x.statuses.length - 1];
    status.fill.should.equal("red");
    status.text.should.equal("Tibber rejected the token");
    watch.assertNoLeak([secret]);
  });

  it("shows a yellow status with the retry time while Tibber bans the IP", async function () {
    sim.clock.freeze(Date.parse("2025-06-10T10:00:00Z"));
    const banned = new TibberSimulator({ rateLimit: { limit: 1, windowMs: 300_000, banMs: 600_000 } });
    await banned.start();
    try {
      clock.now = () => banned.clock.now();
      banned.clock.freeze(Date.parse("2025-06-10T10:00:00Z"));
      const { r } = await load([{ id: "r", baseUrl: banned.url }], { r: { token: DEMO_TOKEN } });
      r.node.receive({ payload: 1 });
      await waitFor(() => r.errors.length === 1, 5000, "the rate-limit error");
      r.errors[0].should.match(/rate-limiting this IP address \(HTTP 429\)/);
      const status = r.statuses[r.statuses.length - 1];
      status.fill.should.equal("yellow");
      const retry = new Date(Date.parse("2025-06-10T10:10:00Z"));
      const hhmm = `${String(retry.getHours()).padStart(2, "0")}:${String(retry.getMinutes()).padStart(2, "0")}`;
      status.text.should.equal(`rate-limited · retry ${hhmm}`);
      const calls = banned.calls;
      r.node.receive({ payload: 2 });
      await waitFor(() => r.errors.length === 2, 5000, "the held call");
      banned.calls.should.equal(calls);
    } finally {
      await helper.unload();
      await banned.stop();
    }
  });

  it("emits hourly consumption on output 2 when asked", async function () {
    sim.clock.freeze(Date.parse("2025-06-10T12:30:00+02:00"));
    const { c } = await load([{ id: "c", consumptionHours: 24 }], { c: { token: DEMO_TOKEN } });
    c.node.receive({ payload: "consumption" });
    await waitFor(() => c.out2.length === 24, 5000, "24 hours");
    c.out1.length.should.equal(0);
    const m = c.out2[23];
    m.measurement.should.equal("tibber_consumption");
    m.tags.should.eql({ home_id: WINTERFELL.id, unit: "kWh", currency: "NOK" });
    Object.keys(m.payload).should.eql(["consumption", "cost", "unitPrice"]);
    m.timestamp.should.equal(Date.parse("2025-06-08T23:00:00+02:00"));
    c.node.receive({ payload: "consumption" });
    await waitFor(() => c.statuses.filter((s) => /0 h consumption/.test(s.text)).length === 1, 5000, "second ask");
    c.out2.length.should.equal(24);
  });

  it("says a token is missing instead of calling Tibber", async function () {
    const { n } = await load([{ id: "n" }], {});
    // set while the node was built, before our listener: read it from the helper's spy
    const early = helper._NodePrototype.status.getCalls().filter((call) => call.thisValue.id === "n");
    early[0].args[0].text.should.equal("no token");
    n.node.receive({ payload: 1 });
    await waitFor(() => n.errors.length === 1, 5000, "an error");
    n.errors[0].should.match(/No Tibber token: choose a Tibber account/);
    sim.calls.should.equal(0);
  });

  it("lists homes for the editor without echoing the token, also for a saved token", async function () {
    await load([{ id: "e" }], { e: { token: DEMO_TOKEN } });
    const res = await helper
      .request()
      .post("/tibber-prices/homes")
      .send({ id: "new-node", token: DEMO_TOKEN, baseUrl: sim.url })
      .expect(200);
    res.body.homes.map((h) => h.id).should.eql([WINTERFELL.id, "cc83e83e-8cbf-4595-9bf7-c3cf192f7d9c"]);
    res.body.homes[1].hasContract.should.be.false();
    JSON.stringify(res.body).should.not.containEql(DEMO_TOKEN);
    const saved = await helper
      .request()
      .post("/tibber-prices/homes")
      .send({ id: "e", token: "__PWRD__", baseUrl: sim.url })
      .expect(200);
    saved.body.homes.length.should.equal(2);
    const bad = await helper
      .request()
      .post("/tibber-prices/homes")
      .send({ id: "e", token: "wrong-token-xyz", baseUrl: sim.url })
      .expect(400);
    bad.body.error.should.equal("Tibber refused the credentials.");
    JSON.stringify(bad.body).should.not.containEql("wrong-token-xyz");
    await helper.request().post("/tibber-prices/homes").send({ baseUrl: sim.url }).expect(400);
  });
});

"use strict";
// Trouble a user must hear of, not only read in the log: points dropped at the spool limit and an outage
// longer than the retry window reach a Catch node once per episode, with the counts; an episode ends when
// InfluxDB takes writes again, and the next one is raised again. Real influxd behind the /api/v2 proxy.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { helper, nodeModules, waitFor, collect, featureOf, major } = require("../helpers/node-red");
const { startInfluxDB, requireInfluxd } = require("../../devtools/influxdb/harness");

const TOKEN = "tok-episodes-9d1b";
const T0 = Date.UTC(2026, 0, 1);
const runtime = require.resolve(major === "5" ? "node-red-5" : "node-red");
const coreDir = path.dirname(require.resolve("@node-red/nodes/package.json", { paths: [runtime] }));
const nodes = [
  require(path.join(coreDir, "core/common/25-catch.js")),
  ...nodeModules("meter-influxdb", "meter-influxdb-write"),
];

describe("influxdb: spool-limit drops and long outages reach a Catch node once per episode", function () {
  this.timeout(60_000);
  let influx;
  let userDir;
  let db;

  before(async function () {
    requireInfluxd(this);
    influx = await startInfluxDB({ db: "episodes", token: TOKEN });
  });
  after(async function () {
    if (influx) await influx.stop();
  });
  beforeEach(async function () {
    db = `ep${Date.now() % 1e9}`;
    await influx.createDatabase(db);
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-userdir-"));
    helper.settings({ userDir });
    await new Promise((resolve) => helper.startServer(resolve));
  });
  afterEach(async function () {
    influx.proxy.down = false;
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  function flow(write) {
    return [
      { id: "cfg", type: "meter-influxdb", url: influx.url, org: "home", bucket: db },
      {
        id: "w",
        type: "meter-influxdb-write",
        server: "cfg",
        batchSize: 1000,
        flushInterval: 20,
        spoolLimit: 50,
        retryMax: 0.05,
        wires: [["out"]],
        ...write,
      },
      { id: "out", type: "helper" },
      { id: "c", type: "catch", scope: ["w"], uncaught: false, wires: [["caught"]] },
      { id: "caught", type: "helper" },
    ];
  }

  /** Hands messages to the writer; resolves once each called done(). */
  function send(msgs) {
    const w = helper.getNode("w");
    return new Promise((resolve) => {
      let finished = 0;
      const original = w._complete;
      w._complete = function (msg, err) {
        original.call(this, msg, err);
        if (++finished === msgs.length) {
          w._complete = original;
          resolve();
        }
      };
      for (const msg of msgs) w.receive(msg);
    });
  }

  const points = (from, n) =>
    Array.from({ length: n }, (_, i) => ({ payload: { seq: from + i }, measurement: "m", timestamp: T0 + from + i }));
  const ofEpisode = (caught, episode) => caught.filter((m) => m.payload && m.payload.episode === episode);

  it("raises the spool-limit drops once per episode, with the counts, and again in the next episode", async function () {
    // "m seq=NNNN TTTTTTTTTTTTT\n" is 25 bytes; 0.001 MB = 1048.576 bytes: 41 lines fit.
    await load(flow({ spoolLimit: 0.001 }));
    const caught = collect(helper.getNode("caught"));
    const outputs = collect(helper.getNode("out"));
    const w = helper.getNode("w");
    influx.proxy.down = true;

    await send(points(1000, 100));
    await send(points(1100, 100)); // the same episode: more drops, no second error
    featureOf(w).buffered.should.equal(41);
    await waitFor(() => ofEpisode(caught, "spool-limit").length > 0, 5000, "the Catch node's message");
    await new Promise((r) => setTimeout(r, 100));
    const [first, ...more] = ofEpisode(caught, "spool-limit");
    more.should.eql([]);
    first.payload.dropped.should.be.within(1, 59); // the first drop of the episode
    first.payload.should.eql({ written: 0, buffered: 41, dropped: first.payload.dropped, episode: "spool-limit" });
    first.error.message.should.equal(
      `Spool limit of 0.001 MB reached while InfluxDB was not taking writes: dropped the ${first.payload.dropped} oldest point(s), 41 kept on disk. Until InfluxDB takes writes again, further drops are counted in the output's "dropped" and the log. Raise "Spool limit" to keep more.`,
    );
    first.error.source.id.should.equal("w");

    influx.proxy.down = false; // the episode ends with the first confirmed batch
    await waitFor(() => outputs.some((m) => m.payload.buffered === 0), 10_000, "recovery");
    outputs.reduce((n, m) => n + m.payload.dropped, 0).should.equal(159);

    influx.proxy.down = true; // a second episode is raised again
    await send(points(2000, 100));
    await waitFor(() => ofEpisode(caught, "spool-limit").length === 2, 5000, "the second episode's message");
    await new Promise((r) => setTimeout(r, 100));
    ofEpisode(caught, "spool-limit").length.should.equal(2);
    influx.proxy.down = false;
    await waitFor(() => outputs.filter((m) => m.payload.buffered === 0).length >= 2, 10_000, "recovery");
    const series = await influx.query('SELECT count("seq"), min("seq"), max("seq") FROM "m"', db);
    series[0].values[0].slice(1).should.eql([82, 1159, 2099]);
  });

  it("raises an outage once it outlasts the retry window, once per outage, with the backlog", async function () {
    await load(flow({ retryMax: 0.2 }));
    const caught = collect(helper.getNode("caught"));
    const outputs = collect(helper.getNode("out"));
    const w = helper.getNode("w");
    const warnings = [];
    w.on("call:warn", (call) => warnings.push(String(call.args[0])));
    influx.proxy.down = true;

    await send(points(1, 3));
    await waitFor(() => warnings.length > 0, 5000, "the first failure's warning");
    ofEpisode(caught, "outage").should.eql([]); // a blip is only a warning
    await waitFor(() => ofEpisode(caught, "outage").length > 0, 10_000, "the outage reaching the Catch node");
    await send(points(4, 2));
    await new Promise((r) => setTimeout(r, 1000)); // retries at most every 0.2 s go on failing
    const [first, ...more] = ofEpisode(caught, "outage");
    more.should.eql([]);
    first.payload.should.have.properties({ written: 0, buffered: 3, dropped: 0, episode: "outage" });
    first.payload.since.should.be.a.Number();
    first.error.message.should.match(
      /^InfluxDB has not taken writes for [\d.]+ s, longer than the retry window of 0\.2 s: .*InfluxDB.* 3 point\(s\) are kept on disk and written once it answers again\.$/,
    );
    featureOf(w).buffered.should.equal(5);

    influx.proxy.down = false;
    await waitFor(() => outputs.some((m) => m.payload.buffered === 0), 10_000, "recovery");
    influx.proxy.down = true; // the next outage is another episode
    await send(points(6, 1));
    await waitFor(() => ofEpisode(caught, "outage").length === 2, 10_000, "the second outage");
    influx.proxy.down = false;
    await waitFor(() => outputs.filter((m) => m.payload.buffered === 0).length >= 2, 10_000, "recovery");
    (await influx.query('SELECT count("seq") FROM "m"', db))[0].values[0][1].should.equal(6);
  });

  it("carries the catalog keys and counts, so a German runtime says it in German", function () {
    const { WriteReporter } = require("../../dist/features/influxdb/write-report.js");
    const { localiseError, interpolate } = require("../../dist/runtime/i18n.js");
    const de = require("../../nodes/locales/de/meter-influxdb-write.json")["meter-influxdb-write"];
    const german = (key, vars) =>
      interpolate(
        key
          .split(":")[1]
          .split(".")
          .reduce((o, k) => o[k], de),
        vars,
      );
    const failed = [];
    const sink = { fail: (err, payload) => failed.push({ err, payload }), warn() {}, log() {}, after() {} };
    let now = 40_000;
    const reporter = new WriteReporter(sink, 1, () => now, 10_000);
    const events = reporter.events();
    events.onDrop(8170);
    events.onDrop(12); // same episode
    failed.length.should.equal(1);
    localiseError(failed[0].err, german).message.should.equal(
      'Pufferlimit von 1 MB erreicht, während InfluxDB keine Punkte annahm: die 8170 ältesten Punkte wurden verworfen, 40000 bleiben auf der Festplatte. Bis InfluxDB wieder schreibt, zählen weitere verworfene Punkte im Feld "dropped" der Ausgabe und im Log. Um mehr zu behalten, das "Pufferlimit" erhöhen.',
    );
    failed[0].payload.should.eql({ written: 0, buffered: 40000, dropped: 8170, episode: "spool-limit" });
    now = 0;
    const { clock } = require("../../dist/shared/clock.js");
    const realNow = clock.now;
    let t = 1_000_000;
    clock.now = () => t;
    try {
      sink.waiting = () => undefined;
      events.onRetry(new Error("InfluxDB is unreachable."), 500, 40);
      t += 12_000;
      events.onRetry(new Error("InfluxDB is unreachable."), 10_000, 40);
      t += 10_000;
      events.onRetry(new Error("InfluxDB is unreachable."), 10_000, 40);
    } finally {
      clock.now = realNow;
    }
    failed.length.should.equal(2);
    localiseError(failed[1].err, german).message.should.equal(
      "InfluxDB nimmt seit 12 s keine Punkte an, länger als das Wiederholungsfenster von 10 s: InfluxDB is unreachable. 40 Punkte bleiben auf der Festplatte und werden geschrieben, sobald InfluxDB wieder antwortet.",
    );
    failed[1].payload.should.eql({ written: 0, buffered: 40, dropped: 8182, episode: "outage", since: 1_000_000 });
  });

  const load = (f) => helper.load(nodes, f, { cfg: { token: TOKEN } });
});

"use strict";
// The InfluxDB nodes in a German runtime: a Catch node gets the German text of a point InfluxDB would refuse,
// of a query's start that is no time and of a query InfluxDB refuses; the writer's status lines and its
// warning about a config node without a URL are German, and so are the query node's.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { helper, nodeModules, nextMessage, waitFor, featureOf } = require("../helpers/node-red");
const { germanTranslate, inGerman } = require("../helpers/german");
const { translate } = require("../../dist/runtime/i18n");
const { WriteReporter } = require("../../dist/features/influxdb/write-report");
const { startInfluxDB, requireInfluxd } = require("../../devtools/influxdb/harness");

const T0 = Date.UTC(2026, 0, 1);
const TOKEN = "german-influx-token-4f7a";
const UNSET = "MF_TEST_GERMAN_INFLUX_URL_UNSET";

/** The Catch node's text; Node-RED puts the error's name before it. */
const caught = (msg) => msg.error.message.replace(/^\w+: /, "");

describe("InfluxDB nodes in German", function () {
  this.timeout(60_000);
  let influx;
  let userDir;
  let nodes;

  before(async function () {
    requireInfluxd(this);
    delete process.env[UNSET];
    nodes = await inGerman(nodeModules("meter-influxdb", "meter-influxdb-write", "meter-influxdb-query"));
    influx = await startInfluxDB({ db: "de", token: TOKEN });
    const res = await fetch(`${influx.influxUrl}/write?db=de&precision=ms`, {
      method: "POST",
      body: `zaehler,entity_id=gas value=1200.5 ${T0}\nzaehler,entity_id=gas value=1201.25 ${T0 + 900_000}`,
    });
    res.status.should.equal(204);
  });
  after(async function () {
    if (influx) await influx.stop();
  });
  beforeEach(function (done) {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-german-"));
    helper.settings({ userDir });
    helper.startServer(done);
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  /** `node` on a tab with the config node at `url` and a Catch node for it. */
  async function load(node, url = influx.url) {
    const flow = [
      { id: "f1", type: "tab" },
      { id: "cfg", type: "meter-influxdb", name: "influx", url, org: "", bucket: "de" },
      { z: "f1", server: "cfg", wires: [["out"]], ...node },
      { id: "out", z: "f1", type: "helper" },
      { id: "catcher", z: "f1", type: "catch", scope: [node.id], uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "f1", type: "helper" },
    ];
    await helper.load(nodes, flow, { cfg: { token: TOKEN } });
    const n = helper.getNode(node.id);
    const statuses = [];
    const warnings = [];
    n.on("call:status", (c) => statuses.push(c.args[0].text));
    n.on("call:warn", (c) => warnings.push(String(c.args[0])));
    return { node: n, statuses, warnings, catching: nextMessage(helper.getNode("caught")) };
  }

  const writer = {
    id: "w",
    type: "meter-influxdb-write",
    bucket: "",
    measurement: "",
    integerFields: "",
    batchSize: 100,
    flushInterval: 20,
    spoolLimit: 50,
    retryMax: 0.05,
  };

  it("a point InfluxDB would refuse: German Catch text and red status; the other point is written", async function () {
    const { node, statuses, catching } = await load(writer);
    await waitFor(() => statuses.includes("bereit"), 5000, "ready");
    node.receive({
      payload: [
        { measurement: "zaehler", tags: { entity_id: "wasser" }, fields: { value: 12.5 }, timestamp: T0 },
        { measurement: "zaehler", tags: { entity_id: "wasser" }, fields: { value: [1, 2] }, timestamp: T0 + 1 },
      ],
    });
    caught(await catching).should.equal(
      "Nicht gespeichert: Messwert 2 von 2: das Feld „value“ ist eine Liste; Felder müssen Zahlen, Texte oder Wahrheitswerte sein. Die übrigen 1 Messwerte wurden gespeichert.",
    );
    await waitFor(() => statuses.some((t) => /^ok · 1 geschrieben · \d\d:\d\d$/.test(t)), 5000, statuses.join(" | "));
    statuses.should.containEql("Nicht gespeichert");
  });

  it("a config node without a URL: German warning and waiting status, the points kept on disk", async function () {
    const { node, statuses, warnings } = await load(writer, `\${${UNSET}}`);
    node.receive({ payload: { v: 1 }, measurement: "m", timestamp: T0 });
    await waitFor(() => featureOf(node).buffered === 1, 5000, "the point in the spool");
    await waitFor(() => warnings.length > 0, 5000, "the warning");
    warnings[0].should.equal(
      `Der meter-influxdb-Konfigurationsnode liest seine URL aus der Umgebungsvariablen ${UNSET}, die Node-RED nicht kennt: die Messwerte bleiben im Puffer auf der Festplatte und werden geschrieben, sobald die URL gesetzt und der Flow erneut deployt ist. 1 Messwerte liegen im Puffer auf der Festplatte.`,
    );
    statuses
      .some((t) => /^keine InfluxDB-URL · 1 im Puffer · neuer Versuch in \d+ s$/.test(t))
      .should.be.true(statuses.join(" | "));
  });

  const query = {
    id: "q",
    type: "meter-influxdb-query",
    mode: "form",
    measurement: "zaehler",
    field: "value",
    meterTag: "entity_id",
    meters: "",
    start: "",
    end: "",
  };

  it("meter-influxdb-query: a start that is no time reaches the Catch node in German", async function () {
    const { node, statuses, catching } = await load({ ...query, start: "gestern" });
    node.receive({ payload: "los" });
    caught(await catching).should.equal(
      'Der Beginn "gestern" ist keine Zeit: eine relative Zeit wie -40d (Einheiten ns, u, ms, s, m, h, d, w), "now", Epoch-Millisekunden oder eine ISO-Zeit mit Offset verwenden.',
    );
    await waitFor(() => statuses.includes("ungültiger Beginn"), 5000, statuses.join(" | "));
  });

  it("meter-influxdb-query: German status lines, and a refused query in German", async function () {
    const { node, statuses } = await load({ ...query, meters: "gas", start: "2025-12-31T00:00:00Z" });
    const out = nextMessage(helper.getNode("out"));
    node.receive({ payload: "los" });
    (await out).topic.should.equal("gas");
    await waitFor(
      () => statuses.some((t) => /^ok · 1 Zähler, 2 Zählerstände · \d\d:\d\d$/.test(t)),
      5000,
      statuses.join(" | "),
    );
    statuses.should.containEql("frage ab");

    await helper.unload();
    const raw = await load({ ...query, mode: "raw", query: "SELEKT * VON zaehler", queryType: "str" });
    raw.node.receive({ payload: "los" });
    caught(await raw.catching).should.startWith(`InfluxDB unter ${influx.url} hat die Abfrage abgelehnt: `);
    await waitFor(() => raw.statuses.includes("Abfrage abgelehnt"), 5000, raw.statuses.join(" | "));
  });

  it("a damaged spool file: the writer warns in German, with the records and the bytes", async function () {
    const t = await germanTranslate();
    const warnings = [];
    const sink = {
      ...Object.fromEntries(["ok", "waiting", "error", "log", "fail", "report", "after"].map((k) => [k, () => {}])),
      warn: (text) => warnings.push(text),
      say: (p) => translate(t, "meter-influxdb-write", p.key, p.vars),
    };
    const { onDamage } = new WriteReporter(sink, 50, () => 0).events();
    const parts = { segment: "seg-3.seg", records: "4–6, 9", several: true, offsets: "812" };
    onDamage({ file: "/spool/w/seg-3.seg", lost: 4, where: "", parts });
    onDamage({
      file: "/spool/w/seg-4.seg",
      lost: 1,
      where: "",
      parts: { segment: "seg-4.seg", records: "2", several: false },
    });
    warnings.should.eql([
      "Die Pufferdatei /spool/w/seg-3.seg war beschädigt (abgeschnitten oder überschrieben): 4 Messwert(e) verloren in seg-3.seg, Datensätze 4–6, 9 (Schaden bei Byte 812); jeder unversehrte Messwert wird geschrieben.",
      "Die Pufferdatei /spool/w/seg-4.seg war beschädigt (abgeschnitten oder überschrieben): 1 Messwert(e) verloren in seg-4.seg, Datensatz 2 (die Datei war abgeschnitten); jeder unversehrte Messwert wird geschrieben.",
    ]);
  });
});

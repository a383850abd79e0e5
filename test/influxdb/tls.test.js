"use strict";
// meter-influxdb over https to an InfluxDB with a self-signed certificate made here: refused with a
// sentence that says what to do until a core tls-config node with its CA is selected, then written;
// "verify server certificate" off also connects.
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { helper, nodeModules, waitFor, collect, featureOf, major } = require("../helpers/node-red");
const { startInfluxDB, requireInfluxd } = require("../../devtools/influxdb/harness");

const TOKEN = "tok-tls-5c1e";
const T0 = Date.UTC(2026, 0, 1);

function selfSigned(dir) {
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2"].concat([
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ]),
    { stdio: "ignore" },
  );
  return { cert: fs.readFileSync(cert, "utf8"), key: fs.readFileSync(key, "utf8"), certFile: cert };
}

describe("influxdb: meter-influxdb over TLS with a self-signed certificate", function () {
  this.timeout(60_000);
  let influx;
  let userDir;
  let pem;
  let work;

  before(async function () {
    requireInfluxd(this);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-tls-"));
    pem = selfSigned(work);
    influx = await startInfluxDB({ db: "tls", token: TOKEN, tls: { cert: pem.cert, key: pem.key } });
  });
  after(async function () {
    if (influx) await influx.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });
  beforeEach(function (done) {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-userdir-"));
    helper.settings({ userDir });
    helper.startServer(done);
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  const runtime = require.resolve(major === "5" ? "node-red-5" : "node-red");
  const coreDir = path.dirname(require.resolve("@node-red/nodes/package.json", { paths: [runtime] }));
  const nodes = [
    require(path.join(coreDir, "core/network/05-tls.js")),
    ...nodeModules("meter-influxdb", "meter-influxdb-write"),
  ];
  const flow = (tls, verify = true) => [
    {
      id: "tlscfg",
      type: "tls-config",
      name: "self-signed",
      cert: "",
      key: "",
      ca: pem.certFile,
      certname: "",
      keyname: "",
      caname: "",
      servername: "",
      verifyservercert: verify,
    },
    { id: "cfg", type: "meter-influxdb", name: "influx", url: influx.url, org: "", bucket: "tls", tls },
    {
      id: "w",
      type: "meter-influxdb-write",
      server: "cfg",
      bucket: "",
      measurement: "",
      integerFields: "",
      batchSize: 100,
      flushInterval: 20,
      spoolLimit: 50,
      retryMax: 0.05,
      wires: [["out"]],
    },
    { id: "out", type: "helper" },
  ];

  it("serves https with the certificate made in the test", function () {
    influx.url.should.startWith("https://127.0.0.1:");
    influx.influxUrl.should.startWith("https://127.0.0.1:");
  });

  it("says the certificate is not trusted without a TLS configuration, and keeps the points", async function () {
    await helper.load(nodes, flow(""), { cfg: { token: TOKEN } });
    const w = helper.getNode("w");
    const warnings = [];
    w.on("call:warn", (call) => warnings.push(call.args[0]));
    w.receive({ payload: { v: 1 }, measurement: "m", timestamp: T0 });
    await waitFor(() => warnings.length > 0, 10_000, "a warning");
    warnings[0].should.match(
      /has a certificate this node does not trust \(\w+\).*select a TLS configuration with its CA certificate/,
    );
    featureOf(w).buffered.should.equal(1);
  });

  it("writes over https with the CA of a tls-config node", async function () {
    await helper.load(nodes, flow("tlscfg"), { cfg: { token: TOKEN } });
    const outputs = collect(helper.getNode("out"));
    helper.getNode("w").receive({ payload: { v: 2 }, measurement: "ca", timestamp: T0 });
    await waitFor(() => outputs.some((m) => m.payload.buffered === 0), 10_000, "a confirmed write");
    (await influx.query('SELECT "v" FROM "ca"', "tls"))[0].values.should.eql([[T0, 2]]);
  });

  it("writes with verify server certificate turned off", async function () {
    await helper.load(nodes, flow("tlscfg", false), { cfg: { token: TOKEN } });
    const outputs = collect(helper.getNode("out"));
    helper.getNode("w").receive({ payload: { v: 3 }, measurement: "noverify", timestamp: T0 });
    await waitFor(() => outputs.some((m) => m.payload.buffered === 0), 10_000, "a confirmed write");
    (await influx.query('SELECT "v" FROM "noverify"', "tls"))[0].values.should.eql([[T0, 3]]);
  });

  it("tests the connection from the config dialog with the TLS configuration the dialog selected", async function () {
    await helper.load(nodes, flow("tlscfg"), { cfg: { token: TOKEN } });
    const post = (body) =>
      helper
        .request()
        .post("/meter-influxdb/test")
        .send({ id: "cfg", url: influx.url, org: "", bucket: "tls", token: TOKEN, ...body });
    let res = await post({ tls: "tlscfg" });
    res.body.should.eql({
      ok: true,
      version: "1.6.7~rc0",
      message: 'Connected to InfluxDB 1.6.7~rc0; bucket "tls" accepts writes.',
      messageKey: "@meterflow/node-red/meter-influxdb:meter-influxdb.test.connected",
      messageVars: { server: "InfluxDB 1.6.7~rc0", bucket: "tls" },
    });
    res = await post({ tls: "" }); // none selected: the certificate is not trusted, as for the node
    res.status.should.equal(502);
    res.body.error.should.equal("InfluxDB could not be reached.");
    res = await post({ tls: "_ADD_" }); // the editor's "add new" entry: none either
    res.status.should.equal(502);
    res = await post({ tls: "not-deployed" });
    res.status.should.equal(400);
    res.body.error.should.equal(
      "The TLS configuration not-deployed is not deployed yet: deploy it, then test the connection again.",
    );
  });

  it("tests the connection with verify server certificate turned off", async function () {
    await helper.load(nodes, flow("tlscfg", false), { cfg: { token: TOKEN } });
    const res = await helper
      .request()
      .post("/meter-influxdb/test")
      .send({ id: "cfg", url: influx.url, org: "", bucket: "tls", token: TOKEN, tls: "tlscfg" });
    res.body.ok.should.be.true();
  });
});

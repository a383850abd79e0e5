"use strict";
// Proxies and gateways in debug mode answer errors with a copy of the request, Authorization header
// included. Whatever a node makes of such an answer (Catch message, status, log and warn lines), the
// credential it sent must not be in it.
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");
const { helper, nodeModules, waitFor } = require("../helpers/node-red");
const { startLeakWatch } = require("../helpers/secrets");
const { Redactor } = require("../../dist/shared/redact");

const VM_TOKEN = "vm-echo-token-a93f0e42d1";
const INFLUX_TOKEN = "influx-echo-token-0c4d8e";
const TIBBER_TOKEN = "tibber-echo-token-5b2e77c1";

/**
 * An HTTP server on loopback that answers every request with `status` and the request echoed back, as
 * text (one header a line) or as one line of JSON (as API gateways do).
 */
async function startEchoServer(status, format = "json") {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers });
      const echo = [`${req.method} ${req.url}`, ...Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`), "", body];
      if (format === "json") {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify({ authorization: req.headers.authorization, error: "debug", request: req.url }));
      } else {
        res.writeHead(status, { "content-type": "text/plain" });
        res.end(`debug echo of your request:\n${echo.join("\n")}`);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

function withCatch(nodes) {
  return [
    { id: "f1", type: "tab", label: "echo" },
    ...nodes.map((n) => ({ z: "f1", ...n })),
    { id: "catcher", z: "f1", type: "catch", scope: null, uncaught: false, x: 100, y: 100, wires: [["caught"]] },
    { id: "caught", z: "f1", type: "helper" },
  ];
}

describe("runtime: the error funnel redacts credentials that a server echoes back", function () {
  this.timeout(30_000);
  let echo;
  let userDir;
  beforeEach(async function () {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-redact-"));
    helper.settings({ userDir, voicemonkeyAnnounce: { retryDelayMs: 10, timeoutMs: 2000 } });
    await helper.startServer();
  });
  afterEach(async function () {
    await helper.unload();
    await helper.stopServer();
    if (echo) await echo.stop();
    echo = undefined;
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  async function expectCaughtWithoutSecret(secret, leak) {
    const caught = [];
    helper.getNode("caught").on("input", (msg) => caught.push(msg));
    await waitFor(() => caught.length > 0, 15_000, "an error at the Catch node");
    // The server did receive the credential: the test is about what comes back from it.
    JSON.stringify(echo.requests).should.containEql(secret);
    caught[0].error.message.should.not.containEql(secret);
    leak.assertNoLeak([secret]);
    return caught[0];
  }

  for (const format of ["text", "json"]) {
    it(`tibber-prices: the token from an echoed 400 (${format}) reaches no Catch, status or log`, async function () {
      echo = await startEchoServer(400, format);
      const leak = startLeakWatch();
      await helper.load(
        nodeModules("tibber-prices"),
        withCatch([
          {
            id: "t",
            type: "tibber-prices",
            baseUrl: echo.url,
            home: "",
            resolution: "HOURLY",
            emit: "input",
            wires: [[], []],
          },
        ]),
        { t: { token: TIBBER_TOKEN } },
      );
      helper.getNode("t").receive({ payload: "prices" });
      await expectCaughtWithoutSecret(TIBBER_TOKEN, leak);
    });
  }

  for (const format of ["text", "json"]) {
    it(`voicemonkey-announce: the token from an echoed 400 (${format}) reaches no Catch, status or log`, async function () {
      echo = await startEchoServer(400, format);
      const leak = startLeakWatch();
      await helper.load(
        nodeModules("voicemonkey-announce"),
        withCatch([
          {
            id: "vm",
            type: "voicemonkey-announce",
            apiVersion: "v3",
            baseUrl: echo.url,
            device: "echo-kitchen",
            cooldown: 0,
            maxPerDay: 20,
            wires: [[]],
          },
        ]),
        { vm: { token: VM_TOKEN } },
      );
      helper.getNode("vm").receive({ payload: "The washing machine is done." });
      await expectCaughtWithoutSecret(VM_TOKEN, leak);
    });
  }

  for (const [status, format] of [
    [400, "text"],
    [400, "json"],
    [500, "text"],
    [500, "json"],
  ]) {
    it(`meter-influxdb-write: the token from an echoed ${status} (${format}) reaches no Catch, status or log`, async function () {
      echo = await startEchoServer(status, format);
      const leak = startLeakWatch();
      await helper.load(
        nodeModules("meter-influxdb", "meter-influxdb-write"),
        withCatch([
          { id: "cfg", type: "meter-influxdb", url: echo.url, org: "home", bucket: "b" },
          {
            id: "w",
            type: "meter-influxdb-write",
            server: "cfg",
            bucket: "",
            measurement: "m",
            integerFields: "",
            batchSize: 10,
            flushInterval: 20,
            spoolLimit: 1,
            retryMax: 0.05,
            wires: [[]],
          },
        ]),
        { cfg: { token: INFLUX_TOKEN } },
      );
      const w = helper.getNode("w");
      const told = [];
      w.on("call:error", (call) => told.push(call.args[0]));
      w.on("call:warn", (call) => told.push(call.args[0]));
      w.receive({ payload: { value: 1 }, timestamp: Date.UTC(2026, 0, 1) });
      // A 400 is refused (error to Catch); a 500 is retried (a warning, and the point stays buffered).
      await waitFor(() => told.length > 0 && echo.requests.length > 0, 15_000, "the writer to report the failure");
      JSON.stringify(echo.requests).should.containEql(INFLUX_TOKEN);
      told
        .map(String)
        .join("\n")
        .should.match(/HTTP|InfluxDB/);
      leak.assertNoLeak([INFLUX_TOKEN]);
    });
  }
});

describe("shared: Redactor", function () {
  const r = new Redactor(["s3cr3t-token", "p@ss word/1", "abc", undefined, "__PWRD__"]);

  it("masks a secret as sent, URL-encoded and JSON-escaped", function () {
    r.text("Authorization: Bearer s3cr3t-token").should.equal("Authorization: Bearer ***");
    r.text("password=p%40ss%20word%2F1&x=1").should.equal("password=***&x=1");
    r.text('{"password":"p@ss word/1"}').should.equal('{"password":"***"}');
  });

  it("leaves values too short to be secrets alone, so words are not mangled", function () {
    r.text("abc InfluxDB abc").should.equal("abc InfluxDB abc");
  });

  it("masks an error's message, stack, body and cause chain in place", function () {
    const inner = new Error("upstream said s3cr3t-token");
    const err = new Error("failed: s3cr3t-token", { cause: inner });
    err.body = "echo s3cr3t-token";
    r.error(err).should.equal(err);
    err.message.should.equal("failed: ***");
    err.stack.should.not.containEql("s3cr3t-token");
    err.body.should.equal("echo ***");
    inner.message.should.equal("upstream said ***");
  });

  it("copies objects that hold a secret and returns others unchanged", function () {
    const clean = { a: 1 };
    r.value(clean).should.equal(clean);
    const dirty = { headers: { authorization: "Bearer s3cr3t-token" }, list: ["s3cr3t-token", 2] };
    r.value(dirty).should.eql({ headers: { authorization: "Bearer ***" }, list: ["***", 2] });
    dirty.headers.authorization.should.equal("Bearer s3cr3t-token");
  });
});

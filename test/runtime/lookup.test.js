"use strict";
// The editor's look-up routes under one secret policy: a stored secret only ever goes to the stored base
// URL of its own node. A loopback capture server records every request, so a test can prove that a
// stored secret never reached a URL the request chose.
const http = require("node:http");
require("should");
const { helper, nodeModules } = require("../helpers/node-red");
const tibberSim = require("../../build/devtools/simulators/tibber");
const flumeSim = require("../../build/devtools/simulators/flume");
const energySim = require("../../build/devtools/simulators/energylive");
const monkeySim = require("../../build/devtools/simulators/voicemonkey");

const modules = nodeModules(
  "tibber-prices",
  "meter-influxdb",
  "flume-config",
  "energylive-reader",
  "voicemonkey-announce",
);
const MARKER = "REMOTE-SAID-marker-5f2c";
const PLACEHOLDER = "__PWRD__";
const ENV_NAMES = ["TIBBER_BASE_URL", "FLUME_BASE_URL", "ENERGYLIVE_BASE_URL", "VOICEMONKEY_BASE_URL"];

/** A loopback HTTP server that records every request and answers `status` with the marker in its body. */
function captureServer() {
  const requests = [];
  const cap = { requests, status: 401, url: "" };
  cap.server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(cap.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: MARKER, error: MARKER, errors: [{ message: MARKER }] }));
    });
  });
  cap.start = () =>
    new Promise((resolve) =>
      cap.server.listen(0, "127.0.0.1", () => {
        cap.url = `http://127.0.0.1:${cap.server.address().port}`;
        resolve();
      }),
    );
  cap.stop = () => new Promise((resolve) => cap.server.close(() => resolve()));
  cap.dump = () => JSON.stringify(requests);
  return cap;
}

// Stored secrets of every node in the flow; each must stay where it was configured.
const STORED = {
  tib: { token: "stored-tibber-token-aaaa1111" },
  influx: { token: "stored-influx-token-bbbb2222" },
  flume: {
    clientId: "stored-flume-client-cccc",
    clientSecret: "stored-flume-secret-cccc3333",
    username: "home@example.test",
    password: "stored-flume-password-cccc",
  },
  elv: { apiKey: "stored-energylive-key-dddd4444" },
  vm: { token: "stored-voicemonkey-token-eeee5555" },
};
const ALL_SECRETS = Object.values(STORED).flatMap((c) =>
  Object.entries(c)
    .filter(([k]) => k !== "username")
    .map(([, v]) => v),
);

/** One row per route: its node, how the request names its URL and secrets, and a typed secret. */
const ROUTES = [
  {
    service: "tibber",
    id: "tib",
    path: () => "/tibber-prices/homes",
    urlField: "baseUrl",
    secrets: (v) => ({ token: v }),
    typed: () => ({ token: tibberSim.DEMO_TOKEN }),
    node: (url) => ({ id: "tib", type: "tibber-prices", baseUrl: url, emit: "input", wires: [[], []] }),
  },
  {
    service: "influxdb",
    id: "influx",
    path: () => "/meter-influxdb/test",
    urlField: "url",
    extra: { org: "home", bucket: "b" },
    secrets: (v) => ({ token: v }),
    typed: () => ({ token: "typed-influx-token" }),
    node: (url) => ({ id: "influx", type: "meter-influxdb", url, org: "home", bucket: "b" }),
  },
  {
    service: "flume",
    id: "flume",
    path: (id) => `/flume-config/${id}/devices`,
    urlField: "baseUrl",
    secrets: (v) => ({ clientId: v, clientSecret: v, username: STORED.flume.username, password: v }),
    typed: () => ({ ...flumeSim.DEMO_CREDENTIALS }),
    node: (url) => ({ id: "flume", type: "flume-config", baseUrl: url, budget: 100 }),
  },
  {
    service: "energylive",
    id: "elv",
    path: () => "/energylive-reader/devices",
    urlField: "baseUrl",
    secrets: (v) => ({ apiKey: v }),
    typed: () => ({ apiKey: energySim.DEMO_API_KEY }),
    node: (url) => ({ id: "elv", type: "energylive-reader", baseUrl: url, interval: 0, deviceUid: "", wires: [[]] }),
  },
  {
    service: "voicemonkey",
    id: "vm",
    path: () => "/voicemonkey-announce/devices",
    urlField: "baseUrl",
    extra: { apiVersion: "v3" },
    secrets: (v) => ({ token: v }),
    typed: () => ({ token: monkeySim.DEMO_TOKEN }),
    node: (url) => ({
      id: "vm",
      type: "voicemonkey-announce",
      apiVersion: "v3",
      baseUrl: url,
      device: "x",
      wires: [[]],
    }),
  },
];

describe("editor look-up routes: one secret policy", function () {
  let home; // where every node's stored base URL points
  let elsewhere; // a URL the request chooses
  let savedEnv;

  before(async function () {
    savedEnv = ENV_NAMES.map((n) => process.env[n]);
    home = captureServer();
    elsewhere = captureServer();
    await home.start();
    await elsewhere.start();
    // A blank base URL must never reach the real services from a test.
    for (const n of ENV_NAMES) process.env[n] = home.url;
    await helper.startServer();
  });
  after(async function () {
    await helper.stopServer();
    await home.stop();
    await elsewhere.stop();
    ENV_NAMES.forEach((n, i) => (savedEnv[i] === undefined ? delete process.env[n] : (process.env[n] = savedEnv[i])));
  });
  beforeEach(async function () {
    home.requests.length = 0;
    elsewhere.requests.length = 0;
    home.status = 401;
    elsewhere.status = 401;
    await helper.load(
      modules,
      ROUTES.map((r) => r.node(home.url)),
      STORED,
    );
  });
  afterEach(() => helper.unload());

  const post = (path, body) => helper.request().post(path).set("content-type", "application/json").send(body);

  /** Nothing secret in what the route answered, and never the remote server's words. */
  function clean(res, extraSecrets = []) {
    res.status.should.not.equal(401);
    for (const s of [...ALL_SECRETS, ...extraSecrets]) res.text.should.not.containEql(s);
    res.text.should.not.containEql(MARKER);
    res.text.should.not.match(/\n\s+at /); // no stack
  }

  for (const route of ROUTES) {
    describe(route.service, function () {
      const body = (id, url, secret) => ({ id, [route.urlField]: url, ...route.extra, ...route.secrets(secret) });

      it("refuses to send the stored secret to a URL the request chose: 400, nothing sent", async function () {
        const res = await post(route.path(route.id), body(route.id, elsewhere.url, PLACEHOLDER));
        elsewhere.dump().should.not.containEql("stored-");
        elsewhere.requests.should.have.length(0);
        home.requests.should.have.length(0);
        res.status.should.equal(400);
        res.body.error.should.match(/URL changed.*type the secret again/i);
        clean(res);
      });

      it("accepts only JSON: a cross-site form post gets 415 and sends nothing", async function () {
        const form = await helper
          .request()
          .post(route.path(route.id))
          .type("form")
          .send(body(route.id, elsewhere.url, PLACEHOLDER));
        const text = await helper
          .request()
          .post(route.path(route.id))
          .set("content-type", "text/plain")
          .send(JSON.stringify(body(route.id, elsewhere.url, PLACEHOLDER)));
        elsewhere.requests.should.have.length(0);
        home.requests.should.have.length(0);
        form.status.should.equal(415);
        text.status.should.equal(415);
        clean(form);
        clean(text);
      });

      it("has no GET variant", async function () {
        const res = await helper.request().get(`${route.path(route.id)}?id=${route.id}`);
        home.requests.should.have.length(0);
        res.status.should.equal(404);
      });

      it("answers 404 for the id of a node of another type, and sends nothing", async function () {
        for (const other of ROUTES.filter((r) => r !== route)) {
          const res = await post(route.path(other.id), body(other.id, home.url, PLACEHOLDER));
          home.dump().should.not.containEql("stored-");
          home.requests.should.have.length(0);
          res.status.should.equal(404);
          res.body.error.should.match(/no .* node with this id/i);
          clean(res);
        }
      });

      it("asks for the secret when the node is not deployed", async function () {
        const res = await post(route.path("not-deployed"), body("not-deployed", home.url, PLACEHOLDER));
        home.requests.should.have.length(0);
        res.status.should.equal(400);
        res.body.error.should.match(/type/i);
        clean(res);
      });

      it("uses the stored secret with the node's own base URL", async function () {
        const res = await post(route.path(route.id), body(route.id, home.url, PLACEHOLDER));
        home.requests.length.should.be.above(0);
        res.status.should.equal(400);
        res.body.error.should.match(/refused the credentials/);
        clean(res);
      });

      it("never quotes the remote server's answer, nor a typed secret", async function () {
        for (const status of [401, 404, 500]) {
          elsewhere.status = status;
          const res = await post(route.path(route.id), body(route.id, elsewhere.url, "typed-secret-ffff6666"));
          elsewhere.requests.length.should.be.above(0);
          [400, 502].should.containEql(res.status);
          clean(res, ["typed-secret-ffff6666"]);
          if (status !== 401)
            res.body.error.should.match(
              /answered HTTP \d+\.$|could not be reached\.$|refused the credentials\.$/,
              res.text,
            );
        }
      });
    });
  }

  describe("typed secrets with a changed URL reach the simulators", function () {
    const sims = [
      ["tibber", () => new tibberSim.TibberSimulator(), (b) => b.homes.length.should.be.above(0)],
      ["flume", () => new flumeSim.FlumeSimulator(), (b) => b.devices.length.should.be.above(0)],
      ["energylive", () => energySim.demoSimulator(), (b) => b.devices.length.should.be.above(0)],
      ["voicemonkey", () => new monkeySim.VoiceMonkeySimulator(), (b) => b.devices.length.should.be.above(0)],
    ];
    for (const [service, make, check] of sims) {
      it(service, async function () {
        const route = ROUTES.find((r) => r.service === service);
        const sim = make();
        await sim.start();
        try {
          const typed = route.typed();
          const res = await post(route.path(route.id), {
            id: route.id,
            [route.urlField]: sim.url,
            ...route.extra,
            ...typed,
          });
          res.status.should.equal(200, res.text);
          check(res.body);
          clean(
            res,
            Object.values(typed).filter((v) => v !== flumeSim.DEMO_CREDENTIALS.username),
          );
          home.requests.should.have.length(0);
        } finally {
          await sim.stop();
        }
      });
    }
  });
});

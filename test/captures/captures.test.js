"use strict";
// Real answers of the real services (test/fixtures/captures/README.md gives the source of each), served
// on 127.0.0.1 to our own clients, which must parse them to the right values.
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");
const { FlumeClient } = require("../../dist/features/flume/client");
const { TibberClient } = require("../../dist/features/tibber/client/client");
const { TibberAccount } = require("../../dist/features/tibber/client/price-feed");
const { VoiceMonkeyClient } = require("../../dist/features/voicemonkey/client");
const { EnergyLiveClient } = require("../../dist/features/energylive/client");
const { ApiError, AuthError, RateLimitError, ValidationError } = require("../../dist/shared/errors");
const { clock } = require("../../dist/shared/clock");

const DIR = path.join(__dirname, "../fixtures/captures");
const json = (file) => JSON.parse(fs.readFileSync(path.join(DIR, file), "utf8"));
const text = (file) => fs.readFileSync(path.join(DIR, file), "utf8");

/** A server that answers each "METHOD path" with a fixed status and body, and counts the calls. */
async function serve(routes) {
  const calls = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const key = `${req.method} ${url.pathname}`;
    calls.push(key);
    const answer = routes[key] ?? { status: 404, body: { error: "not in this test" } };
    const raw = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status, { "Content-Type": answer.type ?? "application/json" });
    res.end(raw);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, calls, close: () => new Promise((r) => server.close(r)) };
}

/** A token answer in Flume's envelope whose JWT carries the real decoded payload (jwt-payload.json). */
function flumeToken() {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const payload = {
    ...json("flume/jwt-payload.json"),
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 604800,
  };
  const jwt = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}.c2ln`;
  return {
    status: 200,
    body: {
      success: true,
      code: 602,
      message: "Request OK",
      http_code: 200,
      http_message: "OK",
      detailed: null,
      data: [
        {
          token_type: "bearer",
          access_token: jwt,
          expires_in: 604800,
          refresh_token: "fdb8fdbecf1d03ce5e6125c067733c0d51de209c",
        },
      ],
      count: 1,
      pagination: null,
    },
  };
}

const CREDS = { clientId: "c", clientSecret: "s", username: "u@example.com", password: "p" };

describe("real captures served to our clients", function () {
  let server;
  afterEach(async function () {
    if (server) await server.close();
    server = undefined;
  });

  describe("Flume", function () {
    const U = "/users/12345";
    async function flume(routes) {
      server = await serve({ "POST /oauth/token": flumeToken(), ...routes });
      return new FlumeClient({
        baseUrl: server.url,
        credentials: { ...CREDS },
        timeoutMs: 2000,
        retry: { retries: 0, baseMs: 1, maxMs: 1 },
      });
    }

    it("devices: the sensor with 19-digit ids kept as strings, battery and product", async function () {
      const client = await flume({ [`GET ${U}/devices`]: json("flume/devices.json") });
      const [d] = await client.devices();
      d.id.should.equal("6721255604737738501");
      d.type.should.equal(2);
      d.locationId.should.equal(44565);
      (d.location === undefined).should.be.true();
    });

    it("location: the home's tz", async function () {
      const client = await flume({ [`GET ${U}/locations/12345`]: json("flume/location.json") });
      const loc = await client.location(12345);
      loc.should.eql({ id: 12345, name: "Home", tz: "America/Los_Angeles", awayMode: false });
    });

    it("notifications: the custom rule, unread, created in UTC", async function () {
      const client = await flume({ [`GET ${U}/notifications`]: json("flume/notifications.json") });
      const [n] = await client.notifications({ unreadOnly: true });
      n.id.should.equal(12345);
      n.ruleName.should.equal("Test");
      n.read.should.be.false();
      n.createdAt.should.equal("2025-07-01T21:03:00.000Z");
    });

    it("usage alerts: High Flow Alert, not a Smart Leak", async function () {
      const client = await flume({ [`GET ${U}/usage-alerts`]: json("flume/usage-alerts.json") });
      const [a] = await client.usageAlerts();
      a.ruleName.should.equal("High Flow Alert");
      a.flumeLeak.should.be.false();
    });

    it("query: the documented example's buckets, keyed by request_id", async function () {
      const capture = json("flume/query.json");
      capture.body.data[0].usage = capture.body.data[0].xyz; // our client asks with request_id "usage"
      const client = await flume({ [`POST ${U}/devices/6721255604737738501/query`]: capture });
      const points = await client.usage("6721255604737738501", { bucket: "DAY", since: "2016-04-04 01:00:00" });
      points.should.eql([
        { localTime: "2016-04-04 00:00:00", value: 1000 },
        { localTime: "2016-04-05 00:00:00", value: 200 },
        { localTime: "2016-04-06 00:00:00", value: 21 },
        { localTime: "2016-04-07 00:00:00", value: 30 },
      ]);
    });

    it("query/active and leaks/active", async function () {
      const client = await flume({
        [`GET ${U}/devices/1/query/active`]: json("flume/query-active.json"),
        [`GET ${U}/devices/1/leaks/active`]: json("flume/leaks-active.json"),
      });
      (await client.currentFlow("1")).should.eql({ active: true, gpm: 0.78, localTime: "2024-01-01 15:22:00" });
      (await client.activeLeak("1")).should.be.false();
    });

    it("not-found.json: 404 code 610 is an ApiError 404", async function () {
      const client = await flume({ [`GET ${U}/devices/1/query/active`]: json("flume/not-found.json") });
      const err = await client.currentFlow("1").catch((e) => e);
      err.should.be.instanceOf(ApiError);
      err.status.should.equal(404);
    });

    it("validation.json: 400 code 94 is a ValidationError listing Flume's messages", async function () {
      const client = await flume({ [`GET ${U}/devices/1/query/active`]: json("flume/validation.json") });
      const err = await client.currentFlow("1").catch((e) => e);
      err.should.be.instanceOf(ValidationError);
      err.message.should.containEql("Provide a positive limit; Provide a positive offset");
    });

    it("forbidden.json: 403 is an AuthError that says what usually causes it", async function () {
      const client = await flume({ [`GET ${U}/devices/1/query/active`]: json("flume/forbidden.json") });
      const err = await client.currentFlow("1").catch((e) => e);
      err.should.be.instanceOf(AuthError);
      err.status.should.equal(403);
      err.message.should.match(/same Flume account/);
    });

    for (const file of ["flume/token-invalid-client.json", "flume/token-unverified-user.json"]) {
      it(`${path.basename(file)}: the login is refused with an AuthError`, async function () {
        server = await serve({ "POST /oauth/token": json(file) });
        const client = new FlumeClient({ baseUrl: server.url, credentials: { ...CREDS }, timeoutMs: 2000 });
        const err = await client.devices().catch((e) => e);
        err.should.be.instanceOf(AuthError);
      });
    }
  });

  describe("Tibber", function () {
    const realNow = clock.now;
    afterEach(() => (clock.now = realNow));
    const gqlAnswer = (priceInfo, extra = {}) => ({
      status: 200,
      body: {
        data: {
          viewer: {
            home: {
              id: "h",
              timeZone: "Europe/Berlin",
              currentSubscription: { status: "running", priceInfo, ...extra },
            },
          },
        },
      },
    });

    it("a real hourly price: total = energy + tax, its startsAt with offset, the current hour", async function () {
      const price = json("tibber/price-hourly-2025-01-04.json");
      server = await serve({ "POST /": gqlAnswer({ current: price, today: [price], tomorrow: [] }) });
      const client = new TibberClient({
        baseUrl: server.url,
        token: "t",
        now: () => Date.parse("2025-01-04T12:30:00+01:00"),
      });
      const p = await client.prices("h", "HOURLY");
      p.current.total.should.equal(0.3293);
      p.current.startMs.should.equal(Date.parse("2025-01-04T11:00:00Z"));
      (p.current.energy + p.current.tax).should.be.approximately(p.current.total, 1e-9);
      (p.current.level === null).should.be.true(); // the capture has no level
    });

    it("a real NOK price with its level", async function () {
      const price = json("tibber/price-nok-2021-12-29.json");
      server = await serve({ "POST /": gqlAnswer({ current: price, today: [price], tomorrow: [] }) });
      const client = new TibberClient({
        baseUrl: server.url,
        token: "t",
        now: () => Date.parse("2021-12-29T15:10:00+01:00"),
      });
      const p = await client.prices("h", "HOURLY");
      p.currency.should.equal("NOK");
      p.current.level.should.equal("VERY_EXPENSIVE");
    });

    it("real consumption nodes, hourly and daily, with and without currency", async function () {
      const hourly = json("tibber/consumption-hourly-2021-12-29.json");
      const daily = json("tibber/consumption-daily-sek-2023-10-22.json");
      const answer = {
        status: 200,
        body: {
          data: {
            viewer: { home: { id: "h", consumption: { pageInfo: { currency: "NOK" }, nodes: [hourly, daily] } } },
          },
        },
      };
      server = await serve({ "POST /": answer });
      const client = new TibberClient({ baseUrl: server.url, token: "t" });
      const [h, d] = await client.consumption("h", 2);
      h.should.containDeep({
        fromMs: Date.parse("2021-12-29T13:00:00Z"),
        consumption: 3.432,
        cost: 3.0354753,
        unit: "kWh",
        currency: "NOK",
      });
      d.should.containDeep({ consumption: 56.81, currency: "SEK", unitPrice: 0.531032 });
    });

    it("the empty 15-minute day of 2026-05-17: the hourly prices stand in for its quarters", async function () {
      const empty = json("tibber/empty-quarter-day-2026-05-17.json");
      const hour = {
        total: 0.25,
        energy: 0.1,
        tax: 0.15,
        startsAt: "2026-05-17T08:00:00.000+02:00",
        currency: "EUR",
        level: "NORMAL",
      };
      server = await serve({ "POST /": gqlAnswer(empty, { hourly: { today: [hour], tomorrow: [] } }) });
      clock.now = () => Date.parse("2026-05-17T08:20:00+02:00");
      const account = new TibberAccount(server.url, "t", { retry: { retries: 0, baseMs: 1, maxMs: 1 } });
      const view = await account.prices(
        { id: "h", timeZone: "Europe/Berlin", nickname: null, address1: null, hasSubscription: true },
        "QUARTER_HOURLY",
      );
      view.current.total.should.equal(0.25);
      view.current.delivered.should.equal("HOURLY");
      view.current.startsAt.should.equal("2026-05-17T08:15:00.000+02:00");
    });

    it("UNAUTHENTICATED on HTTP 200 is an AuthError", async function () {
      server = await serve({ "POST /": json("tibber/unauthenticated.json") });
      const err = await new TibberClient({ baseUrl: server.url, token: "t" }).homes().catch((e) => e);
      err.should.be.instanceOf(AuthError);
    });

    it("the plain-text 429 of an IP ban is a RateLimitError of ten minutes", async function () {
      server = await serve({
        "POST /": { status: 429, type: "text/plain; charset=utf-8", body: text("tibber/ip-ban-429.txt") },
      });
      const err = await new TibberClient({
        baseUrl: server.url,
        token: "t",
        retry: { retries: 0, baseMs: 1, maxMs: 1 },
      })
        .homes()
        .catch((e) => e);
      err.should.be.instanceOf(RateLimitError);
      err.retryAfterMs.should.equal(10 * 60_000);
    });

    it("the plain-text 400 'GraphQL queries must be strings.' is quoted", async function () {
      server = await serve({
        "POST /": { status: 400, type: "text/plain", body: text("tibber/query-not-string-400.txt") },
      });
      const err = await new TibberClient({ baseUrl: server.url, token: "t" }).homes().catch((e) => e);
      err.should.be.instanceOf(ApiError);
      err.message.should.containEql("GraphQL queries must be strings.");
    });
  });

  describe("VoiceMonkey (v3 documentation examples)", function () {
    it("devices: speakers and routines", async function () {
      server = await serve({
        "GET /devices": json("voicemonkey/devices.json"),
        "POST /devices": json("voicemonkey/devices.json"),
      });
      const client = new VoiceMonkeyClient({ apiVersion: "v3", token: "t", baseUrl: server.url });
      const devices = await client.devices();
      devices
        .map((d) => d.id)
        .should.eql(["kitchen-echo-3f7k2", "bedroom-echo-show-9p2qb", "living-room-lights-x4n8e"]);
      devices[2].capability.should.equal("routines");
    });

    it("success and the documented error bodies", async function () {
      server = await serve({ "POST /announce": json("voicemonkey/trigger-ok.json") });
      const ok = new VoiceMonkeyClient({ apiVersion: "v3", token: "t", baseUrl: server.url });
      await ok.announce({ device: "kitchen-echo-3f7k2", text: "hello" });
      await server.close();
      server = await serve({ "POST /announce": json("voicemonkey/device-not-found.json") });
      const missing = new VoiceMonkeyClient({ apiVersion: "v3", token: "t", baseUrl: server.url });
      const err = await missing.announce({ device: "nope", text: "hello" }).catch((e) => e);
      err.message.should.match(/DEVICE_NOT_FOUND|not found|no device/i);
      await server.close();
      server = await serve({ "POST /announce": json("voicemonkey/missing-device.json") });
      const bad = new VoiceMonkeyClient({ apiVersion: "v3", token: "t", baseUrl: server.url });
      const err2 = await bad.announce({ device: "x", text: "hello" }).catch((e) => e);
      err2.should.be.instanceOf(Error);
    });
  });

  describe("energyLIVE (the documented example)", function () {
    const UID = "I-10082023-01658401";
    const doc = text("energylive/latest-doc-example.txt");

    it("the example's values with the trailing commas removed and the array closed: W and Wh by OBIS name", async function () {
      const repaired = doc.replace(/,\s*}/g, "}").replace(/,\s*$/, "]");
      server = await serve({ [`GET /devices/${UID}/measurements/latest`]: { status: 200, body: repaired } });
      const client = new EnergyLiveClient({ baseUrl: server.url, apiKey: "k" });
      const latest = await client.latest(UID);
      const byName = Object.fromEntries(latest.measurements.map((m) => [m.name, m]));
      byName.power_import_w.value.should.equal(138);
      byName.energy_import_wh.value.should.equal(9577201);
      byName.power_import_w.timestamp.should.equal(1726559995000);
    });

    it("the example exactly as printed (trailing commas, cut off) is not JSON: a clear error, no values", async function () {
      server = await serve({ [`GET /devices/${UID}/measurements/latest`]: { status: 200, body: doc } });
      const client = new EnergyLiveClient({
        baseUrl: server.url,
        apiKey: "k",
        retry: { retries: 0, baseMs: 1, maxMs: 1 },
      });
      const err = await client.latest(UID).catch((e) => e);
      err.should.be.instanceOf(Error);
      err.message.should.match(/JSON|energyLIVE/);
    });
  });
});

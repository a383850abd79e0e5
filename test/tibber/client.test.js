"use strict";
// The Tibber client against the simulator over loopback: queries, DST days, home selection, errors.
const {
  TibberSimulator,
  DEMO_TOKEN,
  TWO_HOMES_TOKEN,
  WINTERFELL,
  BERLIN_FLAT,
  CABIN,
} = require("../../build/devtools/simulators/tibber");
const { TibberClient } = require("../../dist/features/tibber/client/client");
const { selectHome } = require("../../dist/features/tibber/client/homes");
const { HttpTransport } = require("../../dist/shared/http");
const { AuthError, ApiError, RateLimitError, TimeoutError, ValidationError } = require("../../dist/shared/errors");
const { safeJson } = require("../helpers/secrets");

const FAST = { retries: 0, baseMs: 1, maxMs: 1, maxRetryAfterMs: 0 };

async function failure(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

describe("tibber client and simulator", function () {
  let sim;
  let client;
  const clientFor = (token, extra = {}) =>
    new TibberClient({ baseUrl: sim.url, token, retry: FAST, now: () => sim.clock.now(), ...extra });

  beforeEach(async function () {
    sim = new TibberSimulator();
    await sim.start();
    client = clientFor(DEMO_TOKEN);
  });
  afterEach(async function () {
    await sim.stop();
  });

  it("is reachable at the real path, so its URL works as the base URL", function () {
    sim.url.should.match(/^http:\/\/127\.0\.0\.1:\d+\/v1-beta\/gql$/);
  });

  it("lists the homes with their contract state", async function () {
    const homes = await client.homes();
    homes.map((h) => h.address1).should.eql(["Winterfell Castle 1", "123 Main St"]);
    homes.map((h) => h.hasSubscription).should.eql([true, false]);
    homes[0].timeZone.should.equal("Europe/Oslo");
    sim.calls.should.equal(1);
  });

  it("reads hourly prices: 24 today, tomorrow empty before 13:00 and full after", async function () {
    sim.clock.freeze(Date.parse("2025-06-10T12:59:00+02:00"));
    const before = await client.prices(WINTERFELL.id, "HOURLY");
    before.today.length.should.equal(24);
    before.tomorrow.length.should.equal(0);
    before.currency.should.equal("NOK");
    before.current.startsAt.should.equal("2025-06-10T12:00:00.000+02:00");
    sim.clock.freeze(Date.parse("2025-06-10T13:00:00+02:00"));
    const after = await client.prices(WINTERFELL.id, "HOURLY");
    after.tomorrow.length.should.equal(24);
    after.tomorrow[0].startsAt.should.equal("2025-06-11T00:00:00.000+02:00");
    for (const s of after.today) s.total.should.be.approximately(s.energy + s.tax, 0.00011);
  });

  it("reads quarter-hourly prices, whose hourly price is the mean of the four quarters", async function () {
    sim.clock.freeze(Date.parse("2025-10-01T10:20:00+02:00"));
    const q = await client.prices(WINTERFELL.id, "QUARTER_HOURLY");
    const h = await client.prices(WINTERFELL.id, "HOURLY");
    q.today.length.should.equal(96);
    q.today[1].startsAt.should.equal("2025-10-01T00:15:00.000+02:00");
    q.current.startsAt.should.equal("2025-10-01T10:15:00.000+02:00");
    const quarterMean = q.today.slice(40, 44).reduce((a, s) => a + s.total, 0) / 4;
    h.today[10].total.should.be.approximately(quarterMean, 0.0001);
  });

  it("has 92/23 slots on the spring DST day and 100/25 on the autumn one, with 02:00 twice", async function () {
    sim.clock.freeze(Date.parse("2025-03-30T12:00:00+02:00"));
    (await client.prices(WINTERFELL.id, "QUARTER_HOURLY")).today.length.should.equal(92);
    (await client.prices(WINTERFELL.id, "HOURLY")).today.length.should.equal(23);
    sim.clock.freeze(Date.parse("2025-10-26T12:00:00+01:00"));
    const q = await client.prices(WINTERFELL.id, "QUARTER_HOURLY");
    q.today.length.should.equal(100);
    const h = await client.prices(WINTERFELL.id, "HOURLY");
    h.today.length.should.equal(25);
    h.today
      .slice(2, 4)
      .map((s) => s.startsAt)
      .should.eql(["2025-10-26T02:00:00.000+02:00", "2025-10-26T02:00:00.000+01:00"]);
    new Set(h.today.map((s) => s.startMs)).size.should.equal(25);
  });

  it("reads hourly consumption and leaves out hours without data", async function () {
    sim.clock.freeze(Date.parse("2025-06-10T12:30:00+02:00"));
    const gap = Date.parse("2025-06-08T20:00:00+02:00");
    sim.consumptionGaps.add(gap);
    const hours = await client.consumption(WINTERFELL.id, 24);
    hours.length.should.equal(23);
    hours[hours.length - 1].to.should.equal("2025-06-09T00:00:00.000+02:00"); // 36 h behind 12:00
    hours.some((h) => h.fromMs === gap).should.be.false();
    for (const h of hours) {
      h.cost.should.be.approximately(h.consumption * h.unitPrice, 0.0001);
      h.unit.should.equal("kWh");
    }
  });

  it("honours the selection and aliases, and answers form-encoded bodies", async function () {
    const data = await client.query("{ viewer { name who: homes { id } } }", {});
    data.should.eql({
      viewer: { name: "Arya Stark", who: [{ id: WINTERFELL.id }, { id: "cc83e83e-8cbf-4595-9bf7-c3cf192f7d9c" }] },
    });
    const http = new HttpTransport("Tibber", { baseUrl: sim.url });
    const res = await http.request({
      method: "POST",
      url: "",
      data: "query=" + encodeURIComponent("{ viewer { name } }"),
      headers: { Authorization: `Bearer ${DEMO_TOKEN}`, "Content-Type": "application/x-www-form-urlencoded" },
    });
    JSON.parse(res.body).should.eql({ data: { viewer: { name: "Arya Stark" } } });
  });

  describe("home selection", function () {
    it("picks the only home with a contract when Home is blank", async function () {
      selectHome(await client.homes(), "").id.should.equal(WINTERFELL.id);
    });

    it("finds a home by id, nickname or address in any case", async function () {
      const homes = await clientFor(TWO_HOMES_TOKEN).homes();
      selectHome(homes, CABIN.id).id.should.equal(CABIN.id);
      selectHome(homes, "hytta").id.should.equal(CABIN.id);
      selectHome(homes, "torstraße 1").id.should.equal(BERLIN_FLAT.id);
    });

    it("says which homes to choose from when a blank Home is ambiguous or a name is unknown", async function () {
      const homes = await clientFor(TWO_HOMES_TOKEN).homes();
      let err;
      try {
        selectHome(homes, "");
      } catch (e) {
        err = e;
      }
      err.should.be.instanceOf(ValidationError);
      err.message.should.match(/2 homes with a contract/);
      err.message.should.containEql(BERLIN_FLAT.id).and.containEql(CABIN.id).and.containEql('"Hytta"');
      (() => selectHome(homes, "Summer house")).should.throw(/No Tibber home matches "Summer house".*Berlin/);
      (() => selectHome(homes, "123 Main St")).should.throw(/no active power contract/);
    });
  });

  describe("errors", function () {
    it("maps UNAUTHENTICATED on HTTP 200 to an AuthError that says where to get a token", async function () {
      const err = await failure(clientFor("not-a-token").homes());
      err.should.be.instanceOf(AuthError);
      err.message.should.match(/Tibber rejected the token.*developer\.tibber\.com/);
      sim.log[0].status.should.equal(200);
    });

    it("maps the legacy HTTP 400 invalid-token answer and a revoked token the same way", async function () {
      sim.authErrorStatus = 400;
      (await failure(clientFor("not-a-token").homes())).should.be.instanceOf(AuthError);
      sim.authErrorStatus = 200;
      sim.revoked = true;
      (await failure(client.homes())).should.be.instanceOf(AuthError);
    });

    it("maps a 400 validation error to an ApiError with Tibber's message", async function () {
      const err = await failure(
        client.query("query($r: PriceInfoResolution) { viewer { homes { id } } }", { r: "QUARTERLY" }),
      );
      err.should.be.instanceOf(ApiError);
      err.status.should.equal(400);
      err.message.should.match(
        /Tibber rejected the query \(HTTP 400\).*"QUARTERLY" does not exist in "PriceInfoResolution" enum/,
      );
      err.retryable.should.be.false();
      const unknown = await failure(client.query("{ viewer { price } }", {}));
      unknown.message.should.containEql('Cannot query field "price" on type "Viewer"');
      const syntax = await failure(client.query("{ viewer { name }", {}));
      syntax.message.should.match(/Syntax Error/);
    });

    it("maps the plain-text 400 for a missing query", async function () {
      const err = await failure(client.query(undefined, {}));
      err.should.be.instanceOf(ApiError);
      err.message.should.containEql("GraphQL queries must be strings.");
    });

    it("maps the plain-text 429 to a RateLimitError with the ten-minute ban, which further calls renew", async function () {
      const small = new TibberSimulator({ rateLimit: { limit: 3, windowMs: 300_000, banMs: 600_000 } });
      await small.start();
      try {
        small.clock.freeze(Date.parse("2025-06-10T12:00:00Z"));
        const c = new TibberClient({
          baseUrl: small.url,
          token: DEMO_TOKEN,
          retry: FAST,
          now: () => small.clock.now(),
        });
        for (let i = 0; i < 3; i++) await c.homes();
        const err = await failure(c.homes());
        err.should.be.instanceOf(RateLimitError);
        err.retryAfterMs.should.equal(600_000);
        err.status.should.equal(429);
        err.message.should.match(/rate-limiting this IP address \(HTTP 429\).*waits 10 min/);
        small.clock.advance(599_000);
        (await failure(c.homes())).should.be.instanceOf(RateLimitError); // renews the ban
        small.clock.advance(599_000);
        (await failure(c.homes())).should.be.instanceOf(RateLimitError);
        small.clock.advance(601_000);
        (await c.homes()).length.should.equal(2);
      } finally {
        await small.stop();
      }
    });

    it("retries a 502 HTML page and an INTERNAL_SERVER_ERROR answer, then reports them if they persist", async function () {
      const retrying = clientFor(DEMO_TOKEN, { retry: { retries: 1, baseMs: 1, maxMs: 2, maxRetryAfterMs: 0 } });
      sim.inject({ kind: "status", status: 502, times: 1 });
      (await retrying.homes()).length.should.equal(2);
      sim.internalErrors = 1;
      (await retrying.homes()).length.should.equal(2);
      sim.count().should.equal(4);
      sim.inject({ kind: "status", status: 504, times: 2 });
      const err = await failure(retrying.homes());
      err.should.be.instanceOf(ApiError);
      err.status.should.equal(504);
      err.message.should.match(/Tibber is having trouble \(HTTP 504\)/);
      sim.internalErrors = 1;
      const partial = await failure(client.homes());
      partial.message.should.match(
        /Tibber could not answer at viewer: Internal server error \(INTERNAL_SERVER_ERROR\)/,
      );
    });

    it("reports malformed JSON and a hung request as typed errors", async function () {
      sim.inject({ kind: "malformed", times: 1 });
      (await failure(client.homes())).should.be.instanceOf(ApiError);
      sim.inject({ kind: "hang", times: 1 });
      const err = await failure(clientFor(DEMO_TOKEN, { timeoutMs: 200 }).homes());
      err.should.be.instanceOf(TimeoutError);
    });

    it("says when a home has no contract, and refuses an empty token before calling", async function () {
      const err = await failure(client.prices("cc83e83e-8cbf-4595-9bf7-c3cf192f7d9c", "HOURLY"));
      err.should.be.instanceOf(ValidationError);
      err.message.should.match(/no active power contract/);
      (() => new TibberClient({ baseUrl: sim.url, token: " " })).should.throw(ValidationError);
    });

    it("never puts the token into an error, even with its properties and cause", async function () {
      const errors = [];
      errors.push(await failure(clientFor("secret-token-123456").homes()));
      sim.inject({ kind: "hang", times: 1 });
      errors.push(await failure(clientFor("secret-token-123456", { timeoutMs: 100 }).homes()));
      const dead = new TibberClient({
        baseUrl: "http://127.0.0.1:1/v1-beta/gql",
        token: "secret-token-123456",
        retry: FAST,
      });
      errors.push(await failure(dead.homes()));
      for (const err of errors) {
        const text = safeJson(err) + String(err.stack) + String(err.cause && safeJson(err.cause));
        text.should.not.containEql("secret-token-123456");
      }
      errors[2].name.should.equal("NetworkError");
    });
  });
});

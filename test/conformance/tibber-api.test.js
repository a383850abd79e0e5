"use strict";
// A third-party client keeps the Tibber simulator honest: bisand/tibber-api 5.6.0 (npm), which nobody
// here wrote, runs every read method it offers against the simulator and must get the shapes it expects.
// It builds its request from `apiEndpoint.queryUrl` (url.parse, http or https by protocol) and sends
// `User-Agent: <apiEndpoint.userAgent> bisand/tibber-api/<version>` (lib/src/tools/HeaderManager.js).
const { TibberQuery } = require("tibber-api");
const { DEMO_TOKEN, TibberSimulator, WINTERFELL, MAIN_STREET } = require("../../build/devtools/simulators/tibber");

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000[+-]\d\d:\d\d$/;
const LEVELS = ["VERY_CHEAP", "CHEAP", "NORMAL", "EXPENSIVE", "VERY_EXPENSIVE"];

function checkPrice(p) {
  p.total.should.be.a.Number();
  p.energy.should.be.a.Number();
  p.tax.should.be.a.Number();
  p.startsAt.should.match(ISO);
  p.currency.should.equal("NOK");
  LEVELS.should.containEql(p.level);
}

describe("conformance: tibber-api 5.6.0 against the Tibber simulator", function () {
  let sim;
  let query;
  beforeEach(async function () {
    sim = new TibberSimulator();
    await sim.start();
    sim.clock.freeze(Date.parse("2025-10-14T14:07:00+02:00")); // after 13:00: tomorrow is published
    query = new TibberQuery({
      apiEndpoint: { apiKey: DEMO_TOKEN, queryUrl: sim.url, userAgent: "meterflow-conformance" },
    });
  });
  afterEach(async function () {
    await sim.stop();
  });

  it("getHomes and getHome: owner, metering point, features, address", async function () {
    const homes = await query.getHomes();
    homes.map((h) => h.id).should.eql([WINTERFELL.id, MAIN_STREET.id]);
    const home = await query.getHome(WINTERFELL.id);
    home.timeZone.should.equal("Europe/Oslo");
    home.address.address1.should.equal("Winterfell Castle 1");
    home.owner.name.should.equal("Arya Stark");
    home.owner.contactInfo.email.should.be.a.String();
    home.meteringPointData.priceAreaCode.should.equal("NO1");
    home.features.realTimeConsumptionEnabled.should.be.true();
    const ua = sim.log.find((r) => r.path === "/v1-beta/gql").userAgent;
    ua.should.match(/^meterflow-conformance bisand\/tibber-api\/\d+\.\d+\.\d+/);
  });

  it("getHomesComplete and getHomeComplete: contracts, subscriber, today and tomorrow", async function () {
    const homes = await query.getHomesComplete();
    homes.length.should.equal(2);
    const [winterfell, mainStreet] = homes;
    winterfell.currentSubscription.status.should.equal("running");
    winterfell.currentSubscription.subscriber.name.should.equal("Arya Stark");
    winterfell.currentSubscription.priceInfo.today.length.should.equal(24);
    winterfell.currentSubscription.priceInfo.tomorrow.length.should.equal(24);
    winterfell.subscriptions.length.should.equal(1);
    winterfell.subscriptions[0].subscriber.id.should.be.a.String();
    (mainStreet.currentSubscription === null).should.be.true();
    mainStreet.subscriptions.should.eql([]);
    const one = await query.getHomeComplete(WINTERFELL.id);
    checkPrice(one.currentSubscription.priceInfo.current);
    one.currentSubscription.priceInfo.today.forEach(checkPrice);
  });

  for (const [resolution, perDay] of [
    ["HOURLY", 24],
    ["QUARTER_HOURLY", 96],
  ]) {
    it(`current, today's and tomorrow's prices at ${resolution}`, async function () {
      const current = await query.getCurrentEnergyPrice(WINTERFELL.id, resolution);
      checkPrice(current);
      current.startsAt.should.equal("2025-10-14T14:00:00.000+02:00"); // 14:07 is in the 14:00 hour and quarter
      const all = await query.getCurrentEnergyPrices(resolution);
      all[0].homeId.should.equal(WINTERFELL.id);
      checkPrice(all[0]);
      (all[1] === undefined).should.be.true(); // the home without a contract
      const today = await query.getTodaysEnergyPrices(WINTERFELL.id, resolution);
      today.length.should.equal(perDay);
      today.forEach(checkPrice);
      today[0].startsAt.should.equal("2025-10-14T00:00:00.000+02:00");
      const tomorrow = await query.getTomorrowsEnergyPrices(WINTERFELL.id, resolution);
      tomorrow.length.should.equal(perDay);
      tomorrow[0].startsAt.should.equal("2025-10-15T00:00:00.000+02:00");
    });
  }

  for (const [resolution, last] of [
    ["HOURLY", 48],
    ["DAILY", 7],
    ["WEEKLY", 4],
    ["MONTHLY", 3],
    ["ANNUAL", 1],
  ]) {
    it(`consumption at ${resolution}, one home and every home`, async function () {
      const nodes = await query.getConsumption(resolution, last, WINTERFELL.id);
      nodes.length.should.equal(last);
      for (const n of nodes) {
        n.from.should.match(ISO);
        n.to.should.match(ISO);
        n.consumption.should.be.above(0);
        n.consumptionUnit.should.equal("kWh");
        n.cost.should.be.above(0);
        n.totalCost.should.equal(n.cost);
        n.currency.should.equal("NOK");
      }
      for (let i = 1; i < nodes.length; i++) nodes[i].from.should.equal(nodes[i - 1].to);
      const perHome = await query.getConsumption(resolution, last);
      perHome.length.should.equal(2);
      perHome[0][0].homeId.should.equal(WINTERFELL.id);
    });
  }

  it("calendar periods: days start at local midnight, weeks on Monday, months on the 1st, years on 1 January", async function () {
    const [day] = await query.getConsumption("DAILY", 1, WINTERFELL.id);
    day.from.should.equal("2025-10-12T00:00:00.000+02:00"); // the last whole day 36 h ago
    const [week] = await query.getConsumption("WEEKLY", 1, WINTERFELL.id);
    week.from.should.equal("2025-10-06T00:00:00.000+02:00");
    week.to.should.equal("2025-10-13T00:00:00.000+02:00");
    const [month] = await query.getConsumption("MONTHLY", 1, WINTERFELL.id);
    month.from.should.equal("2025-09-01T00:00:00.000+02:00");
    const [year] = await query.getConsumption("ANNUAL", 5, WINTERFELL.id); // capped silently at 1
    year.from.should.equal("2024-01-01T00:00:00.000+01:00");
  });

  it("an unknown token: UNAUTHENTICATED on HTTP 200, which tibber-api turns into an empty list", async function () {
    const bad = new TibberQuery({ apiEndpoint: { apiKey: "nope", queryUrl: sim.url } });
    // getHomes returns `result.error ? result : []`, and a GraphQL answer has `errors`, not `error`.
    (await bad.getHomes()).should.eql([]);
    const raw = await bad.query("{ viewer { name } }");
    raw.errors[0].extensions.code.should.equal("UNAUTHENTICATED");
  });
});

describe("conformance: queries tibber-api does not send, that other clients do", function () {
  let sim;
  beforeEach(async function () {
    sim = new TibberSimulator();
    await sim.start();
    sim.clock.freeze(Date.parse("2025-10-14T14:07:00+02:00"));
  });
  afterEach(async function () {
    await sim.stop();
  });

  async function gql(query, variables = {}) {
    const res = await fetch(sim.url, {
      method: "POST",
      headers: { Authorization: `Bearer ${DEMO_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    return res.json();
  }

  it("named and inline fragments", async function () {
    const body = await gql(`
      query { viewer { homes { ...HomeFields ... on Home { timeZone } } } }
      fragment HomeFields on Home { id appNickname }`);
    body.data.viewer.homes[0].should.eql({ id: WINTERFELL.id, appNickname: "Winterfell", timeZone: "Europe/Oslo" });
  });

  it("priceInfoRange with edges and Base64 cursors, and the deprecated range", async function () {
    const after = Buffer.from("2025-10-14T00:00:00.000+02:00").toString("base64");
    const body = await gql(
      `query($after: String) { viewer { home(id: "${WINTERFELL.id}") { currentSubscription {
      priceInfoRange(resolution: QUARTER_HOURLY, first: 4, after: $after) {
        pageInfo { count hasNextPage } edges { cursor node { startsAt total } } }
      priceInfo { range(resolution: DAILY, last: 2) { nodes { startsAt total } } } } } } }`,
      { after },
    );
    const sub = body.data.viewer.home.currentSubscription;
    sub.priceInfoRange.pageInfo.count.should.equal(4);
    sub.priceInfoRange.edges[0].node.startsAt.should.equal("2025-10-14T00:15:00.000+02:00");
    Buffer.from(sub.priceInfoRange.edges[0].cursor, "base64").toString().should.equal("2025-10-14T00:15:00.000+02:00");
    sub.priceInfo.range.nodes
      .map((n) => n.startsAt)
      .should.eql(["2025-10-14T00:00:00.000+02:00", "2025-10-15T00:00:00.000+02:00"]);
    const quarterRange = await gql(`{ viewer { home(id: "${WINTERFELL.id}") { currentSubscription {
      priceInfo { range(resolution: QUARTER_HOURLY, last: 2) { nodes { total } } } } } } }`);
    quarterRange.errors[0].extensions.code.should.equal("GRAPHQL_VALIDATION_FAILED");
  });

  it("production, consumption edges and aliases in one query", async function () {
    const body = await gql(`{ viewer { home(id: "${WINTERFELL.id}") {
      hourly: consumption(resolution: HOURLY, last: 2) { edges { cursor node { from consumption } } }
      daily: consumption(resolution: DAILY, last: 1) { pageInfo { count totalConsumption } nodes { consumption } }
      production(resolution: DAILY, last: 1) { nodes { from production productionUnit profit } } } } }`);
    const home = body.data.viewer.home;
    home.hourly.edges.length.should.equal(2);
    home.daily.pageInfo.totalConsumption.should.equal(home.daily.nodes[0].consumption);
    home.production.nodes[0].productionUnit.should.equal("kWh");
    home.production.nodes[0].production.should.be.above(0);
  });
});

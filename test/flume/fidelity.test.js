"use strict";
// What real Flume accounts answer that the simulator long did not: device lists without any `location`
// (HA #116798, #77739), usage asked for minutes that have not happened, `pagination.prev`, `count` as the
// route's total, and the `user` object on `user=true`.
const { FlumeSimulator } = require("../../build/devtools/simulators/flume");
const { FlumeAccount } = require("../../dist/features/flume/client");
const { SensorPoller } = require("../../dist/features/flume/sensor-poller");
const { ValidationError } = require("../../dist/shared/errors");

const CREDS = { clientId: "cid-1", clientSecret: "csecret-1", username: "ann@example.com", password: "pw-secret-1" };

describe("flume: real-world answers", function () {
  let sim;
  beforeEach(async function () {
    sim = new FlumeSimulator({ account: CREDS });
    await sim.start();
  });
  afterEach(async function () {
    await sim.stop();
  });

  const account = (extra = {}) => new FlumeAccount({ baseUrl: sim.url, credentials: { ...CREDS }, ...extra });
  const get = async (path) => {
    const token = await fetch(`${sim.url}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ grant_type: "password", ...renamed(CREDS) }),
    }).then((r) => r.json());
    return fetch(`${sim.url}${path}`, { headers: { Authorization: `Bearer ${token.data[0].access_token}` } }).then(
      (r) => r.json(),
    );
  };

  describe("no location in the device list", function () {
    beforeEach(() => (sim.omitLocations = true));

    it("the simulator leaves location out of every device, the bridge included, and keeps tz in /locations/{id}", async function () {
      const list = await get("/users/12345/devices?location=true");
      list.data.length.should.equal(2);
      list.data.every((d) => !("location" in d)).should.be.true();
      const loc = await get(`/users/12345/locations/${list.data[0].location_id}`);
      loc.data[0].tz.should.equal("America/Los_Angeles");
    });

    it("takes the zone from GET /locations/{id}, once, cached with the devices", async function () {
      const a = account();
      const [sensor] = await a.sensors();
      (sensor.location === undefined).should.be.true();
      (await a.timeZone(sensor)).should.equal("America/Los_Angeles");
      (await a.timeZone(sensor)).should.equal("America/Los_Angeles");
      sim.count("/users/12345/locations/44565", "GET").should.equal(1);
    });

    it("reads usage times in that zone, not in UTC", async function () {
      const start = Date.UTC(2026, 5, 1, 19, 0); // 12:00 in Los Angeles (PDT)
      sim.clock.freeze(start + 3 * 3600_000);
      sim.scriptFlow(2, { fromMs: start, minutes: 60 });
      const a = account();
      const [sensor] = await a.sensors();
      const buckets = await a.readUsage(sensor, {
        bucket: "HR",
        since: "2026-06-01 12:00:00",
        until: "2026-06-01 13:00:00",
      });
      buckets.should.eql([{ at: start, value: 120 }]);
    });

    it("falls back to the flume-config time zone, and without one says so instead of using UTC", async function () {
      delete sim.locations[0].tz;
      const bare = account();
      const [sensor] = await bare.sensors();
      const err = await bare.timeZone(sensor).catch((e) => e);
      err.should.be.instanceOf(ValidationError);
      err.message.should.match(/time zone/);
      err.message.should.match(/Flume account node/);
      const configured = account({ timeZone: "America/Denver" });
      (await configured.timeZone((await configured.sensors())[0])).should.equal("America/Denver");
    });
  });

  describe("usage for minutes that have not happened", function () {
    const now = Date.UTC(2026, 5, 1, 20, 30); // 13:30 in Los Angeles
    const settings = { device: "", intervalMs: 0, unit: "gal", rule: {}, useFlumeAlerts: false };

    it("the simulator has no consumption after the current minute", async function () {
      sim.clock.freeze(now);
      sim.baseFlow = () => 1;
      const body = await fetch(`${sim.url}/oauth/token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ grant_type: "password", ...renamed(CREDS) }),
      }).then((r) => r.json());
      const res = await fetch(`${sim.url}/users/12345/devices/${sim.sensorId}/query`, {
        method: "POST",
        headers: { Authorization: `Bearer ${body.data[0].access_token}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          queries: [
            {
              request_id: "q",
              bucket: "HR",
              since_datetime: "2026-06-01 13:00:00",
              until_datetime: "2026-06-01 16:00:00",
            },
          ],
        }),
      }).then((r) => r.json());
      res.data[0].q.should.eql([{ datetime: "2026-06-01 13:00:00", value: 30 }]);
    });

    it("caps the range at now in the home's zone", async function () {
      sim.clock.freeze(now);
      const a = account();
      const asked = [];
      const read = a.readUsage.bind(a);
      a.readUsage = (device, query, signal) => (asked.push(query), read(device, query, signal));
      const poller = new SensorPoller(a, settings, () => now);
      const signal = new AbortController().signal;
      await poller.usage({ bucket: "HR", since: "2026-06-01 12:00", until: "2026-06-01 18:00" }, undefined, signal);
      await poller.usage({ bucket: "HR", since: "2026-06-01 12:00" }, undefined, signal);
      asked.map((q) => q.until).should.eql(["2026-06-01 13:30:00", "2026-06-01 13:30:00"]);
    });

    it("answers a range wholly in the future with no points and no call", async function () {
      sim.clock.freeze(now);
      const poller = new SensorPoller(account(), settings, () => now);
      const result = await poller.usage(
        { bucket: "HR", since: "2026-06-01 14:00" },
        undefined,
        new AbortController().signal,
      );
      result.count.should.equal(0);
      result.batch.payload.should.eql([]);
      sim.count(/\/query$/, "POST").should.equal(0);
    });
  });

  it("pagination.prev once offset > 0, count as the route's total, the user on user=true", async function () {
    for (let i = 0; i < 5; i++) sim.addNotification({ title: `n${i}` });
    const first = await get("/users/12345/notifications?limit=2");
    first.count.should.equal(5);
    first.data.length.should.equal(2);
    (first.pagination.prev === null).should.be.true();
    const second = await get(first.pagination.next);
    second.pagination.prev.should.match(/offset=0/);
    second.pagination.next.should.match(/offset=4/);
    const devices = await get("/users/12345/devices?user=true");
    devices.data[0].user.should.eql({
      id: 12345,
      email_address: CREDS.username,
      first_name: "Flume",
      last_name: "User",
      status: "Active",
      type: "USER",
    });
  });
});

function renamed(c) {
  return { client_id: c.clientId, client_secret: c.clientSecret, username: c.username, password: c.password };
}

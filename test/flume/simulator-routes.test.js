"use strict";
const { FlumeSimulator, DEMO_CREDENTIALS } = require("../../build/devtools/simulators/flume");

// The Flume routes of reference A4 that the package's nodes do not call, each answered in the
// documented shape, so the simulator's claims about them stay checked.
describe("flume simulator: the routes beyond the nodes' own", function () {
  let sim;
  let token;
  let userId;
  const call = async (method, path, body) => {
    const res = await fetch(sim.url + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json() };
  };
  beforeEach(async function () {
    sim = new FlumeSimulator();
    await sim.start();
    const res = await fetch(`${sim.url}/oauth/token?envelope=false`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ grant_type: "password", ...toWire(DEMO_CREDENTIALS) }),
    });
    token = (await res.json()).access_token;
    userId = JSON.parse(Buffer.from(token.split(".")[1], "base64url")).user_id;
  });
  afterEach(async function () {
    await sim.stop();
  });

  it("answers the user, one device and its budgets", async function () {
    (await call("GET", `/users/${userId}`)).body.data[0].should.containDeep({ id: userId, type: "USER" });
    const device = await call("GET", `/users/${userId}/devices/${sim.sensorId}?location=true`);
    device.body.data[0].should.containDeep({ id: sim.sensorId, type: 2, location: { tz: sim.tz } });
    (await call("GET", `/users/${userId}/devices/${sim.sensorId}/budgets`)).body.data[0].type.should.equal("DAILY");
    (await call("GET", `/users/${userId}/devices/404/budgets`)).body.should.containDeep({ code: 610 });
    (await call("GET", `/users/${userId}/nowhere`)).body.should.containDeep({ success: false, code: 610 });
  });

  it("lists, reads and updates the location (away mode), refusing a non-boolean", async function () {
    const list = await call("GET", `/users/${userId}/locations`);
    const id = list.body.data[0].id;
    (await call("GET", `/users/${userId}/locations/${id}`)).body.data[0].away_mode.should.equal(false);
    (await call("PATCH", `/users/${userId}/locations/${id}`, { away_mode: true })).body.code.should.equal(612);
    sim.locations[0].away_mode.should.equal(true);
    (await call("PATCH", `/users/${userId}/locations/${id}`, { away_mode: "yes" })).body.code.should.equal(94);
    (await call("GET", `/users/${userId}/locations/1`)).status.should.equal(404);
  });

  it("marks a notification read and filters usage alerts by flume_leak, also under /me", async function () {
    sim.raiseLeak();
    sim.raiseHighFlow();
    const unread = await call("GET", "/me/notifications?read=false");
    unread.body.data.should.have.length(2);
    (await call("PATCH", `/me/notifications/${unread.body.data[0].id}`, { read: true })).body.code.should.equal(612);
    (await call("GET", "/me/notifications?read=false")).body.data.should.have.length(1);
    const leaks = await call("GET", `/users/${userId}/usage-alerts?flume_leak=true`);
    leaks.body.data.map((a) => a.event_rule_name).should.eql(["Flume Smart Leak Alert"]);
    const high = await call("GET", `/users/${userId}/usage-alerts?flume_leak=false&limit=1`);
    high.body.data.map((a) => a.event_rule_name).should.eql(["High Flow Alert"]);
  });
});

const toWire = (c) => ({
  client_id: c.clientId,
  client_secret: c.clientSecret,
  username: c.username,
  password: c.password,
});

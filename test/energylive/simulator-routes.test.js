"use strict";
const {
  demoSimulator,
  DEMO_API_KEY,
  DEMO_DEVICE_UID,
  DEMO_GATEWAY_UID,
} = require("../../build/devtools/simulators/energylive");

// The energyLIVE routes of reference D3/E2 the reader does not call: device details and measurement keys.
describe("energylive simulator: device details and measurement keys", function () {
  let sim;
  const get = async (path, key = DEMO_API_KEY) => {
    const res = await fetch(sim.url + path, { headers: { "X-API-KEY": key } });
    return { status: res.status, body: await res.json() };
  };
  beforeEach(async function () {
    sim = demoSimulator();
    await sim.start();
  });
  afterEach(async function () {
    await sim.stop();
  });

  it("describes each device and lists its keys; another key's device is not found", async function () {
    (await get(`/devices/${DEMO_DEVICE_UID}`)).body.should.eql({ type: "interface", serial: "01658401" });
    (await get(`/devices/${DEMO_GATEWAY_UID}`)).body.type.should.equal("gateway");
    (await get(`/devices/${DEMO_DEVICE_UID}/measurements`)).body.should.containEql("0100010800");
    (await get(`/devices/${DEMO_GATEWAY_UID}/measurements`)).body.should.containEql("roomTemperature");
    (await get("/devices/I-00000000-00000000/measurements")).status.should.equal(404);
    (await get(`/devices/${DEMO_DEVICE_UID}`, "wrong")).status.should.equal(403);
  });
});

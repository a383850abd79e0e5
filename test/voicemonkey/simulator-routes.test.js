"use strict";
const { VoiceMonkeySimulator } = require("../../build/devtools/simulators/voicemonkey");

// VoiceMonkey routes of reference B3/C2 the announce node does not call: v2 flows and triggers, and the
// test-only reset of what was spoken.
describe("voicemonkey simulator: v2 flows and triggers, and the spoken-log reset", function () {
  const V2 = "vm2-token-routes";
  let sim;
  const get = async (path, init) => {
    const res = await fetch(sim.url + path, init);
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };
  beforeEach(async function () {
    sim = new VoiceMonkeySimulator({ v2Tokens: [V2] });
    await sim.start();
  });
  afterEach(async function () {
    await sim.stop();
  });

  it("starts a v2 flow and refuses an unknown one in v2's envelope", async function () {
    (await get(`/flows?token=${V2}&id=1000`)).body.should.eql({ success: true });
    (await get(`/flows?token=${V2}&id=9`)).should.eql({
      status: 404,
      body: { success: false, error: "FLOW_NOT_FOUND" },
    });
  });

  it("takes a v2 token on /trigger as v2, for any device", async function () {
    const res = await get("/trigger?device=anything", { headers: { Authorization: V2 } });
    res.body.should.eql({ success: true });
    sim.triggers.map((t) => t.apiVersion).should.eql(["v2"]);
  });

  it("forgets what was spoken on DELETE /__sim/announcements", async function () {
    await get(`/announcement?token=${V2}&device=echo-kitchen&text=hello`);
    sim.spoken().should.eql(["echo-kitchen: hello"]);
    (await get("/__sim/announcements", { method: "DELETE" })).status.should.equal(204);
    sim.announcements.should.have.length(0);
  });
});

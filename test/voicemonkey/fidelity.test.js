"use strict";
// VoiceMonkey as the real service behaves (reference Part B): a token belongs to one API generation (the
// demo's too), an announcement may be media only, and `var-<NAME>` parameters upsert variables.
const { VoiceMonkeySimulator, demoSimulator, DEMO_TOKEN } = require("../../build/devtools/simulators/voicemonkey");

describe("voicemonkey simulator: real-world answers", function () {
  let sim;
  afterEach(async function () {
    if (sim) await sim.stop();
    sim = undefined;
  });

  const post = (path, body) =>
    fetch(`${sim.url}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

  it("the demo's token is a v3 token: a node set to v2 fails in the demo as it would at home", async function () {
    sim = demoSimulator();
    await sim.start();
    const device = sim.devices.find((d) => d.capability === "speakers").id;
    (await post("/announce", { token: DEMO_TOKEN, device, speech: "hi" })).status.should.equal(200);
    const v2 = await post("/announcement", { token: DEMO_TOKEN, device, text: "hi" });
    v2.status.should.equal(401);
    v2.body.should.eql({ success: false, error: "INVALID_TOKEN" });
  });

  it("refuses a token configured as both v2 and v3", function () {
    (() => new VoiceMonkeySimulator({ v3Tokens: ["t"], v2Tokens: ["t"] })).should.throw(/one API generation/);
  });

  it("accepts media-only announcements: background_audio, audio_tracks", async function () {
    sim = new VoiceMonkeySimulator();
    await sim.start();
    const device = sim.devices.find((d) => d.capability === "speakers").id;
    const bg = await post("/announce", { token: DEMO_TOKEN, device, background_audio: "https://example.org/rain.mp3" });
    bg.status.should.equal(200);
    const tracks = await post("/announce", {
      token: DEMO_TOKEN,
      device,
      audio_tracks: ["media://bell", "media://gong"],
    });
    tracks.status.should.equal(200);
    sim.announcements.length.should.equal(2);
    sim.announcements[1].params.audio_tracks.should.eql(["media://bell", "media://gong"]);
    const none = await post("/announce", { token: DEMO_TOKEN, device });
    none.status.should.equal(400);
  });

  it("var- parameters upsert variables and come back as variableUpdates", async function () {
    sim = new VoiceMonkeySimulator();
    await sim.start();
    const device = sim.devices.find((d) => d.capability === "speakers").id;
    const res = await post("/announce", { token: DEMO_TOKEN, device, speech: "{LEVEL} litres", "var-LEVEL": "42" });
    res.body.should.eql({ success: true, data: "OK", variableUpdates: [{ name: "LEVEL", value: "42" }] });
    sim.variables.get("LEVEL").should.equal("42");
  });
});

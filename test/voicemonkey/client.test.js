"use strict";
const { VoiceMonkeySimulator } = require("../../build/devtools/simulators/voicemonkey");
const { VoiceMonkeyClient } = require("../../dist/features/voicemonkey/client");
const {
  AuthError,
  ApiError,
  QuotaError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  NetworkError,
} = require("../../dist/shared/errors");
const { HttpTransport } = require("../../dist/shared/http");

const V3 = "vm3-test-token-5c2e81d0aa";
const V2 = "vm2-test-token-93be47f1cc";
const DEVICES = [
  { id: "kitchen-echo-3f7k2", name: "Kitchen Echo", capability: "speakers" },
  { id: "living-room-lights-x4n8e", name: "Living room lights", capability: "routines" },
];

const failure = (promise) =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e) => e,
  );

describe("voicemonkey: client against the simulator", function () {
  let sim;
  const client = (o = {}) =>
    new VoiceMonkeyClient({
      apiVersion: "v3",
      token: V3,
      baseUrl: sim.url,
      maxThrottleWaitMs: 5000,
      retryDelayMs: 20,
      timeoutMs: 1000,
      ...o,
    });

  beforeEach(async function () {
    sim = new VoiceMonkeySimulator({ v3Tokens: [V3], v2Tokens: [V2], devices: DEVICES, retryAfterHeader: false });
    await sim.start();
  });
  afterEach(async function () {
    await sim.stop();
  });

  it("v3: POSTs JSON to /announce with the token as Bearer and the text as speech", async function () {
    const result = await client().announce({
      device: "kitchen-echo-3f7k2",
      text: "Water has been running for 30 minutes",
      voice: "Joanna",
      language: "en-US",
      chime: "soundbank://soundlibrary/alarms/beeps_and_bloops/bell_01",
      image: "",
    });
    result.should.eql({ device: "kitchen-echo-3f7k2", text: "Water has been running for 30 minutes", attempts: 1 });
    sim.count("/announce", "POST").should.equal(1);
    sim.announcements.should.have.length(1);
    const a = sim.announcements[0];
    a.auth.should.equal("bearer");
    a.apiVersion.should.equal("v3");
    // exactly the documented fields; blank options are left out so the account defaults apply
    a.params.should.eql({
      device: "kitchen-echo-3f7k2",
      speech: "Water has been running for 30 minutes",
      voice: "Joanna",
      language: "en-US",
      chime: "soundbank://soundlibrary/alarms/beeps_and_bloops/bell_01",
    });
  });

  it("v2: POSTs to /announcement with token, device and text", async function () {
    await client({ apiVersion: "v2", token: V2 }).announce({
      device: "any-device",
      text: "Olá, você",
      voice: "Ricardo",
    });
    sim.count("/announcement", "POST").should.equal(1);
    const a = sim.announcements[0];
    a.auth.should.equal("body");
    a.apiVersion.should.equal("v2");
    a.params.should.eql({ device: "any-device", text: "Olá, você", voice: "Ricardo" });
    a.text.should.equal("Olá, você");
  });

  it("v2: reads a failure that comes with HTTP 200 and success:false", async function () {
    sim.v2ErrorsAs200 = true;
    const err = await failure(client({ apiVersion: "v2", token: "wrong" }).announce({ device: "d", text: "x" }));
    err.should.be.instanceOf(AuthError);
    err.message.should.match(/rejected the token/);
  });

  it("lists the account's devices for the editor picker (v3), and explains that v2 has none", async function () {
    const devices = await client().devices();
    devices.should.eql(DEVICES);
    sim.count("/devices", "GET").should.equal(1);
    const err = await failure(client({ apiVersion: "v2", token: V2 }).devices());
    err.should.be.instanceOf(ValidationError);
    err.message.should.match(/v2 has no device list/);
  });

  const cases = [
    {
      name: "no token",
      setup: () => ({ token: "" }),
      type: AuthError,
      message: /No VoiceMonkey token: paste your API token/,
      requests: 0,
    },
    {
      name: "INVALID_TOKEN",
      setup: () => ({ token: "not-a-token" }),
      type: AuthError,
      message:
        /VoiceMonkey rejected the token: copy it again from the VoiceMonkey console.*set the node's API version to v2/,
    },
    {
      name: "a v2 token on v3",
      setup: () => ({ token: V2 }),
      type: AuthError,
      message: /rejected the token/,
    },
    {
      name: "USER_NOT_FOUND",
      setup: () => {
        sim.orphanTokens.add("orphan");
        return { token: "orphan" };
      },
      type: AuthError,
      message: /no account for it: create a new token/,
    },
    {
      name: "DEVICE_NOT_FOUND",
      device: "garage-echo",
      type: ApiError,
      status: 404,
      message: /no device "garage-echo" on this account: pick a speaker/,
    },
    {
      name: "a routine device",
      device: "living-room-lights-x4n8e",
      type: ApiError,
      status: 404,
      message: /pick a speaker/,
    },
    {
      name: "MONTHLY_QUOTA_EXCEEDED",
      setup: () => {
        sim.setUsage(V3, 200);
        return {};
      },
      type: QuotaError,
      message: /monthly request quota is used up.*200 a month/,
    },
    {
      name: "a server error",
      setup: () => {
        sim.inject({ kind: "status", status: 500, times: 1 });
        return {};
      },
      type: ApiError,
      status: 500,
      message: /server error \(HTTP 500\): the announcement was not spoken/,
    },
  ];
  for (const c of cases) {
    it(`maps ${c.name} to ${c.type.name} with a message that says what to do`, async function () {
      const overrides = c.setup ? c.setup() : {};
      const err = await failure(client(overrides).announce({ device: c.device ?? "kitchen-echo-3f7k2", text: "hi" }));
      err.should.be.instanceOf(c.type);
      err.message.should.match(c.message);
      if (c.status) err.status.should.equal(c.status);
      sim.count("/announce").should.equal(c.requests ?? 1);
      sim.announcements.should.have.length(0);
      err.message.should.not.containEql(V3);
    });
  }

  it("maps a MISSING_DEVICE answer, and checks device and text before calling", async function () {
    const http = new HttpTransport("t", { baseUrl: sim.url });
    const res = await http.request({ method: "POST", url: "/announce", data: { token: V3, speech: "x" } });
    res.status.should.equal(400);
    JSON.parse(res.body).should.eql({ error: "MISSING_DEVICE" });
    const { errorCode, toError } = require("../../dist/features/voicemonkey/client");
    toError(res, errorCode(res), { now: 0, apiVersion: "v3" }).message.should.match(/got no device: choose a device/);
    (await failure(client().announce({ device: " ", text: "x" }))).should.be.instanceOf(ValidationError);
    (await failure(client().announce({ device: "kitchen-echo-3f7k2", text: "  " }))).message.should.match(
      /Nothing to announce/,
    );
    sim.count("/announce").should.equal(1);
  });

  it("retries once after a throttling lockout (lockoutUntil), then speaks", async function () {
    sim.lockOut(150);
    const waits = [];
    const result = await client().announce(
      { device: "kitchen-echo-3f7k2", text: "hi" },
      { onThrottled: (ms) => waits.push(ms) },
    );
    result.attempts.should.equal(2);
    waits.should.have.length(1);
    waits[0].should.be.within(1, 150);
    sim.log.map((r) => r.status).should.eql([429, 200]);
    sim.announcements.should.have.length(1);
  });

  it("waits the Retry-After of a 429 before its one retry", async function () {
    sim.retryAfterHeader = true;
    sim.inject({ kind: "rate-limit", retryAfterSeconds: 1, times: 1 });
    const waits = [];
    await client().announce({ device: "kitchen-echo-3f7k2", text: "hi" }, { onThrottled: (ms) => waits.push(ms) });
    waits.should.eql([1000]);
    sim.log.map((r) => r.status).should.eql([429, 200]);
  });

  it("reads the THROTTLED:<until> form of the lockout too", async function () {
    sim.throttleStyle = "suffix";
    sim.lockOut(100);
    const waits = [];
    await client().announce({ device: "kitchen-echo-3f7k2", text: "hi" }, { onThrottled: (ms) => waits.push(ms) });
    waits[0].should.be.within(1, 100);
    sim.announcements.should.have.length(1);
  });

  it("gives up with a RateLimitError when still throttled after the one retry", async function () {
    sim.inject({ kind: "rate-limit", retryAfterSeconds: 0, times: 2 });
    const err = await failure(client().announce({ device: "kitchen-echo-3f7k2", text: "hi" }));
    err.should.be.instanceOf(RateLimitError);
    err.message.should.match(/still throttling after waiting once: the announcement was not spoken/);
    sim.count("/announce").should.equal(2);
    sim.announcements.should.have.length(0);
  });

  it("does not sit out a lockout longer than its cap", async function () {
    sim.lockOut(10 * 60_000);
    const err = await failure(
      client({ maxThrottleWaitMs: 1000 }).announce({ device: "kitchen-echo-3f7k2", text: "x" }),
    );
    err.should.be.instanceOf(RateLimitError);
    err.retryAfterMs.should.be.above(9 * 60_000);
    err.message.should.match(/throttling this account until \d{4}-\d\d-\d\dT/);
    sim.count("/announce").should.equal(1);
  });

  it("locks out a burst, as the service's safety lockout does", async function () {
    await sim.stop();
    sim = new VoiceMonkeySimulator({ v3Tokens: [V3], devices: DEVICES, burstLimit: 3, lockoutMs: 60_000 });
    await sim.start();
    sim.clock.freeze(Date.UTC(2026, 0, 5, 12));
    const c = client({ maxThrottleWaitMs: 1000, now: () => sim.clock.now() });
    for (let i = 0; i < 3; i++) await c.announce({ device: "kitchen-echo-3f7k2", text: `n${i}` });
    const err = await failure(c.announce({ device: "kitchen-echo-3f7k2", text: "n3" }));
    err.should.be.instanceOf(RateLimitError);
    err.retryAfterMs.should.equal(60_000);
    // the client remembers the lockout and does not prolong it with more requests
    sim.clock.advance(30_000);
    (await failure(c.announce({ device: "kitchen-echo-3f7k2", text: "n3" }))).should.be.instanceOf(RateLimitError);
    sim.count("/announce").should.equal(4);
    sim.clock.advance(30_001);
    await c.announce({ device: "kitchen-echo-3f7k2", text: "n4" });
    sim
      .spoken()
      .should.eql([
        "kitchen-echo-3f7k2: n0",
        "kitchen-echo-3f7k2: n1",
        "kitchen-echo-3f7k2: n2",
        "kitchen-echo-3f7k2: n4",
      ]);
  });

  it("retries a gateway error once (Cloudflare page), but not a timeout, which may have been spoken", async function () {
    sim.inject({ kind: "status", status: 503, times: 1 });
    (await client().announce({ device: "kitchen-echo-3f7k2", text: "a" })).attempts.should.equal(2);
    sim.inject({ kind: "status", status: 502, times: 2 });
    const bad = await failure(client().announce({ device: "kitchen-echo-3f7k2", text: "b" }));
    bad.should.be.instanceOf(ApiError);
    bad.status.should.equal(502);
    sim.inject({ kind: "hang", times: 1 });
    const slow = await failure(client({ timeoutMs: 200 }).announce({ device: "kitchen-echo-3f7k2", text: "c" }));
    slow.should.be.instanceOf(TimeoutError);
    slow.message.should.match(/may or may not have been spoken, so it is not repeated/);
    (slow.cause === undefined).should.be.true();
    sim.count("/announce").should.equal(5);
    sim.spoken().should.eql(["kitchen-echo-3f7k2: a"]);
  });

  it("retries a refused connection once and reports it without the request (and its token) attached", async function () {
    const url = sim.url;
    await sim.stop();
    const err = await failure(client({ baseUrl: url }).announce({ device: "kitchen-echo-3f7k2", text: "x" }));
    err.should.be.instanceOf(NetworkError);
    err.message.should.match(/Cannot reach VoiceMonkey/);
    (err.cause === undefined).should.be.true();
    JSON.stringify(err).should.not.containEql(V3);
  });

  it("stops waiting out a lockout when aborted", async function () {
    sim.lockOut(5000);
    const controller = new AbortController();
    const pending = failure(
      client().announce(
        { device: "kitchen-echo-3f7k2", text: "x" },
        { signal: controller.signal, onThrottled: () => controller.abort() },
      ),
    );
    (await pending).name.should.match(/^Abort/);
    sim.count("/announce").should.equal(1);
  });

  it("uses the real hosts by default and VOICEMONKEY_BASE_URL when set", function () {
    const saved = process.env.VOICEMONKEY_BASE_URL;
    delete process.env.VOICEMONKEY_BASE_URL;
    try {
      new VoiceMonkeyClient({ apiVersion: "v3", token: "t" }).baseUrl.should.equal("https://api-v3.voicemonkey.io");
      new VoiceMonkeyClient({ apiVersion: "v2", token: "t" }).baseUrl.should.equal("https://api-v2.voicemonkey.io");
      process.env.VOICEMONKEY_BASE_URL = "http://127.0.0.1:9/";
      new VoiceMonkeyClient({ apiVersion: "v3", token: "t" }).baseUrl.should.equal("http://127.0.0.1:9");
    } finally {
      if (saved === undefined) delete process.env.VOICEMONKEY_BASE_URL;
      else process.env.VOICEMONKEY_BASE_URL = saved;
    }
  });
});

describe("voicemonkey: simulator", function () {
  let sim;
  let http;
  beforeEach(async function () {
    sim = new VoiceMonkeySimulator({ v3Tokens: [V3], v2Tokens: [V2] });
    http = new HttpTransport("t", { baseUrl: await sim.start() });
  });
  afterEach(async function () {
    await sim.stop();
  });

  it("takes the v3 token from the query, the body or a Bearer header", async function () {
    (await http.request({ url: `/devices?token=${V3}` })).status.should.equal(200);
    (await http.request({ method: "POST", url: "/devices", data: { token: V3 } })).status.should.equal(200);
    const none = await http.request({ url: "/devices" });
    none.status.should.equal(401);
    JSON.parse(none.body).should.eql({ error: "UNAUTHORIZED" });
  });

  it("serves v2 with a raw Authorization header, decodes + in queries, and accepts unknown devices", async function () {
    const res = await http.request({
      url: "/announcement?device=nowhere&text=hello+there",
      headers: { Authorization: V2 },
    });
    res.status.should.equal(200);
    JSON.parse(res.body).should.eql({ success: true });
    sim.announcements[0].should.containDeep({ auth: "header", device: "nowhere", text: "hello there" });
    const bad = await http.request({ url: "/announcement?device=x&text=y", headers: { Authorization: V3 } });
    bad.status.should.equal(401);
    JSON.parse(bad.body).should.eql({ success: false, error: "INVALID_TOKEN" });
  });

  it("shows what was spoken at /__sim/announcements, without tokens", async function () {
    await http.request({ url: `/announce?token=${V3}&device=echo-kitchen&speech=Hi` });
    const res = await http.request({ url: "/__sim/announcements" });
    const list = JSON.parse(res.body).announcements;
    list.should.have.length(1);
    list[0].should.containDeep({ device: "echo-kitchen", text: "Hi", auth: "query", params: { speech: "Hi" } });
    res.body.should.not.containEql(V3);
    sim.count("/__sim/announcements").should.equal(0);
  });

  it("triggers routines and starts flows, refusing disabled ones", async function () {
    (await http.request({ url: `/trigger?token=${V3}&device=porch-lights-routine` })).body.should.equal(
      '{"success":true,"data":"OK"}',
    );
    sim.flows.push({ id: "2000", enabled: false });
    const off = await http.request({ url: `/flow?token=${V3}&flow=2000` });
    off.status.should.equal(400);
    JSON.parse(off.body).error.should.equal("FLOW_DISABLED");
    sim.triggers.should.have.length(1);
  });

  it("demo: knows echo-kitchen, accepts DEMO_CREDENTIALS on v3 only (a token has one generation), prints each line", async function () {
    const { demoSimulator, DEMO_CREDENTIALS } = require("../../build/devtools/simulators/voicemonkey");
    const demo = demoSimulator();
    const printed = [];
    const original = console.log;
    try {
      await demo.start();
      console.log = (line) => printed.push(line);
      const v3 = new VoiceMonkeyClient({ apiVersion: "v3", token: DEMO_CREDENTIALS.token, baseUrl: demo.url });
      (await v3.devices()).map((d) => d.id).should.containEql("echo-kitchen");
      await v3.announce({ device: "echo-kitchen", text: "Water has been running for 30 minutes" });
      const v2 = new VoiceMonkeyClient({ apiVersion: "v2", token: DEMO_CREDENTIALS.token, baseUrl: demo.url });
      const err = await v2.announce({ device: "echo-kitchen", text: "Dryer is done" }).catch((e) => e);
      err.message.should.match(/set the node's API version to v3/);
    } finally {
      console.log = original;
      await demo.stop();
    }
    printed.should.eql(["[alexa echo-kitchen] Water has been running for 30 minutes"]);
    Object.keys(DEMO_CREDENTIALS).should.eql(["token"]);
  });
});

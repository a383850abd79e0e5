// Every node bounds what one message may make it do (issue 19): a 4 MB name or an oversized list is a
// clear error through the funnel (Catch, red status) before any work or call is made.
"use strict";
const { helper, major, nodeModules, collect } = require("../helpers/node-red");
const { VoiceMonkeySimulator } = require("../../build/devtools/simulators/voicemonkey");
const { EnergyLiveSimulator } = require("../../build/devtools/simulators/energylive");
const { TibberSimulator, DEMO_TOKEN } = require("../../build/devtools/simulators/tibber");

const HUGE = "x".repeat(4 * 1024 * 1024);
const tooLong = (property, max = 1000) =>
  new RegExp(`^msg\\.${property.replace(/[.[\]]/g, "\\$&")} has \\d+ characters; this node takes at most ${max}\\.$`);
const tooMany = (property, max) =>
  new RegExp(`^msg\\.${property.replace(/[.[\]]/g, "\\$&")} has \\d+ entries; this node takes at most ${max} in one`);

/** Sends `msg` to node `id` and resolves with the error its funnel reports and the red status. */
function refusal(id, msg) {
  const node = helper.getNode(id);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no error from ${id}: ${JSON.stringify(node.status.args)}`)), 5000);
    node.once("call:error", (call) => {
      clearTimeout(timer);
      const [err, sent] = call.args;
      resolve({ message: String(err.message || err), msg: sent, status: node.status.lastCall.args[0] });
    });
    node.receive(msg);
  });
}

const prices = (n) =>
  Array.from({ length: n }, (_, i) => ({
    startsAt: new Date(Date.UTC(2026, 0, 1) + i * 3600e3).toISOString(),
    total: 0.3,
  }));

describe(`runtime: bounded input of every node (Node-RED ${major})`, function () {
  const services = [];
  afterEach(async function () {
    await helper.unload();
    while (services.length) await services.pop().stop();
  });

  it("voicemonkey-announce refuses a 4 MB msg.device before calling VoiceMonkey", async function () {
    const sim = new VoiceMonkeySimulator({ v3Tokens: ["b-vm-token"] });
    services.push(sim);
    await sim.start();
    const flow = [
      {
        id: "n",
        type: "voicemonkey-announce",
        apiVersion: "v3",
        baseUrl: sim.url,
        device: "echo-kitchen",
        cooldown: 0,
        maxPerDay: 0,
        wires: [["o"]],
      },
      { id: "o", type: "helper" },
    ];
    await helper.load(nodeModules("voicemonkey-announce"), flow, { n: { token: "b-vm-token" } });
    const got = collect(helper.getNode("o"));
    const r = await refusal("n", { payload: "Leak", device: HUGE, topic: "t" });
    r.message.should.match(tooLong("device"));
    r.msg.topic.should.equal("t");
    r.status.should.eql({ fill: "red", shape: "ring", text: "msg.device too long" });
    (await refusal("n", { payload: "a".repeat(8001) })).message.should.match(
      /8001 characters; Alexa speaks at most 8000/,
    );
    got.should.have.length(0);
    sim.count().should.equal(0);
  });

  it("energylive-reader refuses a 4 MB msg.deviceUid before calling energyLIVE", async function () {
    const sim = new EnergyLiveSimulator();
    services.push(sim);
    sim.addDevice("I-10082023-01658401", { fixedLoadW: 1380 });
    sim.addApiKey("b-el-key", ["I-10082023-01658401"]);
    await sim.start();
    const flow = [
      {
        id: "n",
        type: "energylive-reader",
        deviceUid: "I-10082023-01658401",
        baseUrl: sim.url,
        interval: 0,
        timeout: 2,
        wires: [["o"]],
      },
      { id: "o", type: "helper" },
    ];
    await helper.load(nodeModules("energylive-reader"), flow, { n: { apiKey: "b-el-key" } });
    const r = await refusal("n", { deviceUid: HUGE });
    r.message.should.match(tooLong("deviceUid"));
    r.status.text.should.equal("msg.deviceUid too long");
    sim.count().should.equal(0);
  });

  it("tibber-prices refuses a 4 MB msg.topic (kept on its output) before calling Tibber", async function () {
    const sim = new TibberSimulator();
    services.push(sim);
    await sim.start();
    const flow = [
      {
        id: "n",
        type: "tibber-prices",
        baseUrl: sim.url,
        home: "",
        resolution: "HOURLY",
        emit: "input",
        wires: [["o1"], ["o2"]],
      },
      { id: "o1", type: "helper" },
      { id: "o2", type: "helper" },
    ];
    await helper.load(nodeModules("tibber-prices"), flow, { n: { token: DEMO_TOKEN } });
    const r = await refusal("n", { payload: "prices", topic: HUGE });
    r.message.should.match(tooLong("topic"));
    sim.count().should.equal(0);
  });

  it("energy-cost refuses a 4 MB series name or tag and more than 50,000 entries, and keeps nothing of them", async function () {
    const flow = [
      {
        id: "n",
        type: "energy-cost",
        timezone: "Europe/Berlin",
        unit: "kWh",
        label: "start",
        currency: "EUR",
        gridWindows: "[]",
        wires: [["o"]],
      },
      { id: "o", type: "helper" },
    ];
    await helper.load(nodeModules("energy-cost"), flow);
    const got = collect(helper.getNode("o"));
    const t = Date.UTC(2026, 0, 5);
    (await refusal("n", { topic: HUGE, payload: [{ t, v: 1 }] })).message.should.match(tooLong("topic"));
    const point = {
      measurement: "meter_consumption",
      fields: { consumption: 1 },
      tags: { meter_id: HUGE, interval: "hourly" },
      timestamp: t,
    };
    (await refusal("n", { payload: [point] })).message.should.match(tooLong("payload[0].tags.meter_id"));
    (await refusal("n", { payload: { meters: { [HUGE]: { hour: { consumption: [] } } } } })).message.should.match(
      tooLong("payload.meters key"),
    );
    const r = await refusal("n", { payload: prices(50_001) });
    r.message.should.match(tooMany("payload", 50000));
    r.status.text.should.equal("msg.payload: too many entries");
    (
      await refusal("n", { payload: { currency: "EUR", today: prices(30_000), tomorrow: prices(20_001) } })
    ).message.should.match(tooMany("payload.today and tomorrow", 50000));
    got.should.have.length(0);
    helper.getNode("n").context().get("energyCost") === undefined ||
      helper.getNode("n").context().get("energyCost").intervals.length.should.equal(0);
  });

  it("price-plan refuses more than 50,000 price slots and a 4 MB currency", async function () {
    const flow = [
      {
        id: "n",
        type: "price-plan",
        hours: 1,
        from: "22:00",
        to: "07:00",
        timezone: "Europe/Berlin",
        wires: [["p"], ["s"]],
      },
      { id: "p", type: "helper" },
      { id: "s", type: "helper" },
    ];
    await helper.load(nodeModules("price-plan"), flow);
    (await refusal("n", { payload: prices(50_001) })).message.should.match(tooMany("payload", 50000));
    const one = [{ startsAt: "2026-01-05T22:00:00Z", total: 0.2, currency: HUGE }];
    (await refusal("n", { payload: one })).message.should.match(tooLong("payload[0].currency"));
  });

  it("meter-interpolate refuses a 4 MB meter name (live or batch) and more than 10,000 meters in one message", async function () {
    const flow = [
      { id: "n", type: "meter-interpolate", wires: [["o1"], ["o2"]] },
      { id: "o1", type: "helper" },
      { id: "o2", type: "helper" },
    ];
    await helper.load(nodeModules("meter-interpolate"), flow);
    const t = Date.UTC(2026, 0, 5);
    // meter ids: the engine's own bound of 200 characters
    (await refusal("n", { topic: HUGE, payload: 1000, timestamp: t })).message.should.match(tooLong("topic", 200));
    const rows = [
      { _time: t, _value: 1, entity_id: "gas" },
      { _time: t + 1, _value: 2, entity_id: HUGE },
    ];
    (await refusal("n", { payload: rows })).message.should.match(tooLong("payload[1].entity_id", 200));
    const meters = [{ id: HUGE, readings: [] }];
    (await refusal("n", { payload: { meters } })).message.should.match(tooLong("payload.meters[0].id", 200));
    const many = Array.from({ length: 10_001 }, (_, i) => ({ id: `m${i}`, readings: [] }));
    (await refusal("n", { payload: { meters: many } })).message.should.match(tooMany("payload.meters", 10000));
    (helper.getNode("n").context().get("meterInterpolateLive") || {}).should.not.have.property(HUGE);
  });
});

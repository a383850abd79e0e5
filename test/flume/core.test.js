"use strict";
const {
  stepRule,
  initialRuleState,
  stepFlume,
  initialFlumeState,
  alertSentence,
  durationPhrase,
  planPolling,
  observeSensor,
  initialSensorState,
  sensorCondition,
  formatLocal,
  parseLocal,
} = require("../../dist/features/flume/domain");

const MIN = 60_000;

describe("flume leak rule", function () {
  it("raises once after the flow stayed at or above the threshold for the minutes, and clears once", function () {
    const settings = { threshold: 0.5, minutes: 30 };
    let state = initialRuleState();
    const events = [];
    // 2.1 gal/min from minute 0 to 40, then nothing; one sample every 5 minutes for an hour.
    for (let m = 0; m <= 60; m += 5) {
      const step = stepRule(state, { flowRate: m < 40 ? 2.1 : 0, at: m * MIN }, settings);
      state = step.state;
      if (step.event) events.push({ ...step.event, at: m });
    }
    events.should.eql([
      { type: "leak", since: 0, durationMs: 30 * MIN, at: 30 },
      { type: "leak-cleared", since: 0, durationMs: 40 * MIN, at: 40 },
    ]);
  });

  it("restarts the count after a break and is off with a zero threshold", function () {
    const settings = { threshold: 1, minutes: 10 };
    let state = initialRuleState();
    const flows = [2, 2, 0, 2, 2, 2];
    const events = [];
    flows.forEach((f, i) => {
      const step = stepRule(state, { flowRate: f, at: i * 5 * MIN }, settings);
      state = step.state;
      if (step.event) events.push([step.event.type, i]);
    });
    events.should.eql([["leak", 5]]);
    stepRule(initialRuleState(), { flowRate: 99, at: 0 }, { threshold: 0, minutes: 0 }).state.raised.should.be.false();
  });
});

describe("flume's own alert signals", function () {
  const DEV = "6721255604737738501";
  const note = (id, rule, createdAt, read = false) => ({ id, deviceId: DEV, ruleName: rule, read, createdAt });

  it("raises a leak from leaks/active with its notification once, and clears it when leaks/active clears", function () {
    let state = initialFlumeState();
    const all = [];
    const run = (obs) => {
      const r = stepFlume(state, obs, DEV);
      state = r.state;
      all.push(...r.events.map((e) => e.type));
    };
    const leakNote = note(1, "Flume Smart Leak Alert", 60 * MIN);
    run({ at: 0, leakActive: false, notifications: [] });
    run({ at: 65 * MIN, leakActive: true, notifications: [leakNote] });
    run({ at: 70 * MIN, leakActive: true, notifications: [leakNote] });
    run({ at: 75 * MIN, leakActive: false, notifications: [leakNote] }); // still unread: must clear anyway
    run({ at: 80 * MIN, leakActive: false, notifications: [leakNote] });
    all.should.eql(["leak", "leak-cleared"]);
    // a new leak later raises again
    run({ at: 90 * MIN, leakActive: true, notifications: [leakNote, note(2, "Flume Smart Leak Alert", 88 * MIN)] });
    all.should.eql(["leak", "leak-cleared", "leak"]);
  });

  it("follows a notification alone until it is read; ignores stale, read, other devices' and budget ones", function () {
    let state = initialFlumeState();
    const now = 100 * 24 * 60 * MIN;
    const noise = [
      note(1, "Flume Smart Leak Alert", now - 3 * 24 * 60 * MIN), // stale
      note(2, "Flume Smart Leak Alert", now - MIN, true), // read
      { ...note(3, "Flume Smart Leak Alert", now - MIN), deviceId: "other" },
      note(4, "100% of monthly budget", now - MIN),
    ];
    let r = stepFlume(state, { at: now, notifications: noise }, DEV);
    r.events.should.eql([]);
    const fresh = note(5, "Flume Smart Leak Alert", now + MIN);
    r = stepFlume(r.state, { at: now + 2 * MIN, notifications: [...noise, fresh] }, DEV);
    r.events.should.eql([{ type: "leak", since: now + MIN }]);
    r = stepFlume(r.state, { at: now + 7 * MIN }, DEV); // flow-only poll keeps the state
    r.events.should.eql([]);
    r = stepFlume(r.state, { at: now + 12 * MIN, notifications: [...noise, { ...fresh, read: true }] }, DEV);
    r.events.should.eql([{ type: "leak-cleared", since: now + MIN }]);
  });

  it("raises high flow once and clears it when the water stops, without raising again for the same alert", function () {
    const high = note(9, "High Flow Alert", 10 * MIN);
    let r = stepFlume(initialFlumeState(), { at: 11 * MIN, notifications: [high], flowActive: true }, DEV);
    r.events.map((e) => e.type).should.eql(["high-flow"]);
    r = stepFlume(r.state, { at: 12 * MIN, flowActive: true }, DEV);
    r.events.should.eql([]);
    r = stepFlume(r.state, { at: 13 * MIN, flowActive: false }, DEV);
    r.events.map((e) => e.type).should.eql(["high-flow-cleared"]);
    r = stepFlume(r.state, { at: 18 * MIN, notifications: [high], flowActive: true }, DEV);
    r.events.should.eql([]);
  });
});

describe("a sensor's alerts combined", function () {
  it("sends rule and Flume alerts side by side, each once, and names what is raised", function () {
    const settings = { rule: { threshold: 0.2, minutes: 10 }, useFlumeAlerts: true, unit: "gal" };
    const DEV = "6721255604737738501";
    const leakNote = { id: 1, deviceId: DEV, ruleName: "Flume Smart Leak Alert", read: false, createdAt: 0 };
    let r = observeSensor(
      initialSensorState(),
      { deviceId: DEV, flowRate: 0.3, flowActive: true, at: MIN, leakActive: true, notifications: [leakNote] },
      settings,
    );
    r.alerts.map((a) => `${a.source}:${a.type}`).should.eql(["flume:leak"]);
    sensorCondition(r.state).should.equal("leak");
    r = observeSensor(r.state, { deviceId: DEV, flowRate: 0.3, flowActive: true, at: 11 * MIN }, settings);
    r.alerts.map((a) => `${a.source}:${a.type}`).should.eql(["rule:leak"]);
    r.alerts[0].message.should.equal("Water has been running at 0.3 gallons per minute for 10 minutes.");
    r = observeSensor(
      r.state,
      { deviceId: DEV, flowRate: 0, flowActive: false, at: 12 * MIN, leakActive: false, notifications: [leakNote] },
      settings,
    );
    r.alerts.map((a) => `${a.source}:${a.type}`).should.eql(["rule:leak-cleared", "flume:leak-cleared"]);
    (sensorCondition(r.state) === undefined).should.be.true();
  });
});

describe("flume spoken sentences and polling plan", function () {
  it("speaks flow and duration plainly", function () {
    alertSentence("leak", "rule", 2.13, "gal", 35 * MIN).should.equal(
      "Water has been running at 2.1 gallons per minute for 35 minutes.",
    );
    alertSentence("leak", "rule", 1, "L", 125 * MIN).should.equal(
      "Water has been running at 1 liter per minute for 2 hours and 5 minutes.",
    );
    alertSentence("leak", "flume", 0, "gal", 0).should.equal("Flume reports a possible leak.");
    alertSentence("leak", "flume", 0.05, "gal", 0).should.equal(
      "Flume reports a possible leak. Water is running at 0.05 gallons per minute.",
    );
    durationPhrase(30_000).should.equal("less than a minute");
    durationPhrase(60 * MIN).should.equal("1 hour");
  });

  it("stretches the polls of several nodes by one factor that fits the budget", function () {
    const H = 3_600_000;
    const one = planPolling([{ intervalMs: 60_000, useFlumeAlerts: true }], 100, H, 300_000);
    one.factor.should.equal(1);
    one.wanted.should.equal(74);
    const three = planPolling(
      [1, 2, 3].map(() => ({ intervalMs: 60_000, useFlumeAlerts: true })),
      100,
      H,
      300_000,
    );
    three.wanted.should.equal(198);
    three.available.should.equal(90);
    three.factor.should.be.approximately(198 / 90, 1e-9);
    planPolling([{ intervalMs: 0, useFlumeAlerts: true }], 100, H, 300_000).wanted.should.equal(0);
  });

  it("converts Flume's local times in the home's time zone, across daylight saving", function () {
    const tz = "America/Los_Angeles";
    formatLocal(Date.UTC(2026, 0, 15, 20, 30), tz).should.equal("2026-01-15 12:30:00");
    formatLocal(Date.UTC(2026, 6, 15, 19, 30), tz).should.equal("2026-07-15 12:30:00");
    parseLocal("2026-07-15 12:30:00", tz).should.equal(Date.UTC(2026, 6, 15, 19, 30));
    parseLocal("2026-03-08 03:30:00", tz).should.equal(Date.UTC(2026, 2, 8, 10, 30));
    Number.isNaN(parseLocal("yesterday", tz)).should.be.true();
  });
});

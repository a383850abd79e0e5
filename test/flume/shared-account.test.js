"use strict";
const { FlumeAccount, MIN_ALERT_PERIOD_MS } = require("../../dist/features/flume/client/account");
const { planPolling } = require("../../dist/features/flume/domain/poll-plan");

const HOUR = 3_600_000;
const everyMinute = { intervalMs: 60_000, useFlumeAlerts: true };

// Two flume-config nodes with one login (as after importing both Flume examples) must plan their polls
// together: Flume counts calls per account and IP, not per config node.
describe("flume accounts with the same login", function () {
  const options = (clientId) => ({
    baseUrl: "http://127.0.0.1:9",
    credentials: { clientId, clientSecret: "s", username: "u@example.com", password: "p" },
    budgetPerHour: 100,
  });

  it("share one polling plan and one budget", function () {
    const a = new FlumeAccount(options("same-login"));
    const b = new FlumeAccount(options("same-login"));
    const alone = a.register("flow-1", everyMinute);
    const together = b.register("flow-2", everyMinute);
    alone.should.eql(planPolling([everyMinute], 100, HOUR, MIN_ALERT_PERIOD_MS));
    together.should.eql(planPolling([everyMinute, everyMinute], 100, HOUR, MIN_ALERT_PERIOD_MS));
    together.wanted.should.be.above(alone.wanted);
    a.plan().should.eql(b.plan());
    (a.client.budget === b.client.budget).should.be.true();
    b.unregister("flow-2");
    a.plan().wanted.should.equal(alone.wanted);
    a.unregister("flow-1");
  });

  it("keep separate plans for different logins", function () {
    const a = new FlumeAccount(options("login-a"));
    const b = new FlumeAccount(options("login-b"));
    const planA = a.register("flow-a", { intervalMs: 60_000, useFlumeAlerts: true });
    b.register("flow-b", { intervalMs: 30_000, useFlumeAlerts: true });
    a.plan().wanted.should.equal(planA.wanted);
    (a.client.budget === b.client.budget).should.be.false();
    a.unregister("flow-a");
    b.unregister("flow-b");
  });
});

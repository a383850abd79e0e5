"use strict";
// The health registry: success and error from the status line, figures read on demand, a day counter.
const { track, snapshot, perDay } = require("../../dist/runtime/health");

describe("runtime health", function () {
  it("records the last success and the last error with their times, and forgets a closed node", function () {
    const t = track("h-test-1", "tibber-prices", "Prices");
    t.status({ fill: "green", shape: "dot", text: "ok · 0.2 EUR · 10:00" }, 1000);
    t.status({ fill: "red", shape: "ring", text: "token refused" }, 2000);
    t.facts(() => ({ tibberCallsToday: 3 }));
    const row = snapshot().find((n) => n.id === "h-test-1");
    row.should.containDeep({
      lastSuccessAt: 1000,
      lastErrorAt: 2000,
      lastError: "token refused",
      facts: { tibberCallsToday: 3 },
    });
    t.forget();
    snapshot()
      .some((n) => n.id === "h-test-1")
      .should.be.false();
  });

  it("counts per local day from an ever-growing counter", function () {
    let calls = 4;
    let now = new Date(2025, 5, 10, 23, 0).getTime();
    const today = perDay(
      () => calls,
      () => now,
    );
    today().should.equal(4);
    calls = 6;
    now = new Date(2025, 5, 11, 0, 30).getTime();
    today().should.equal(0);
    calls = 9;
    today().should.equal(3);
  });
});

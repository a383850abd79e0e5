"use strict";
// What a chart needs from tibber-prices' summary without a function node: endsAt per slot, one flat list.
const { summaryPayload } = require("../../dist/features/tibber/prices-payload");

function slot(startsAt, startMs, total) {
  return {
    startsAt,
    startMs,
    endMs: startMs + 3600000,
    total,
    energy: total * 0.8,
    tax: total * 0.2,
    level: "NORMAL",
    currency: "EUR",
  };
}

describe("tibber-prices summary for charts", function () {
  it("carries endsAt on every slot and today + tomorrow as one slots list", function () {
    const t0 = Date.parse("2025-06-10T22:00:00Z");
    const today = [
      slot("2025-06-11T00:00:00.000+02:00", t0, 0.2),
      slot("2025-06-11T01:00:00.000+02:00", t0 + 3600000, 0.3),
    ];
    const tomorrow = [slot("2025-06-12T00:00:00.000+02:00", t0 + 86400000, 0.1)];
    const view = { home: { id: "h1", nickname: "Home", timeZone: "Europe/Berlin" }, currency: "EUR", today, tomorrow };
    const p = summaryPayload(view, today[0], "HOURLY", { minutes: 0, contiguous: true }, t0);
    p.current.endsAt.should.equal("2025-06-11T01:00:00.000+02:00");
    p.slots.map((s) => s.startsAt).should.eql([...today, ...tomorrow].map((s) => s.startsAt));
    p.slots
      .map((s) => s.endsAt)
      .should.eql(["2025-06-11T01:00:00.000+02:00", "2025-06-11T02:00:00.000+02:00", "2025-06-12T01:00:00.000+02:00"]);
  });
});

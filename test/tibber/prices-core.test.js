"use strict";
// Pure price logic: slot parsing, DST slot counts, cheapest windows, the refresh schedule, the emit log.
const {
  parseSlots,
  expectedSlotCount,
  coversDay,
  slotAt,
  nextBoundary,
} = require("../../dist/features/tibber/domain/slots");
const { cheapestWindow } = require("../../dist/features/tibber/domain/cheapest");
const { planRefresh } = require("../../dist/features/tibber/domain/schedule");
const { EmitLog } = require("../../dist/features/tibber/domain/emit-log");
const {
  atLocalTime,
  localDateKey,
  formatLocalIso,
  startOfLocalDay,
} = require("../../dist/features/tibber/domain/time-zone");
const { ApiError } = require("../../dist/shared/errors");

const OSLO = "Europe/Oslo";
const at = (iso) => Date.parse(iso);

/** Hourly slots with the given totals, starting at `startIso`. */
function hourly(startIso, totals) {
  const start = at(startIso);
  return parseSlots(
    totals.map((total, i) => ({
      total,
      energy: total - 0.1,
      tax: 0.1,
      startsAt: new Date(start + i * 3600_000).toISOString(),
      currency: "EUR",
      level: "NORMAL",
    })),
    "HOURLY",
  );
}

describe("tibber prices: slot parsing", function () {
  it("parses an hourly capture with its offset, sorted, one hour long", function () {
    const slots = parseSlots(
      [
        { total: 0.3293, energy: 0.13, tax: 0.1993, startsAt: "2025-01-04T13:00:00.000+01:00" },
        {
          total: 0.3,
          energy: 0.1,
          tax: 0.2,
          startsAt: "2025-01-04T12:00:00.000+01:00",
          currency: "EUR",
          level: "CHEAP",
        },
      ],
      "HOURLY",
    );
    slots.map((s) => s.startMs).should.eql([at("2025-01-04T11:00:00Z"), at("2025-01-04T12:00:00Z")]);
    slots[0].endMs.should.equal(at("2025-01-04T12:00:00Z"));
    slots[0].level.should.equal("CHEAP");
    slots[1].total.should.equal(0.3293);
    (slots[1].level === null).should.be.true();
  });

  it("parses quarter-hourly slots as 15 minutes and finds the one running now", function () {
    const raw = [0, 15, 30, 45].map((m, i) => ({
      total: i,
      startsAt: `2025-10-01T00:${String(m).padStart(2, "0")}:00.000+02:00`,
    }));
    const slots = parseSlots(raw, "QUARTER_HOURLY");
    slots[1].endMs.should.equal(at("2025-10-01T00:30:00+02:00"));
    slotAt(slots, at("2025-10-01T00:31:00+02:00")).total.should.equal(2);
    (slotAt(slots, at("2025-10-01T01:00:00+02:00")) === undefined).should.be.true();
  });

  it("reports a slot without startsAt as an API fault", function () {
    (() => parseSlots([{ total: 1 }], "HOURLY")).should.throw(ApiError);
  });

  it("counts slots of normal and DST days in the home's zone", function () {
    expectedSlotCount("2025-10-01", OSLO, "QUARTER_HOURLY").should.equal(96);
    expectedSlotCount("2025-10-01", OSLO, "HOURLY").should.equal(24);
    expectedSlotCount("2025-03-30", OSLO, "QUARTER_HOURLY").should.equal(92);
    expectedSlotCount("2025-03-30", OSLO, "HOURLY").should.equal(23);
    expectedSlotCount("2025-10-26", "Europe/Berlin", "QUARTER_HOURLY").should.equal(100);
    expectedSlotCount("2025-10-26", "Europe/Berlin", "HOURLY").should.equal(25);
  });

  it("finds local midnights and formats instants as Tibber does", function () {
    startOfLocalDay("2025-10-26", OSLO).should.equal(at("2025-10-25T22:00:00Z"));
    startOfLocalDay("2025-10-27", OSLO).should.equal(at("2025-10-26T23:00:00Z"));
    atLocalTime("2025-03-30", 13 * 60, OSLO).should.equal(at("2025-03-30T11:00:00Z"));
    formatLocalIso(at("2025-10-26T01:15:00Z"), OSLO).should.equal("2025-10-26T02:15:00.000+01:00");
    formatLocalIso(at("2025-10-26T00:15:00Z"), OSLO).should.equal("2025-10-26T02:15:00.000+02:00");
    localDateKey(at("2025-10-25T22:30:00Z"), OSLO).should.equal("2025-10-26");
  });

  it("knows when a day is fully published, and the next slot boundary", function () {
    const day = hourly("2025-10-25T22:00:00Z", new Array(25).fill(1));
    coversDay(day, "2025-10-26", OSLO, "HOURLY").should.be.true();
    coversDay(day.slice(1), "2025-10-26", OSLO, "HOURLY").should.be.false();
    nextBoundary(at("2025-10-01T10:07:00Z"), "QUARTER_HOURLY").should.equal(at("2025-10-01T10:15:00Z"));
    nextBoundary(at("2025-10-01T10:15:00Z"), "HOURLY").should.equal(at("2025-10-01T11:00:00Z"));
  });
});

describe("tibber prices: cheapest window", function () {
  // A known curve: 5 4 3 9 1 8 2 7 (hours 00..07 UTC).
  const curve = hourly("2025-01-01T00:00:00Z", [5, 4, 3, 9, 1, 8, 2, 7]);
  const start = at("2025-01-01T00:00:00Z");

  it("contiguous: the cheapest block of consecutive slots", function () {
    const w = cheapestWindow(curve, { minutes: 120, contiguous: true, fromMs: start });
    w.startMs.should.equal(start + 3600_000);
    w.endMs.should.equal(start + 3 * 3600_000);
    w.average.should.equal(3.5);
    w.periods.length.should.equal(1);
  });

  it("not contiguous: the cheapest slots wherever they are, merged into periods", function () {
    const w = cheapestWindow(curve, { minutes: 120, contiguous: false, fromMs: start });
    w.average.should.equal(1.5);
    w.periods.should.eql([
      { startMs: start + 4 * 3600_000, endMs: start + 5 * 3600_000 },
      { startMs: start + 6 * 3600_000, endMs: start + 7 * 3600_000 },
    ]);
    const three = cheapestWindow(curve, { minutes: 180, contiguous: false, fromMs: start });
    three.average.should.equal(2);
    three.periods.length.should.equal(3);
  });

  it("ignores slots that are over, keeps the one running now, and prefers the earlier of equal windows", function () {
    const w = cheapestWindow(curve, { minutes: 120, contiguous: true, fromMs: start + 2.5 * 3600_000 });
    // candidates from slot 2 (3,9,1,8,2,7): 3+9=12, 9+1=10, 1+8=9, 8+2=10, 2+7=9 → the first 9 wins
    w.startMs.should.equal(start + 4 * 3600_000);
    w.average.should.equal(4.5);
  });

  it("rounds a length up to whole slots and works on quarters", function () {
    const quarters = parseSlots(
      [3, 1, 1, 2, 0.5, 4].map((total, i) => ({ total, startsAt: new Date(start + i * 900_000).toISOString() })),
      "QUARTER_HOURLY",
    );
    const w = cheapestWindow(quarters, { minutes: 40, contiguous: true, fromMs: start });
    w.slotCount.should.equal(3);
    // 3+1+1 = 5, 1+1+2 = 4, 1+2+0.5 = 3.5, 2+0.5+4 = 6.5
    w.startMs.should.equal(start + 2 * 900_000);
    w.average.should.equal(1.1667);
  });

  it("does not bridge a gap in the data, and says nothing when the horizon is too short", function () {
    const gappy = [...curve.slice(0, 2), ...curve.slice(3)];
    const w = cheapestWindow(gappy, { minutes: 180, contiguous: true, fromMs: start });
    // 5,4 is cut off by the gap; after it 9,1,8 = 18, 1,8,2 = 11, 8,2,7 = 17
    w.startMs.should.equal(start + 4 * 3600_000);
    (cheapestWindow(curve, { minutes: 9 * 60, contiguous: false, fromMs: start }) === undefined).should.be.true();
    (cheapestWindow([], { minutes: 60, contiguous: true, fromMs: start }) === undefined).should.be.true();
  });
});

describe("tibber prices: refresh schedule", function () {
  const day = "2025-06-10";
  const t = (hhmm) => atLocalTime(day, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), OSLO);
  const base = { timeZone: OSLO, todayKey: day, tomorrowComplete: false };

  it("fetches when nothing is cached for today", function () {
    planRefresh({ ...base, todayKey: "2025-06-09", nowMs: t("00:00") }).due.should.be.true();
    planRefresh({ ...base, todayKey: undefined, nowMs: t("09:00") }).due.should.be.true();
  });

  it("waits until 13:00 local for tomorrow, then polls every 15 minutes on a fixed grid", function () {
    const morning = planRefresh({ ...base, nowMs: t("09:00"), lastAttemptMs: t("00:01") });
    morning.due.should.be.false();
    morning.nextAtMs.should.equal(t("13:00"));
    planRefresh({ ...base, nowMs: t("13:00"), lastAttemptMs: t("00:01") }).due.should.be.true();
    const after = planRefresh({ ...base, nowMs: t("13:05"), lastAttemptMs: t("13:02") });
    after.due.should.be.false();
    after.nextAtMs.should.equal(t("13:15"));
    planRefresh({ ...base, nowMs: t("13:15") - 500, lastAttemptMs: t("13:02") }).due.should.be.true();
  });

  it("stops polling after 21:00 and once tomorrow is complete", function () {
    const late = planRefresh({ ...base, nowMs: t("21:30"), lastAttemptMs: t("21:00") });
    late.due.should.be.false();
    late.nextAtMs.should.equal(startOfLocalDay("2025-06-11", OSLO));
    const done = planRefresh({ ...base, tomorrowComplete: true, nowMs: t("14:00"), lastAttemptMs: t("13:00") });
    done.due.should.be.false();
    done.nextAtMs.should.equal(startOfLocalDay("2025-06-11", OSLO));
  });

  it("holds every call until a back-off or ban ends, and applies the jitter", function () {
    const held = planRefresh({ ...base, todayKey: undefined, nowMs: t("09:00"), retryAtMs: t("09:10") });
    held.due.should.be.false();
    held.nextAtMs.should.equal(t("09:10"));
    const jittered = planRefresh({ ...base, nowMs: t("13:00"), lastAttemptMs: t("00:01"), jitterMs: 90_000 });
    jittered.due.should.be.false();
    jittered.nextAtMs.should.equal(t("13:00") + 90_000);
  });
});

describe("tibber prices: emit log", function () {
  it("passes each item once, again only when its value changed, and forgets old items", function () {
    const log = new EmitLog();
    log.fresh("a", 1, "0.1").should.be.true();
    log.fresh("a", 1, "0.1").should.be.false();
    log.fresh("a", 1, "0.2").should.be.true();
    log.fresh("b", 5, "x").should.be.true();
    log.prune(3);
    log.size.should.equal(1);
    log.fresh("a", 1, "0.2").should.be.true();
  });
});

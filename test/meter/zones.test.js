// R2 boundaries in zones with DST (23 h and 25 h days, two local 02:00 on fall-back), a +05:30 zone,
// and a zone whose DST change happens at midnight.
"use strict";
const { meter, runSingle, close } = require("./engine-helpers");

const iso = (t) => new Date(t).toISOString();
const ms = (s) => Date.parse(s);

describe("meter engine: time zones", function () {
  it("Europe/Berlin fall-back day has 25 hourly boundaries, both 02:00 included", function () {
    const clock = meter.zoneClock("Europe/Berlin");
    const day = clock.boundaries("hour", ms("2024-10-26T22:00:00Z"), ms("2024-10-27T22:59:00Z"));
    day.length.should.equal(25);
    // Local 02:00 CEST = 00:00Z, local 02:00 CET = 01:00Z.
    iso(day[2]).should.equal("2024-10-27T00:00:00.000Z");
    iso(day[3]).should.equal("2024-10-27T01:00:00.000Z");
    clock.fields(day[2]).hour.should.equal(2);
    clock.fields(day[3]).hour.should.equal(2);
  });

  it("Europe/Berlin spring day has 23 hourly boundaries and no local 02:00", function () {
    const clock = meter.zoneClock("Europe/Berlin");
    const day = clock.boundaries("hour", ms("2024-03-30T23:00:00Z"), ms("2024-03-31T21:59:00Z"));
    day.length.should.equal(23);
    Array.from(day, (t) => clock.fields(t).hour).should.not.containEql(2);
  });

  it("daily boundaries around both Berlin DST changes are local midnights of 23 h and 25 h days", function () {
    const clock = meter.zoneClock("Europe/Berlin");
    const spring = clock.boundaries("day", ms("2024-03-30T00:00:00Z"), ms("2024-04-01T00:00:00Z"));
    Array.from(spring, iso).should.eql(["2024-03-30T23:00:00.000Z", "2024-03-31T22:00:00.000Z"]);
    const autumn = clock.boundaries("day", ms("2024-10-26T00:00:00Z"), ms("2024-10-28T00:00:00Z"));
    Array.from(autumn, iso).should.eql(["2024-10-26T22:00:00.000Z", "2024-10-27T23:00:00.000Z"]);
    (autumn[1] - autumn[0]).should.equal(25 * 3600e3);
  });

  it("the fall-back day's consumption in Berlin is 25 hours of a constant 1/h", function () {
    const { interval } = runSingle(
      [
        ["2024-10-26T00:00:00Z", 0],
        ["2024-10-29T00:00:00Z", 72],
      ],
      { unit: "day", tz: "Europe/Berlin" },
    );
    const day = interval.consumption.find((c) => c.t === "2024-10-26T22:00:00Z");
    close(day.v, 25, "fall-back day");
    interval.consumption.find((c) => c.t === "2024-10-27T23:00:00Z").v.should.be.approximately(24, 1e-9);
  });

  it("Asia/Kolkata days start at 18:30 UTC and hours at :30", function () {
    const clock = meter.zoneClock("Asia/Kolkata");
    Array.from(clock.boundaries("day", ms("2024-01-01T00:00:00Z"), ms("2024-01-03T00:00:00Z")), iso).should.eql([
      "2024-01-01T18:30:00.000Z",
      "2024-01-02T18:30:00.000Z",
    ]);
    Array.from(clock.boundaries("month", ms("2024-01-01T00:00:00Z"), ms("2024-03-01T00:00:00Z")), iso).should.eql([
      "2024-01-31T18:30:00.000Z",
      "2024-02-29T18:30:00.000Z",
    ]);
    const { interval } = runSingle(
      [
        ["2024-01-01T18:30:00Z", 10],
        ["2024-01-03T18:30:00Z", 58],
      ],
      { unit: "day", tz: "Asia/Kolkata" },
    );
    interval.readings
      .map((r) => [r.t, r.v, r.q])
      .should.eql([
        ["2024-01-01T18:30:00Z", 10, "exact"],
        ["2024-01-02T18:30:00Z", 34, "interpolated"],
        ["2024-01-03T18:30:00Z", 58, "exact"],
      ]);
  });

  it("a local midnight that DST skips (America/Santiago) becomes the first instant of the day", function () {
    const clock = meter.zoneClock("America/Santiago");
    // 2024-09-08 00:00 −04 does not exist; the day starts at 01:00 −03 = 04:00Z.
    const days = clock.boundaries("day", ms("2024-09-07T00:00:00Z"), ms("2024-09-09T12:00:00Z"));
    Array.from(days, iso).should.eql([
      "2024-09-07T04:00:00.000Z",
      "2024-09-08T04:00:00.000Z",
      "2024-09-09T03:00:00.000Z",
    ]);
  });

  it("rejects an unknown zone with a readable message", function () {
    (() => meter.engineConfig({ timezone: "Mars/Olympus" })).should.throw(/not an IANA zone/);
  });

  it("offsets agree with Intl for every hour of a year in several zones", function () {
    for (const tz of ["Europe/Berlin", "Australia/Lord_Howe", "America/Santiago", "Asia/Kathmandu"]) {
      const clock = meter.zoneClock(tz);
      for (let t = ms("2024-01-01T00:00:00Z"); t < ms("2025-01-01T00:00:00Z"); t += 3600e3 + 17 * 60e3) {
        clock.offsetAt(t).should.equal(clock.exactOffset(t), `${tz} at ${iso(t)}`);
      }
    }
  });

  it("hourly boundaries in Lord Howe (30-minute DST) are all local whole hours", function () {
    const clock = meter.zoneClock("Australia/Lord_Howe");
    const hours = clock.boundaries("hour", ms("2024-04-06T00:00:00Z"), ms("2024-04-07T12:00:00Z"));
    for (const g of hours) (clock.toLocal(g) % 3600e3).should.equal(0, iso(g));
    // At 02:00 +11 the clock goes back to 01:30 +10:30, so the local hour 01:00 lasts 90 minutes and no
    // whole hour repeats: 15 boundaries at :00Z before, 21 at :30Z after.
    hours.length.should.equal(36);
    const steps = Array.from(hours.subarray(1), (g, i) => g - hours[i]);
    steps.filter((d) => d === 90 * 60e3).length.should.equal(1);
    steps.filter((d) => d !== 3600e3 && d !== 90 * 60e3).length.should.equal(0);
  });
});

// The one wall-time rule and the one instant parser (src/shared/time), with literal values at both
// transitions of 2026 in a zone west of UTC and one east of it. Gap: a skipped wall time moves forward by
// the gap (read with the offset from before it). Overlap: a repeated wall time takes the earlier instant.
"use strict";
const should = require("should");
const vm = require("node:vm");
const zone = require("../../dist/shared/time/zone");
const calendar = require("../../dist/shared/time/calendar");
const { parseInstant, tryParseInstant } = require("../../dist/shared/time/instant");
const { ValidationError } = require("../../dist/shared/errors");

const LA = "America/Los_Angeles";
const BERLIN = "Europe/Berlin";
const at = (iso) => Date.parse(iso);
const wall = (y, mo, d, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s);
const HOUR = 3_600_000;

describe("shared time: local wall time → instant (compatible rule)", function () {
  const cases = [
    // [zone, wall time, expected instant, what]
    [LA, [2026, 3, 8, 1, 59, 59], "2026-03-08T09:59:59Z", "last second before the gap"],
    [LA, [2026, 3, 8, 2, 0], "2026-03-08T10:00:00Z", "start of the gap"],
    [LA, [2026, 3, 8, 2, 30], "2026-03-08T10:30:00Z", "in the gap: moved forward by an hour"],
    [LA, [2026, 3, 8, 3, 0], "2026-03-08T10:00:00Z", "first wall time after the gap"],
    [LA, [2026, 11, 1, 1, 30], "2026-11-01T08:30:00Z", "overlap: the earlier (PDT) instant"],
    [LA, [2026, 11, 1, 2, 0], "2026-11-01T10:00:00Z", "just after the overlap"],
    [BERLIN, [2026, 3, 29, 2, 30], "2026-03-29T01:30:00Z", "in the gap: moved forward by an hour"],
    [BERLIN, [2026, 3, 29, 3, 0], "2026-03-29T01:00:00Z", "first wall time after the gap"],
    [BERLIN, [2026, 10, 25, 2, 30], "2026-10-25T00:30:00Z", "overlap: the earlier (CEST) instant"],
    [BERLIN, [2026, 10, 25, 3, 0], "2026-10-25T02:00:00Z", "just after the overlap"],
  ];
  for (const [tz, parts, expected, what] of cases) {
    it(`${tz} ${parts.join("-")}: ${what} → ${expected}`, function () {
      zone.instantOfWallTime(wall(...parts), tz).should.equal(at(expected));
    });
  }

  it("atLocalTime reads minutes of a local day with the same rule", function () {
    calendar.atLocalTime("2026-03-08", 150, LA).should.equal(at("2026-03-08T10:30:00Z"));
    calendar.atLocalTime("2026-11-01", 90, LA).should.equal(at("2026-11-01T08:30:00Z"));
    calendar.atLocalTime("2026-03-29", 150, BERLIN).should.equal(at("2026-03-29T01:30:00Z"));
    calendar.atLocalTime("2026-10-25", 150, BERLIN).should.equal(at("2026-10-25T00:30:00Z"));
  });

  it("only the compatible rule exists", function () {
    should(zone.resolveWallTime.length).equal(2);
    zone.instantOfWallTime(wall(2026, 10, 25, 2, 30), BERLIN, "two-pass").should.equal(at("2026-10-25T00:30:00Z"));
  });
});

describe("shared time: instant → local parts and ISO", function () {
  const cases = [
    [LA, "2026-03-08T09:59:59Z", "2026-03-08T01:59:59.000-08:00"],
    [LA, "2026-03-08T10:00:00Z", "2026-03-08T03:00:00.000-07:00"],
    [LA, "2026-11-01T08:30:00Z", "2026-11-01T01:30:00.000-07:00"],
    [LA, "2026-11-01T09:30:00Z", "2026-11-01T01:30:00.000-08:00"],
    [BERLIN, "2026-03-29T00:59:59Z", "2026-03-29T01:59:59.000+01:00"],
    [BERLIN, "2026-03-29T01:00:00Z", "2026-03-29T03:00:00.000+02:00"],
    [BERLIN, "2026-10-25T00:30:00Z", "2026-10-25T02:30:00.000+02:00"],
    [BERLIN, "2026-10-25T01:30:00Z", "2026-10-25T02:30:00.000+01:00"],
  ];
  for (const [tz, instant, local] of cases) {
    it(`${tz} ${instant} → ${local}`, function () {
      zone.formatLocalIso(at(instant), tz).should.equal(local);
      const p = zone.localParts(at(instant), tz);
      [p.year, p.month, p.day, p.hour, p.minute, p.second]
        .map(String)
        .should.eql(local.slice(0, 19).split(/[-T:]/).map(Number).map(String));
      zone
        .zoneOffsetMs(at(instant), tz)
        .should.equal(
          (local.endsWith("-08:00") ? -8 : local.endsWith("-07:00") ? -7 : local.endsWith("+01:00") ? 1 : 2) * HOUR,
        );
      calendar.localDateKey(at(instant), tz).should.equal(local.slice(0, 10));
    });
  }
});

describe("shared time: localParts' hour cache against Intl itself", function () {
  // Years with DST changes, a 30-minute DST (Lord Howe), a +05:45 zone, odd pre-1940 offsets (Amsterdam
  // +00:19:32, Dublin −00:25:21), and a zone that skipped a whole day (Apia, 2011-12-30).
  const zones = [
    "Europe/Berlin",
    "America/Los_Angeles",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Europe/Amsterdam",
    "Europe/Dublin",
    "Pacific/Apia",
  ];
  const spans = [
    [Date.UTC(1916, 3, 1), Date.UTC(1916, 10, 1)],
    [Date.UTC(1937, 5, 1), Date.UTC(1937, 6, 1)],
    [Date.UTC(2011, 11, 28), Date.UTC(2012, 0, 2)],
    [Date.UTC(2026, 2, 1), Date.UTC(2026, 3, 15)],
    [Date.UTC(2026, 9, 1), Date.UTC(2026, 10, 15)],
  ];
  it("gives the same local fields as formatToParts at every tested second, across every offset change", function () {
    let compared = 0;
    for (const timeZone of zones) {
      const intl = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
      for (const [from, to] of spans) {
        // an odd step (7 min 13 s) lands on many different seconds of the hours around each change
        for (let t = from; t < to; t += 433_000) {
          const want = {};
          for (const p of intl.formatToParts(t))
            if (p.type !== "literal") want[p.type] = Number(p.value) % (p.type === "hour" ? 24 : 1e9);
          const got = zone.localParts(t, timeZone);
          if (
            got.year !== want.year ||
            got.month !== want.month ||
            got.day !== want.day ||
            got.hour !== want.hour ||
            got.minute !== want.minute ||
            got.second !== want.second
          )
            throw new Error(
              `${timeZone} at ${new Date(t).toISOString()}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`,
            );
          compared++;
        }
      }
    }
    compared.should.be.above(100_000);
  });
});

describe("shared time: local days", function () {
  const days = [
    // [zone, day, its local midnight, the next day's, hours]
    [LA, "2026-03-08", "2026-03-08T08:00:00Z", "2026-03-09T07:00:00Z", 23],
    [LA, "2026-11-01", "2026-11-01T07:00:00Z", "2026-11-02T08:00:00Z", 25],
    [BERLIN, "2026-03-29", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", 23],
    [BERLIN, "2026-10-25", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", 25],
    [BERLIN, "2026-07-01", "2026-06-30T22:00:00Z", "2026-07-01T22:00:00Z", 24],
  ];
  for (const [tz, day, start, next, hours] of days) {
    it(`${tz} ${day} starts at ${start} and lasts ${hours} h`, function () {
      calendar.startOfLocalDay(day, tz).should.equal(at(start));
      calendar.startOfLocalDay(calendar.addDays(day, 1), tz).should.equal(at(next));
      calendar.localDayLengthMs(day, tz).should.equal(hours * HOUR);
    });
  }

  it("adds days across months, years and leap days", function () {
    calendar.addDays("2026-10-25", 1).should.equal("2026-10-26");
    calendar.addDays("2026-12-31", 1).should.equal("2027-01-01");
    calendar.addDays("2028-03-01", -1).should.equal("2028-02-29");
  });

  it("minutes of the local day and the next local time of day", function () {
    calendar.localMinutesOfDay(at("2026-10-25T00:30:00Z"), BERLIN).should.equal(150);
    calendar.localMinutesOfDay(at("2026-10-25T01:30:00Z"), BERLIN).should.equal(150);
    // 02:30 on the spring-forward day does not exist: the next one is read forward, at 03:30 local.
    calendar.nextLocalTime(at("2026-03-08T09:00:00Z"), 150, LA).should.equal(at("2026-03-08T10:30:00Z"));
    calendar.nextLocalTime(at("2026-11-01T08:30:00Z"), 90, LA).should.equal(at("2026-11-02T09:30:00Z"));
    calendar.nextLocalTime(at("2026-11-01T08:00:00Z"), 90, LA).should.equal(at("2026-11-01T08:30:00Z"));
  });
});

describe("shared time: the instant parser", function () {
  const MS = at("2024-03-01T00:00:00Z"); // 1709251200000
  const fails = (value, pattern, options) => {
    let thrown;
    try {
      parseInstant(value, options);
    } catch (err) {
      thrown = err;
    }
    should.exist(thrown, `no error for ${String(value)}`);
    thrown.should.be.instanceOf(ValidationError);
    thrown.message.should.match(pattern);
    return thrown;
  };

  it("reads numbers of 1e11 and above as epoch ms, below as epoch seconds", function () {
    parseInstant(MS).should.equal(MS);
    parseInstant(1709251200).should.equal(MS);
    parseInstant(1709251200.5).should.equal(MS + 500);
    parseInstant(1e11).should.equal(1e11);
    parseInstant(-2_000_000_000).should.equal(at("1906-08-16T20:26:40Z"));
  });

  it("reads numeric strings only where a node asks for them", function () {
    parseInstant("1709251200", { numericStrings: true }).should.equal(MS);
    parseInstant(" 1709251200000 ", { numericStrings: true }).should.equal(MS);
    fails("1709251200", /not a time/);
  });

  it("reads Dates, also from another realm", function () {
    parseInstant(new Date(MS)).should.equal(MS);
    const foreign = vm.runInNewContext(`new Date(${MS})`);
    (foreign instanceof Date).should.be.false();
    parseInstant(foreign).should.equal(MS);
    fails(new Date(NaN), /invalid Date/);
  });

  it("reads strings with Z or an offset as that instant", function () {
    parseInstant("2024-03-01T00:00:00Z").should.equal(MS);
    parseInstant("2024-03-01T01:00:00+01:00").should.equal(MS);
    parseInstant("2024-02-29T16:00:00.000-08:00").should.equal(MS);
    parseInstant("2024-03-01T05:30+0530").should.equal(MS);
    parseInstant("2024-03-01 00:00:00.123456z").should.equal(MS + 123);
  });

  it("reads strings without an offset in the zone it is given, with the compatible rule", function () {
    parseInstant("2026-03-08T02:30:00", { timeZone: LA }).should.equal(at("2026-03-08T10:30:00Z"));
    parseInstant("2026-11-01 01:30", { timeZone: LA }).should.equal(at("2026-11-01T08:30:00Z"));
    parseInstant("2026-10-25T02:30:00", { timeZone: BERLIN }).should.equal(at("2026-10-25T00:30:00Z"));
    parseInstant("2026-10-25", { timeZone: BERLIN }).should.equal(at("2026-10-24T22:00:00Z"));
  });

  it("never reads a string without an offset in the host's zone", function () {
    const err = fails("2024-03-01T00:00:00", /no offset/, { name: "msg.timestamp" });
    err.message.should.match(/msg\.timestamp "2024-03-01T00:00:00"/).and.match(/"Z"/);
    fails("2024-03-01T00:00:00", /or set the node's Time zone/, { zoneSetting: "the node's Time zone" });
  });

  it("rejects values outside 1900–2199 and says what they look like", function () {
    fails(MS * 1000, /1709251200000000 looks like microseconds/);
    fails(MS * 1e6, /looks like nanoseconds/);
    fails(BigInt(MS) * 1_000_000n, /looks like nanoseconds/);
    fails(5e10, /outside 1900–2199/);
    fails(Date.UTC(1899, 11, 31), /outside 1900–2199/);
    fails("2200-01-01T00:00:00Z", /outside 1900–2199/);
    fails(NaN, /NaN is not a time/);
    fails(Infinity, /Infinity is not a time/);
    fails(-Infinity, /-Infinity is not a time/);
    parseInstant(Date.UTC(1900, 0, 1)).should.equal(Date.UTC(1900, 0, 1));
    parseInstant("2199-12-31T23:59:59.999Z").should.equal(Date.UTC(2200, 0, 1) - 1);
  });

  it("says what an out-of-range value was read as, and which range is accepted", function () {
    const range = /accepted are times from 1900-01-01T00:00:00Z to 2199-12-31T23:59:59Z/;
    // a year-1 time is a year-1 time, not a unit mix-up
    const year1 = -62135596800000;
    let err = fails(year1, range, { name: "msg.timestamp" });
    err.message.should.match(/^msg\.timestamp -62135596800000 read as epoch ms is 0001-01-01T00:00:00\.000Z/);
    err.message.should.not.match(/looks like/);
    fails(year1 / 1000, /read as epoch seconds \(numbers below 1e11 are seconds\) is 0001-01-01T00:00:00\.000Z/);
    fails(new Date(year1), /the Date 0001-01-01T00:00:00\.000Z is outside 1900–2199: accepted are times/);
    fails(5e10, /read as epoch seconds .* is 3554-06-09T16:53:20\.000Z, outside 1900–2199/);
    fails(-1e20, /read as epoch ms is earlier than any calendar date/);
    err = fails(MS * 1000, /looks like microseconds \(as µs it is 2024-03-01T00:00:00\.000Z/);
    err.message.should.match(/send epoch ms or seconds/);
    fails("9999-01-01T00:00:00Z", /"9999-01-01T00:00:00Z" is 9999-01-01T00:00:00\.000Z, outside 1900–2199: accepted/);
  });

  it("reads ISO years 0–99 as those years, not as 1900–1999", function () {
    // Date.UTC maps years 0–99 to 1900–1999: "0001-01-01" was taken for 1901 and "0099-06-01" for 1999
    fails("0001-01-01T00:00:00Z", /"0001-01-01T00:00:00Z" is 0001-01-01T00:00:00\.000Z, outside 1900–2199/);
    fails("0099-06-01T12:00:00+02:00", /is 0099-06-01T10:00:00\.000Z, outside/);
    fails("0050-01-01T00:00:00", /is the local time 0050-01-01T00:00:00 in Europe\/Berlin, outside 1900–2199/, {
      timeZone: BERLIN,
    });
    parseInstant("1900-01-01T00:00:00Z").should.equal(Date.UTC(1900, 0, 1));
    parseInstant("2024-02-29T23:59:59.5Z").should.equal(Date.UTC(2024, 1, 29, 23, 59, 59, 500));
  });

  it("rejects what is not a time, naming it", function () {
    fails("not a date", /"not a date" is not a time/);
    fails("2024-02-30T00:00:00Z", /is not a time/);
    fails("2024-03-01T24:00:00Z", /is not a time/);
    fails({}, /an object is not a time/);
    fails(null, /null is not a time/);
    (tryParseInstant("nope") === undefined).should.be.true();
    tryParseInstant(1709251200).should.equal(MS);
  });
});

describe("shared time: every module reads a wall time the same way", function () {
  const { parseLocal } = require("../../dist/features/flume/domain/local-time");
  const tibber = require("../../dist/features/tibber/domain/time-zone");
  const { zoneClock } = require("../../dist/features/meter/domain/zone");
  const { nextLocalTime } = require("../../dist/features/voicemonkey/domain/local-time");
  const cases = [
    // [zone, local date, minutes of day, expected instant]
    [LA, "2026-03-08", 150, "2026-03-08T10:30:00Z"],
    [LA, "2026-11-01", 90, "2026-11-01T08:30:00Z"],
    [BERLIN, "2026-03-29", 150, "2026-03-29T01:30:00Z"],
    [BERLIN, "2026-10-25", 150, "2026-10-25T00:30:00Z"],
  ];
  for (const [tz, day, minutes, expected] of cases) {
    const hhmm = `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
    it(`${tz} ${day} ${hhmm} is ${expected} for Flume, Tibber, the meter and VoiceMonkey`, function () {
      const [y, m, d] = day.split("-").map(Number);
      const flume = parseLocal(`${day} ${hhmm}:00`, tz);
      const tibberAt = tibber.atLocalTime(day, minutes, tz);
      const meterAt = zoneClock(tz).toInstant(Date.UTC(y, m - 1, d, 0, minutes));
      const voiceMonkey = nextLocalTime(calendar.startOfLocalDay(day, tz), minutes, tz);
      [flume, tibberAt, meterAt, voiceMonkey]
        .map((t) => new Date(t).toISOString())
        .should.eql(Array(4).fill(new Date(at(expected)).toISOString()));
    });
  }
});

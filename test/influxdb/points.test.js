"use strict";
const { linesFromMessage, describeRejections, toEpochMs } = require("../../dist/features/influxdb/domain/points");
const { toLine } = require("../../dist/features/influxdb/client/line-protocol");

const T = 1_700_000_000_123;

describe("influxdb: points from messages", function () {
  it("(a) reader messages: payload fields + msg.measurement, msg.tags, msg.timestamp", function () {
    const built = linesFromMessage({
      payload: { flow: 0.25, total: 1234, unit: "gal", leak: false },
      measurement: "water",
      tags: { device: "d1", site: "home" },
      timestamp: T,
    });
    built.rejected.should.eql([]);
    built.lines.should.eql([`water,device=d1,site=home flow=0.25,total=1234,unit="gal",leak=false ${T}`]);
  });

  it("(b) node-red-contrib-influxdb shapes: fields, [fields, tags], arrays of those, a bare value, 'time'", function () {
    const lines = (payload, extra = {}) => linesFromMessage({ payload, measurement: "m", ...extra }, { now: 5 }).lines;
    lines({ a: 1 }).should.eql(["m a=1 5"]);
    lines([{ a: 1, time: new Date(T) }, { t: "x" }]).should.eql([`m,t=x a=1 ${T}`]);
    lines([
      [{ a: 1, time: T }, { t: "x" }],
      [{ a: 2, time: T + 1 }, { t: "y" }],
    ]).should.eql([`m,t=x a=1 ${T}`, `m,t=y a=2 ${T + 1}`]);
    lines(42).should.eql(["m value=42 5"]);
    lines("on").should.eql(['m value="on" 5']);
    lines({ count: "7i" }).should.eql(["m count=7i 5"]);
  });

  it("(c) batch points with their own measurement, tags and timestamp", function () {
    const built = linesFromMessage({
      payload: [
        { measurement: "power", tags: { phase: "L1" }, fields: { w: 230.5 }, timestamp: new Date(T) },
        { measurement: "energy", fields: { kwh: 12 }, timestamp: "2023-11-14T22:13:20.123Z" },
      ],
    });
    built.lines.should.eql([`power,phase=L1 w=230.5 ${T}`, `energy kwh=12 ${T}`]);
  });

  it("writes numbers as floats unless the field is listed as an integer field", function () {
    const ints = new Set(["pulses"]);
    const built = linesFromMessage(
      { payload: { pulses: 12, v: 12 }, measurement: "m", timestamp: T },
      { integerFields: ints },
    );
    built.lines.should.eql([`m pulses=12i,v=12 ${T}`]);
    const bad = linesFromMessage({ payload: { pulses: 1.5 }, measurement: "m" }, { integerFields: ints });
    bad.rejected[0].reason.should.match(/field "pulses" is listed as an integer field but holds 1.5/);
  });

  it("escapes names, tags and strings as line protocol requires", function () {
    toLine({
      measurement: "my meter,x",
      tags: { "a key": "v=1,2 3" },
      fields: { "f,1": 'say "hi" \\ ok' },
      timestamp: 9,
    }).should.equal('my\\ meter\\,x,a\\ key=v\\=1\\,2\\ 3 f\\,1="say \\"hi\\" \\\\ ok" 9');
  });

  it("rejects invalid points by position and keeps the valid ones of the same message", function () {
    const built = linesFromMessage({
      payload: [
        { measurement: "ok", fields: { v: 1 }, timestamp: T },
        { measurement: "nofields", fields: {}, timestamp: T },
        { measurement: "nan", fields: { v: NaN }, timestamp: T },
        { measurement: "obj", fields: { v: { deep: 1 } }, timestamp: T },
        { measurement: "when", fields: { v: 1 }, timestamp: "not a date" },
      ],
    });
    built.lines.should.eql([`ok v=1 ${T}`]);
    built.rejected[3].reason.should.match(/its timestamp "not a date" is not a time/);
    built.rejected.map((r) => r.index).should.eql([2, 3, 4, 5]);
    const text = describeRejections(built);
    text.should.match(/point 2 of 5: it has no fields to write/);
    text.should.match(/point 3 of 5: field "v" is NaN/);
    text.should.match(/point 4 of 5: field "v" is an object/);
    text.should.match(/and 1 more/);
    text.should.match(/The other 1 point\(s\) were stored/);
  });

  it("refuses a list it would store as one garbled point, such as readings that are not points", function () {
    const readings = [
      { timestamp: "2026-06-01T19:00:00.000Z", value: 120 },
      { timestamp: "2026-06-01T20:00:00.000Z", value: 60 },
      { timestamp: "2026-06-01T21:00:00.000Z", value: 0 },
    ];
    const refuse = (payload) => {
      try {
        linesFromMessage({ payload, measurement: "m" });
      } catch (err) {
        return err;
      }
      throw new Error(`accepted ${JSON.stringify(payload)}`);
    };
    refuse(readings).message.should.match(/msg\.payload is a list of 3 value\(s\) that are not points/);
    refuse(readings.slice(0, 2)).message.should.match(/a list of 2 value\(s\)/); // not [fields, tags]: same names
    refuse([1, 2, 3]).message.should.match(/a list of 3 value\(s\)/);
    refuse([{ measurement: "m", fields: { v: 1 } }, { v: 2 }]).message.should.match(/mixes 1 point\(s\)/);
    // ...while a batch of points is one point per element, and [fields, tags] still one point
    linesFromMessage({
      payload: readings.map((r) => ({ measurement: "m", fields: { v: r.value }, timestamp: r.timestamp })),
    }).lines.length.should.equal(3);
    // (a timestamp of 1 is one epoch second: 1000 ms)
    linesFromMessage({ payload: [{ v: 1 }, { site: "home" }], measurement: "m", timestamp: 1 }).lines.should.eql([
      "m,site=home v=1 1000",
    ]);
  });

  it("needs a measurement from the message, the point or the node", function () {
    linesFromMessage({ payload: { v: 1 } }).rejected[0].reason.should.match(/no measurement/);
    linesFromMessage({ payload: { v: 1 } }, { measurement: "dflt", now: 3 }).lines.should.eql(["dflt v=1 3"]);
  });

  it("reads timestamps as ms or seconds, and refuses micro- and nanoseconds instead of guessing", function () {
    // 0.1.0 scaled µs and ns down and stored seconds as ms (1970); the shared instant parser decides now.
    toEpochMs(T).should.equal(T);
    toEpochMs(1_700_000_000).should.equal(1_700_000_000_000);
    toEpochMs(String(T)).should.equal(T);
    toEpochMs("1700000000").should.equal(1_700_000_000_000);
    toEpochMs(new Date(T)).should.equal(T);
    (() => toEpochMs(T * 1000)).should.throw(/its timestamp 1700000000123000 looks like microseconds/);
    (() => toEpochMs(T * 1e6)).should.throw(/looks like nanoseconds/);
    (() => toEpochMs(BigInt(T) * 1_000_000n)).should.throw(/looks like nanoseconds/);
    (() => toEpochMs("2023-11-14T22:13:20")).should.throw(/has no offset/);
    (() => toEpochMs({})).should.throw(/an object is not a time/);
  });

  it("refuses before sending what InfluxDB would refuse or silently drop, naming it", function () {
    const cases = [
      [{ measurement: "m", tags: { t: "a\\" }, fields: { v: 1 } }, /"a\\\\" ends in a backslash/],
      [{ measurement: "m\\", fields: { v: 1 } }, /ends in a backslash/],
      [{ measurement: "m", fields: { "v\\": 1 } }, /ends in a backslash/],
      [{ measurement: "#m", fields: { v: 1 } }, /starts with #, which InfluxDB ignores as a comment/],
      [{ measurement: "m", tags: { t: "" }, fields: { v: 1 } }, /tag "t" is empty, which InfluxDB refuses/],
      [{ measurement: "m", tags: { t: NaN }, fields: { v: 1 } }, /tag "t" is NaN/],
      [{ measurement: "m", tags: { t: Infinity }, fields: { v: 1 } }, /tag "t" is Infinity/],
      [{ measurement: "m", fields: { v: -Infinity } }, /field "v" is -Infinity, which InfluxDB cannot store/],
      [{ measurement: "m", fields: { v: NaN } }, /field "v" is NaN/],
      [{ measurement: "m", tags: { "": "x" }, fields: { v: 1 } }, /a tag has an empty name/],
      [{ measurement: "m", fields: { "": 1 } }, /a field has an empty name/],
    ];
    for (const [point, reason] of cases) {
      const built = linesFromMessage({ payload: [{ ...point, timestamp: T }] });
      built.lines.should.eql([], JSON.stringify(point));
      built.rejected.length.should.equal(1);
      built.rejected[0].reason.should.match(reason);
    }
    // A string field ending in a backslash is escaped, not refused (InfluxDB reads it back as written).
    linesFromMessage({ payload: { s: "a\\" }, measurement: "m", timestamp: T }).lines.should.eql([`m s="a\\\\" ${T}`]);
  });

  it("refuses times in µs, ns or near 2^53 instead of writing them at a wrong time", function () {
    for (const [time, reason] of [
      [T * 1000, /looks like microseconds/],
      [T * 1e6, /looks like nanoseconds/],
      [2 ** 53 - 1, /its timestamp/],
      [String(T * 1e6), /looks like nanoseconds/],
    ]) {
      const built = linesFromMessage({ payload: [{ measurement: "m", fields: { v: 1 }, timestamp: time }] });
      built.lines.should.eql([]);
      built.rejected[0].reason.should.match(reason);
    }
  });

  it("refuses a message of more than 500,000 points as a whole, saying to split it", function () {
    const { MAX_POINTS_PER_MESSAGE } = require("../../dist/features/influxdb/domain/points");
    const point = { measurement: "m", fields: { v: 1 }, timestamp: T };
    const payload = new Array(MAX_POINTS_PER_MESSAGE + 1).fill(point);
    (() => linesFromMessage({ payload })).should.throw(
      /holds 500001 points, more than the 500000 one message may carry/,
    );
    linesFromMessage({ payload: payload.slice(1) }).lines.length.should.equal(MAX_POINTS_PER_MESSAGE);
  });

  it("refuses names, tag values and string fields beyond their bounds, without quoting them whole", function () {
    const huge = "x".repeat(4 * 1024 * 1024); // what a fuzz run sent as msg.measurement
    const name = "n".repeat(1025);
    for (const [msg, reason] of [
      [
        { payload: { v: 1 }, measurement: huge },
        /^its measurement "x{20}…" is 4194304 characters long, more than the 1024 a point may have$/,
      ],
      [
        { payload: { v: 1 }, measurement: "m", tags: { [name]: "a" } },
        /^the name or tag "n{20}…" is 1025 characters long/,
      ],
      [{ payload: { v: 1 }, measurement: "m", tags: { room: name } }, /is 1025 characters long, more than the 1024/],
      [{ payload: { [name]: 1 }, measurement: "m" }, /is 1025 characters long/],
      [
        { payload: { s: huge }, measurement: "m" },
        /^field "s" "x{20}…" is 4194304 characters long, more than the 65536 a point may have$/,
      ],
    ]) {
      const built = linesFromMessage({ ...msg, timestamp: T });
      built.lines.should.eql([]);
      built.rejected[0].reason.should.match(reason);
    }
    // At the bounds: stored.
    const ok = linesFromMessage({
      payload: { s: "y".repeat(65536) },
      measurement: "m".repeat(1024),
      tags: { t: name.slice(1) },
      timestamp: T,
    });
    ok.rejected.should.eql([]);
    ok.lines[0].length.should.equal(1024 + 3 + 1024 + 4 + 65536 + 2 + String(T).length);
  });

  it("stops building at 32 MiB of line protocol per message and refuses it as a whole", function () {
    const { MAX_CHARS_PER_MESSAGE } = require("../../dist/features/influxdb/domain/points");
    // 1,000 tags of ~1 KB each on the message, repeated in each of 100,000 points: 100 GB if built.
    const tags = {};
    for (let i = 0; i < 1000; i++) tags[`t${i}`] = "v".repeat(1000);
    const payload = new Array(100_000).fill({ measurement: "m", fields: { v: 1 }, timestamp: T });
    (() => linesFromMessage({ payload, tags })).should.throw(
      /^msg\.payload makes more than 32 MiB of line protocol by point 34 of 100000, more than one message may; send the points in several messages\. Nothing of this message was stored\.$/,
    );
    MAX_CHARS_PER_MESSAGE.should.equal(32 * 1024 * 1024);
  });
});

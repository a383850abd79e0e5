"use strict";
const { describeKey, decodeObisKey, toNumber, toEpochMs } = require("../../dist/features/energylive/domain/obis");
const { parseLatest } = require("../../dist/features/energylive/client/parse");
const { normalizeDeviceUid } = require("../../dist/features/energylive/client/uid");
const { ValidationError } = require("../../dist/shared/errors");

describe("energyLIVE OBIS table", function () {
  it("names the six registers with their OBIS code and unit", function () {
    const table = {
      "0100010700": ["1-0:1.7.0", "power_import_w", "W"],
      "0100020700": ["1-0:2.7.0", "power_export_w", "W"],
      "0100010800": ["1-0:1.8.0", "energy_import_wh", "Wh"],
      "0100020800": ["1-0:2.8.0", "energy_export_wh", "Wh"],
      "0100030800": ["1-0:3.8.0", "reactive_energy_import_varh", "varh"],
      "0100040800": ["1-0:4.8.0", "reactive_energy_export_varh", "varh"],
    };
    for (const [key, [obis, name, unit]] of Object.entries(table)) {
      const info = describeKey(key);
      [info.obis, info.name, info.unit].should.eql([obis, name, unit], key);
    }
  });

  it("converts battery voltage from mV to V and passes other status keys through under their names", function () {
    const battery = describeKey("batteryVoltage");
    battery.name.should.equal("battery_voltage_v");
    battery.unit.should.equal("V");
    battery.convert(5540).should.equal(5.54);
    battery.convert(3.2).should.equal(3.2); // already in V
    battery.convert(100.5).should.equal(0.1005); // above 100 is mV
    describeKey("loraRssi").should.eql({ name: "loraRssi", unit: "dBm" });
    describeKey("roomHumidity").should.eql({ name: "roomHumidity", unit: "%" });
    describeKey("messageCount").name.should.equal("messageCount");
  });

  it("keeps unknown OBIS codes under their OBIS string, with a unit where the quantity is known", function () {
    describeKey("0100010801").should.eql({ obis: "1-0:1.8.1", name: "1-0:1.8.1", unit: "Wh" });
    describeKey("0100090700").should.eql({ obis: "1-0:9.7.0", name: "1-0:9.7.0", unit: "VA" });
    describeKey("0100010900").should.eql({ obis: "1-0:1.9.0", name: "1-0:1.9.0", unit: "" });
  });

  it("decodes hex groups, and keeps the raw key as the name when decimal and hex disagree", function () {
    decodeObisKey("01001F0700").should.eql({ obis: "1-0:31.7.0", ambiguous: false });
    describeKey("01001F0700").should.eql({ obis: "1-0:31.7.0", name: "1-0:31.7.0", unit: "A" });
    // 0x20 = 32 (voltage L1) or decimal 20: a guess must not become a stored field name.
    decodeObisKey("0100200700").should.eql({ obis: "1-0:32.7.0", ambiguous: true });
    describeKey("0100200700").should.eql({ obis: "1-0:32.7.0", name: "0100200700", unit: "" });
    (decodeObisKey("01000107") === undefined).should.be.true();
    describeKey("fancyNewKey").should.eql({ name: "fancyNewKey", unit: "" });
  });

  it("accepts numbers and numeric strings, and epoch seconds or milliseconds", function () {
    toNumber(138).should.equal(138);
    toNumber("9577201.0").should.equal(9577201);
    [toNumber(null), toNumber("n/a"), toNumber(""), toNumber({}), toNumber(NaN)].should.eql([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    toEpochMs(1726559995000).should.equal(1726559995000);
    toEpochMs(1726559995).should.equal(1726559995000);
    (toEpochMs("soon") === undefined).should.be.true();
  });
});

describe("energyLIVE measurement parsing", function () {
  it("turns the documented answer into named measurements, each with its own timestamp", function () {
    const { measurements, skipped } = parseLatest(
      [
        { measurement: "0100010700", timestamp: 1726559995000, value: 138.0 },
        { measurement: "0100010800", timestamp: 1726559995000, value: 9577201.0 },
        { measurement: "0100020700", timestamp: 1726559975000, value: 0 },
        { measurement: "batteryVoltage", timestamp: 1726559990000, value: 5540 },
      ],
      1726560000000,
    );
    skipped.map(({ key, reason }) => ({ key, reason })).should.eql([]);
    measurements.should.eql([
      { key: "0100010700", obis: "1-0:1.7.0", name: "power_import_w", unit: "W", value: 138, timestamp: 1726559995000 },
      {
        key: "0100010800",
        obis: "1-0:1.8.0",
        name: "energy_import_wh",
        unit: "Wh",
        value: 9577201,
        timestamp: 1726559995000,
      },
      { key: "0100020700", obis: "1-0:2.7.0", name: "power_export_w", unit: "W", value: 0, timestamp: 1726559975000 },
      { key: "batteryVoltage", name: "battery_voltage_v", unit: "V", value: 5.54, timestamp: 1726559990000 },
    ]);
  });

  it("skips non-numeric values with a reason, and dates a value without timestamp at arrival", function () {
    const { measurements, skipped } = parseLatest(
      [
        { measurement: "batteryVoltage", timestamp: 1, value: null },
        { measurement: "0100030800", timestamp: 1726559995000, value: "n/a" },
        { measurement: "0100010700", value: 150 },
        "junk",
      ],
      1726560000000,
    );
    measurements.map((m) => [m.name, m.timestamp]).should.eql([["power_import_w", 1726560000000]]);
    skipped
      .map(({ key, reason }) => ({ key, reason }))
      .should.eql([
        { key: "batteryVoltage", reason: "value is not a number (null)" },
        { key: "0100030800", reason: 'value is not a number ("n/a")' },
        { key: "?", reason: "not an object" },
      ]);
  });
});

describe("energyLIVE device UID", function () {
  it("accepts the I-DDMMYYYY-XXXXXXXX form, trimmed and upper-cased", function () {
    normalizeDeviceUid("I-10082023-01658401").should.equal("I-10082023-01658401");
    normalizeDeviceUid("  i-10082023-01658401 ").should.equal("I-10082023-01658401");
    normalizeDeviceUid("G-01012024-00000001").should.equal("G-01012024-00000001");
  });

  it("rejects other forms with a message that shows the expected form", function () {
    for (const bad of ["", "I-1008202-01658401", "10082023-01658401", "I-32082023-01658401", "X-10082023-01658401"]) {
      let err;
      try {
        normalizeDeviceUid(bad);
      } catch (e) {
        err = e;
      }
      err.should.be.instanceOf(ValidationError);
      err.message.should.match(/expected the form I-DDMMYYYY-XXXXXXXX/);
    }
    (() => normalizeDeviceUid(undefined)).should.throw(/The device UID is empty/);
  });
});

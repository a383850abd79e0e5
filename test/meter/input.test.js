// §2.2 input shapes and reading forms, §2.5 bad input, R11 unit checks.
"use strict";
const { meter, run, close } = require("./engine-helpers");
const { english } = require("../../dist/shared/errors");

const cfg = (extra = {}) => meter.engineConfig({ intervals: ["day"], anomalyMethod: "none", ...extra });

function runParsed(msg, engine = cfg(), configured = []) {
  const parsed = meter.parseInput(msg, engine.meterTag, configured);
  return { parsed, ...run(parsed.defs, engine, parsed.range) };
}

describe("meter engine: input", function () {
  it("accepts every reading form and time form, and they agree", function () {
    const t0 = Date.parse("2024-01-01T00:00:00Z");
    const forms = [
      [
        [t0, 1],
        [t0 + 86400e3, 3],
      ],
      [
        { t: new Date(t0), v: 1 },
        { t: "2024-01-02T05:30:00+05:30", v: 3 },
      ],
      [
        { time: "2024-01-01T00:00:00Z", value: 1 },
        { time: t0 + 86400e3, value: 3 },
      ],
      [
        { _time: "2024-01-01T00:00:00.000Z", _value: 1 },
        { _time: "2024-01-01T19:00:00-05:00", _value: 3 },
      ],
      { t: Float64Array.of(t0, t0 + 86400e3), v: Float64Array.of(1, 3) },
      { t: [t0, t0 + 86400e3], v: [1, 3] },
    ];
    for (const readings of forms) {
      const { meters } = runParsed({ topic: "m", payload: { meters: [{ id: "m", readings }] }.meters[0].readings });
      meters.m.day.consumption
        .map((c) => [c.t, c.v])
        .should.eql([["2024-01-01T00:00:00Z", 2]], JSON.stringify(readings));
    }
  });

  it("shape 1: msg.topic names the meter", function () {
    const { meters } = runParsed({
      topic: "water",
      payload: [
        ["2024-01-01T00:00:00Z", 1],
        ["2024-01-03T00:00:00Z", 5],
      ],
    });
    Object.keys(meters).should.eql(["water"]);
    meters.water.day.consumption.map((c) => c.v).should.eql([2, 2]);
  });

  it("shape 1 without a topic is an error that says what is missing", function () {
    (() => meter.parseInput({ payload: [[Date.now(), 1]] }, "entity_id")).should.throw(/msg\.topic/);
  });

  it("shape 2: several meters and a range from the message", function () {
    const { meters } = runParsed({
      payload: {
        meters: [
          {
            id: "a",
            readings: [
              ["2024-01-01T00:00:00Z", 0],
              ["2024-01-05T00:00:00Z", 40],
            ],
          },
          {
            id: "b",
            readings: [
              ["2024-01-01T00:00:00Z", 0],
              ["2024-01-05T00:00:00Z", 4],
            ],
          },
        ],
        range: { start: "2024-01-02T00:00:00Z", end: "2024-01-04T00:00:00Z" },
      },
    });
    meters.a.day.readings
      .map((r) => [r.t, r.v])
      .should.eql([
        ["2024-01-02T00:00:00Z", 10],
        ["2024-01-03T00:00:00Z", 20],
        ["2024-01-04T00:00:00Z", 30],
      ]);
    meters.b.day.consumption.map((c) => c.v).should.eql([1, 1]);
  });

  it("shape 3: Flux rows grouped by the meter tag (HA schema)", function () {
    const rows = [
      { _time: "2024-01-01T00:00:00Z", _value: 10, entity_id: "gas", domain: "input_number" },
      { _time: "2024-01-01T00:00:00Z", _value: 500, entity_id: "power", domain: "input_number" },
      { _time: "2024-01-02T00:00:00Z", _value: 13, entity_id: "gas", domain: "input_number" },
      { _time: "2024-01-02T00:00:00Z", _value: 520, entity_id: "power", domain: "input_number" },
    ];
    const { meters } = runParsed({ payload: rows });
    Object.keys(meters).sort().should.eql(["gas", "power"]);
    meters.gas.day.consumption[0].v.should.equal(3);
    meters.power.day.consumption[0].v.should.equal(20);
  });

  it("shape 3 honours a configured meterTag", function () {
    const rows = [
      { _time: "2024-01-01T00:00:00Z", _value: 1, sensor: "x" },
      { _time: "2024-01-02T00:00:00Z", _value: 2, sensor: "x" },
    ];
    const { meters } = runParsed({ payload: rows }, cfg({ meterTag: "sensor" }));
    meters.x.day.consumption[0].v.should.equal(1);
  });

  it("rejects a payload of another shape", function () {
    (() => meter.parseInput({ payload: 42 }, "entity_id")).should.throw(/msg\.payload must be/);
    (() => meter.parseInput({ payload: { foo: 1 } }, "entity_id")).should.throw(/msg\.payload must be/);
  });

  it("times that look like microseconds fail that meter, naming it and the reading; other meters still run", function () {
    const engine = cfg();
    const batch = new meter.BatchRun(
      [
        {
          id: "good",
          type: "physical",
          readings: [
            ["2024-01-01T00:00:00Z", 1],
            ["2024-01-02T00:00:00Z", 2],
          ],
        },
        {
          id: "bad",
          type: "physical",
          readings: [
            [1704067200000, 1],
            [1704153600000000, 2],
          ],
        },
      ],
      engine,
    );
    batch.runAll();
    batch.results.has("good").should.be.true();
    batch.results.has("bad").should.be.false();
    batch.errors.length.should.equal(1);
    batch.errors[0].meterId.should.equal("bad");
    batch.errors[0].message.should
      .match(/meter "bad"/)
      .and.match(/\[1704153600000000,2\]/)
      .and.match(/looks like microseconds/);
  });

  it("mixing units in a master sum without a factor is an error naming the meter", function () {
    const batch = new meter.BatchRun(
      [
        { id: "gas_m3", unit: "m³", type: "physical", readings: [["2024-01-01T00:00:00Z", 1]] },
        { id: "heat_kwh", unit: "kWh", type: "physical", readings: [["2024-01-01T00:00:00Z", 1]] },
        {
          id: "energy",
          unit: "kWh",
          type: "master",
          periods: [{ start: "2024-01-01T00:00:00Z", sources: ["gas_m3", "heat_kwh"], combine: "sum" }],
        },
      ],
      cfg(),
    );
    batch.runAll();
    batch.errors.map((e) => e.meterId).should.eql(["energy"]);
    batch.errors[0].message.should.match(/mixes units "kWh" and "m³"/);
  });

  it("a factor converts units (gas m³ → kWh) in a master", function () {
    const { meters } = run(
      [
        {
          id: "gas_m3",
          unit: "m³",
          type: "physical",
          readings: [
            ["2024-01-01T00:00:00Z", 0],
            ["2024-01-02T00:00:00Z", 10],
          ],
        },
        {
          id: "gas_kwh",
          unit: "kWh",
          type: "master",
          periods: [{ start: "2024-01-01T00:00:00Z", sources: ["gas_m3"], factor: 11.504 * 0.8885 }],
        },
      ],
      cfg(),
    );
    close(meters.gas_kwh.day.consumption[0].v, 102.21304, "converted");
  });

  it("a virtual term of another unit with factor ±1 is an error", function () {
    const batch = new meter.BatchRun(
      [
        { id: "a", unit: "kWh", type: "physical", readings: [["2024-01-01T00:00:00Z", 0]] },
        { id: "b", unit: "m³", type: "physical", readings: [["2024-01-01T00:00:00Z", 0]] },
        {
          id: "v",
          type: "virtual",
          terms: [
            { meter: "a", factor: 1 },
            { meter: "b", factor: -1 },
          ],
        },
      ],
      cfg(),
    );
    batch.runAll();
    batch.errors.map((e) => e.meterId).should.eql(["v"]);
  });

  it("form definitions lend options to input meters and add masters and virtual meters", function () {
    const configured = meter.parseMeterDefinitions(
      JSON.stringify([
        { id: "gas", unit: "m³", profile: [15.1, 12, 12.5, 8.1, 3.5, 3.2, 2.7, 3.6, 5.2, 8.4, 12.2, 14.5] },
        {
          id: "other",
          type: "virtual",
          terms: [
            { meter: "gas", factor: 1 },
            { meter: "unrelated", factor: -1 },
          ],
        },
        { id: "never", type: "virtual", terms: [{ meter: "absent", factor: 1 }] },
      ]),
    );
    const { meters } = runParsed(
      {
        topic: "gas",
        payload: [
          ["2023-01-01T00:00:00Z", 0],
          ["2024-01-01T00:00:00Z", 1200],
        ],
      },
      cfg({ intervals: ["month"] }),
      configured,
    );
    Object.keys(meters).sort().should.eql(["gas", "other"]);
    meters.gas.unit.should.equal("m³");
    meters.gas.month.consumption[0].q.should.equal("seasonal");
    close(meters.gas.month.consumption[0].v, 179.405940594, "January share");
    meters.other.month.consumption[0].partial.should.be.true();
  });

  it("installedAt/initialValue add a reading, and an explicit one at the same time wins", function () {
    const { meters } = run(
      [
        { id: "a", installedAt: "2024-01-01T00:00:00Z", initialValue: 0, readings: [["2024-01-03T00:00:00Z", 20]] },
        {
          id: "b",
          installedAt: "2024-01-01T00:00:00Z",
          initialValue: 0,
          readings: [
            ["2024-01-01T00:00:00Z", 4],
            ["2024-01-03T00:00:00Z", 20],
          ],
        },
      ].map((d) => ({ type: "physical", ...d })),
      cfg(),
    );
    meters.a.day.consumption.map((c) => c.v).should.eql([10, 10]);
    meters.a.stats.raw.should.equal(1);
    meters.b.day.consumption.map((c) => c.v).should.eql([8, 8]);
    meters.b.stats.duplicates.should.equal(0);
  });

  it("removedAt stops boundaries after the removal", function () {
    const { meters } = run(
      [
        {
          id: "a",
          type: "physical",
          removedAt: "2024-01-02T12:00:00Z",
          readings: [
            ["2024-01-01T00:00:00Z", 0],
            ["2024-01-05T00:00:00Z", 40],
          ],
        },
      ],
      cfg(),
    );
    meters.a.day.readings.map((r) => r.t).should.eql(["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"]);
  });

  it("rate extrapolation continues the recent slope and never goes below 0 before the data", function () {
    const { meters } = run(
      [
        {
          id: "a",
          type: "physical",
          readings: [
            ["2024-01-10T00:00:00Z", 5],
            ["2024-01-12T00:00:00Z", 25],
          ],
        },
      ],
      cfg({ extrapolate: "rate", maxExtrapolation: "3d", rateWindow: "30d" }),
    );
    const r = meters.a.day.readings.map((x) => [x.t.slice(0, 10), x.v, x.q]);
    r.should.eql([
      ["2024-01-07", 0, "extrapolated"],
      ["2024-01-08", 0, "extrapolated"],
      ["2024-01-09", 0, "extrapolated"],
      ["2024-01-10", 5, "exact"],
      ["2024-01-11", 15, "interpolated"],
      ["2024-01-12", 25, "exact"],
      ["2024-01-13", 35, "extrapolated"],
      ["2024-01-14", 45, "extrapolated"],
      ["2024-01-15", 55, "extrapolated"],
    ]);
  });

  it("consumptionTimestamp end labels intervals at their end", function () {
    const { meters } = run(
      [
        {
          id: "a",
          type: "physical",
          readings: [
            ["2024-01-01T00:00:00Z", 0],
            ["2024-01-02T00:00:00Z", 4],
          ],
        },
      ],
      cfg({ consumptionTimestamp: "end" }),
    );
    meters.a.day.consumption.should.eql([
      { t: "2024-01-02T00:00:00Z", start: "2024-01-01T00:00:00Z", v: 4, q: "exact" },
    ]);
  });

  it("configuration errors name the property", function () {
    (() => meter.engineConfig({ maxGap: "7 days" })).should.throw(/maxGap/);
    (() => meter.engineConfig({ intervals: ["week"] })).should.throw(/intervals/);
    (() => meter.engineConfig({ resetRatio: 2 })).should.throw(/resetRatio/);
    (() => meter.engineConfig({ extrapolate: "linear" })).should.throw(/extrapolate/);
    meter.engineConfig({ maxGap: "1d12h" }).maxGap.should.equal(36 * 3600e3);
  });

  it("a profile whose shares are zero over a gap falls back to linear (quality gap)", function () {
    const profile = [0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10];
    const { meters } = run(
      [
        {
          id: "a",
          type: "physical",
          profile,
          readings: [
            ["2024-01-01T00:00:00Z", 0],
            ["2024-03-01T00:00:00Z", 60],
          ],
        },
      ],
      cfg({ intervals: ["month"] }),
    );
    meters.a.month.consumption.map((c) => c.q).should.eql(["gap", "gap"]);
    close(meters.a.month.consumption[0].v, 31, "January, linear");
    close(meters.a.month.consumption[1].v, 29, "February, linear");
  });

  it("seasonal-mad flags a value far from the same weekday's history", function () {
    const values = [];
    for (let i = 0; i < 70; i++) values.push(10 + (i % 7) + (i % 3) * 0.1);
    values[63] = 50;
    const starts = values.map((_, i) => Date.parse("2024-01-01T00:00:00Z") + i * 86400e3);
    const flagged = meter.seasonalMadAnomalies(values, starts, "day", meter.zoneClock("UTC"), 8, 4);
    flagged.map((f) => f.index).should.eql([63]);
    flagged[0].score.should.be.above(3.5);
  });
});

describe("meter engine: the original meters.yaml mapping (spec §2.2)", function () {
  const cfgBerlin = () => meter.engineConfig({ intervals: ["day"], timezone: "Europe/Berlin", anomalyMethod: "none" });

  it("maps a master's start_date, source_meters, composition_type and offset flag; start_date is local midnight", function () {
    const warnings = [];
    const defs = meter.parseMeterDefinitions(
      [
        {
          id: "gas_total",
          type: "master",
          output_unit: "m³",
          periods: [
            {
              start_date: "2024-01-01",
              end_date: "2024-11-12",
              composition_type: "single",
              source_meters: ["gas_alt"],
              apply_offset_from_previous_period: false,
            },
            {
              start_date: "2024-11-13",
              composition_type: "single",
              source_meters: ["gas_new"],
              apply_offset_from_previous_period: true,
            },
          ],
        },
      ],
      warnings,
    );
    warnings.should.eql([]);
    defs[0].should.containEql({ id: "gas_total", type: "master", unit: "m³" });
    defs[0].periods[1].should.eql({
      start: "2024-11-13",
      sources: ["gas_new"],
      combine: "single",
      offsetFromPrevious: true,
    });
    const { meters } = run(
      [
        {
          id: "gas_alt",
          type: "physical",
          readings: [
            ["2024-11-10T23:00:00Z", 100],
            ["2024-11-12T23:00:00Z", 120],
          ],
        },
        // The new meter's first reading is at the exact period start (local midnight = 23:00Z).
        {
          id: "gas_new",
          type: "physical",
          readings: [
            ["2024-11-12T23:00:00Z", 0],
            ["2024-11-14T23:00:00Z", 30],
          ],
        },
        ...defs,
      ],
      cfgBerlin(),
    );
    meters.gas_total.stats.offsets.should.eql([0, 120]);
    meters.gas_total.day.consumption
      .map((c) => [c.t, c.v])
      .should.eql([
        ["2024-11-10T23:00:00Z", 10],
        ["2024-11-11T23:00:00Z", 10],
        ["2024-11-12T23:00:00Z", 15],
        ["2024-11-13T23:00:00Z", 15],
      ]);
  });

  it("warns when end_date + 1 day is not the next start_date", function () {
    const warnings = [];
    meter.parseMeterDefinitions(
      [
        {
          id: "m",
          type: "master",
          periods: [
            { start_date: "2024-01-01", end_date: "2024-03-01", source_meters: ["a"] },
            { start_date: "2024-03-05", source_meters: ["b"] },
          ],
        },
      ],
      warnings,
    );
    warnings.length.should.equal(1);
    // A phrase: said in the runtime's language by the node, in English here.
    english(warnings[0]).should.match(/meter "m": period 1 ends 2024-03-01 but the next starts 2024-03-05/);
  });

  it("converts m³ to kWh with energy_content · z_factor, and needs both", function () {
    const [def] = meter.parseMeterDefinitions([
      {
        id: "gas_kwh",
        type: "master",
        output_unit: "kWh",
        energy_content: 11.504,
        z_factor: 0.8885,
        periods: [{ start_date: "2024-01-01", source_meters: ["gas"], source_unit: "m³" }],
      },
    ]);
    close(def.periods[0].factor, 10.221304, "factor");
    (() =>
      meter.parseMeterDefinitions([
        {
          id: "g",
          type: "master",
          output_unit: "kWh",
          periods: [{ start_date: "2024-01-01", source_meters: ["gas"], source_unit: "m³" }],
        },
      ])).should.throw(/energy_content/);
  });

  it("maps a virtual base_meter and subtract_meters, and monthly_percentages to a profile", function () {
    const [virtual, physical] = meter.parseMeterDefinitions([
      { id: "rest", type: "virtual", base_meter: "strom_total", subtract_meters: ["eg_strom", "og1_strom"] },
      { id: "gas", monthly_percentages: [15.1, 12, 12.5, 8.1, 3.5, 3.2, 2.7, 3.6, 5.2, 8.4, 12.2, 14.5] },
    ]);
    virtual.terms.should.eql([
      { meter: "strom_total", factor: 1 },
      { meter: "eg_strom", factor: -1 },
      { meter: "og1_strom", factor: -1 },
    ]);
    physical.profile.length.should.equal(12);
    physical.type.should.equal("physical");
  });
});

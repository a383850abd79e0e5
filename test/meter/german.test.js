"use strict";
// meter-interpolate in a German runtime: a Catch node gets German text for a reading time the instant
// parser refuses (live and batch), a meter id too long in the definitions, a bad configuration and several failed meters;
// the status lines and the live warnings are German.
const { helper, nodeModules, nextMessage, waitFor } = require("../helpers/node-red");
const { inGerman } = require("../helpers/german");

/** The Catch node's text; Node-RED puts the error's name before it for an input's error. */
const caught = (msg) => msg.error.message.replace(/^\w+Error: /, "");

const DAY = [
  ["2024-03-01T06:00:00Z", 1000],
  ["2024-03-02T18:00:00Z", 1036],
  ["2024-03-04T00:00:00Z", 1066],
];

describe("meter-interpolate in German", function () {
  let nodes;
  before(async function () {
    nodes = await inGerman(nodeModules("meter-interpolate"));
    await new Promise((resolve) => helper.startServer(resolve));
  });
  after(function (done) {
    helper.stopServer(done);
  });
  afterEach(() => helper.unload());

  /** A meter-interpolate node with a Catch node for it; its statuses, warnings and what Catch hands on. */
  async function load(props = {}) {
    const flow = [
      { id: "f1", type: "tab" },
      { id: "m", z: "f1", type: "meter-interpolate", intervals: "day", wires: [["out"], []], ...props },
      { id: "out", z: "f1", type: "helper" },
      { id: "catcher", z: "f1", type: "catch", scope: ["m"], uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "f1", type: "helper" },
    ];
    await helper.load(nodes, flow);
    const node = helper.getNode("m");
    const statuses = [];
    const warnings = [];
    node.on("call:status", (c) => statuses.push(c.args[0].text));
    node.on("call:warn", (c) => warnings.push(String(c.args[0])));
    const catching = nextMessage(helper.getNode("caught"));
    return { node, statuses, warnings, catching, result: nextMessage(helper.getNode("out")) };
  }

  it("a live reading time without an offset: the instant parser's text in German", async function () {
    const { node, catching } = await load();
    node.receive({ topic: "gas", payload: 5, timestamp: "2026-03-08T02:30:00" });
    caught(await catching).should.equal(
      'Zähler „gas“, Zählerstand 5: msg.timestamp "2026-03-08T02:30:00" hat keinen Offset: „Z“ für UTC oder einen Offset wie „+01:00“ anhängen',
    );
  });

  it("a batch reading in microseconds fails its meter in German", async function () {
    const { node, catching } = await load();
    node.receive({ topic: "water", payload: [[1709251200000000, 5], ...DAY] });
    caught(await catching).should.equal(
      "Zähler „water“, Zählerstand [1709251200000000,5]: die Zeit 1709251200000000 sieht nach Mikrosekunden aus " +
        "(als µs ist es 2024-03-01T00:00:00.000Z; als Epoch-Millisekunden läge es nach 2199): Epoch-Millisekunden oder -Sekunden senden",
    );
  });

  it("two failed meters: each text in German, one after the other", async function () {
    const { node, catching } = await load();
    const bad = (id) => ({ id, readings: [["2024-03-01T00:00:00", 1], ...DAY] });
    node.receive({ payload: { meters: [bad("a"), bad("b"), { id: "c", readings: DAY }] } });
    const text = caught(await catching);
    text.should.equal(
      ["a", "b"]
        .map(
          (id) =>
            `Zähler „${id}“, Zählerstand ["2024-03-01T00:00:00",1]: die Zeit "2024-03-01T00:00:00" hat keinen Offset: „Z“ für UTC oder einen Offset wie „+01:00“ anhängen`,
        )
        .join("; "),
    );
  });

  it("a virtual meter over mixed units, and one over a failed meter: German errors", async function () {
    const { node, catching } = await load();
    node.receive({
      payload: {
        meters: [
          { id: "a", unit: "m³", readings: DAY },
          { id: "b", unit: "kWh", readings: DAY },
          { id: "bad", readings: [["2024-03-01T00:00:00", 1]] },
          {
            id: "v",
            type: "virtual",
            terms: [
              { meter: "a", factor: 1 },
              { meter: "b", factor: 1 },
            ],
          },
          { id: "w", type: "virtual", terms: [{ meter: "bad", factor: 1 }] },
        ],
      },
    });
    const text = caught(await catching);
    text.should.startWith("Zähler „bad“, Zählerstand ");
    text.should.endWith(
      "; Zähler „v“: in seinen Termen sind die Einheiten „m³“ und „kWh“ ohne Faktor gemischt (R11); einen Faktor setzen, der sie umrechnet" +
        "; Zähler „w“ verwendet den Zähler „bad“, der fehlgeschlagen ist",
    );
  });

  it("a meter id too long in the meter definitions: a German configuration error", async function () {
    const { node, statuses, catching } = await load({ meters: JSON.stringify([{ id: "z".repeat(250) }]) });
    node.receive({ topic: "gas", payload: 5 });
    caught(await catching).should.equal(
      "Konfiguration von meter-interpolate: Zählerdefinitionen, Eintrag 1: eine Zähler-ID hat höchstens 200 Zeichen, " +
        "diese hat 250 („zzzzzzzzzzzzzzzzzzzz…“)",
    );
    statuses.should.containEql("Konfigurationsfehler");
  });

  it("a bad duration and a bad time zone: German configuration errors", async function () {
    let { node, catching } = await load({ maxGap: "7 Tage" });
    node.receive({ topic: "gas", payload: 5 });
    caught(await catching).should.equal(
      'Konfiguration von meter-interpolate: maxGap: "7 Tage" ist keine Dauer (z. B. „7d“, „36h“ oder „90m“ schreiben)',
    );
    await helper.unload();
    ({ node, catching } = await load({ timezone: "Europe/Wien" }));
    node.receive({ topic: "gas", payload: 5 });
    caught(await catching).should.equal(
      'Konfiguration von meter-interpolate: Zeitzone "Europe/Wien" ist keine IANA-Zeitzone (z. B. „Europe/Berlin“ oder „UTC“)',
    );
  });

  it("a batch run: the status counts the meters in German", async function () {
    const { node, statuses } = await load();
    node.receive({ topic: "water", payload: DAY });
    await waitFor(() => statuses.length > 0, 5000, "a status");
    statuses.at(-1).should.match(/^ok · 1 Zähler · \d\d:\d\d$/);
  });

  it("an incremental run: the status says so in German", async function () {
    const { node, statuses } = await load({ incremental: true });
    node.receive({ topic: "water", payload: DAY });
    await waitFor(() => statuses.length > 0, 5000, "a status");
    statuses.at(-1).should.match(/^ok · 1 Zähler \(inkrementell\) · \d\d:\d\d$/);
  });

  it("a virtual meter's missing term: a German warning, English in the result object's stats", async function () {
    const { node, warnings, result } = await load();
    const terms = [
      { meter: "a", factor: 1 },
      { meter: "x", factor: 1 },
    ];
    node.receive({
      payload: {
        meters: [
          { id: "a", readings: DAY },
          { id: "v", type: "virtual", terms },
        ],
      },
    });
    const msg = await result;
    warnings.should.eql(["Zähler „v“: der Term „x“ fehlt in der Eingabe"]);
    // The result object is data: the same in every language.
    msg.payload.meters.v.stats.warnings.should.eql(['meter "v": term "x" is not in the input']);
  });

  it("a live reading older than the one before is ignored with a German warning", async function () {
    const { node, warnings } = await load();
    node.receive({ topic: "gas", payload: 5, timestamp: "2024-03-02T00:00:00Z" });
    node.receive({ topic: "gas", payload: 4, timestamp: "2024-03-01T00:00:00Z" });
    await waitFor(() => warnings.length > 0, 5000, "the warning");
    warnings[0].should.equal(
      "Zähler „gas“: Zählerstand um 2024-03-01T00:00:00.000Z ignoriert (älter als der vorige Zählerstand)",
    );
  });
});

"use strict";
// The kernel's own text in a German runtime: a meter-influxdb whose TLS configuration node is gone
// gives the writer a German status and its Catch node the German text.
const { helper, nodeModules, nextMessage, waitFor } = require("../helpers/node-red");
const { inGerman } = require("../helpers/german");

describe("kernel texts in German: a missing TLS configuration", function () {
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  it("reaches the writer's status and its Catch node in German", async function () {
    const nodes = await inGerman(nodeModules("meter-influxdb", "meter-influxdb-write"));
    const flow = [
      { id: "f1", type: "tab" },
      {
        id: "cfg",
        type: "meter-influxdb",
        name: "influx",
        url: "http://127.0.0.1:9",
        org: "",
        bucket: "b",
        tls: "gone",
      },
      {
        id: "w",
        z: "f1",
        type: "meter-influxdb-write",
        server: "cfg",
        bucket: "",
        measurement: "",
        integerFields: "",
        batchSize: 100,
        flushInterval: 20,
        spoolLimit: 50,
        retryMax: 0.05,
        wires: [[]],
      },
      { id: "catcher", z: "f1", type: "catch", scope: ["w"], uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "f1", type: "helper" },
    ];
    await helper.load(nodes, flow, { cfg: { token: "t" } });
    const statuses = helper._NodePrototype.status.getCalls().filter((c) => c.thisValue.id === "w");
    const catching = nextMessage(helper.getNode("caught"));
    helper.getNode("w").receive({ payload: 1, measurement: "m" });
    const msg = await catching;
    msg.error.message
      .replace(/^\w+Error: /, "")
      .should.equal("Die TLS-Konfiguration gone fehlt; eine andere auswählen.");
    await waitFor(() => statuses.length > 0, 5000, "a status");
    statuses.at(-1).args[0].text.should.equal("Die TLS-Konfiguration gone fehlt");
  });
});

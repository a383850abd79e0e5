"use strict";
// The examples as a new user meets them: imported one after the other into an empty editor (as the Import
// menu and its "Import copy" do), every node's dialog opened and closed with Done, and Deploy must find
// nothing "not properly configured". Importing several examples must leave one config node per service, not one per example.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");
const { startNodeRed, readExamples } = require("../../devtools/demo/demo-lib");
const { requireChromium, LAUNCH_ARGS } = require("../helpers/chromium");
const { major } = require("../helpers/node-red");

const pkg = require("../../package.json");
const OUR_TYPES = Object.keys(pkg["node-red"].nodes);

describe(`examples in the editor (Node-RED ${major})`, function () {
  this.timeout(180000);
  let nodeRed;
  let browser;
  let page;
  let userDir;
  const pageErrors = [];

  before(async function () {
    const executablePath = requireChromium(this);
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-examples-"));
    nodeRed = await startNodeRed({ userDir, flows: [], nodeRedMajor: major, quiet: true });
    browser = await chromium.launch({ executablePath, headless: true, args: LAUNCH_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(nodeRed.url, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(
      (types) => window.RED && window.RED.nodes && types.every((t) => window.RED.nodes.getType(t)),
      OUR_TYPES,
      { timeout: 60000 },
    );
    // The editor is ready for imports once its first (empty) flow tab exists.
    await page.waitForFunction(() => RED.workspaces.active(), null, { timeout: 60000 });
    // As the Import menu does: as-is, and when some ids exist already, its conflict view. There a shared
    // account node that is already in the editor is kept (Node-RED's "replace" of an identical node);
    // anything else that clashes is imported as a copy. ("Import copy" for everything would give every
    // account node that is new in that example a fresh id, so a later example would add a second one.)
    for (const [, nodes] of readExamples()) {
      await page.evaluate((json) => {
        try {
          RED.view.importNodes(json, { addFlow: true });
        } catch (err) {
          if (err.code !== "import_conflict") throw err;
          const importMap = {};
          for (const id of Object.keys(err.importConfig.conflicted)) {
            const config = err.importConfig.configs[id];
            const existing = RED.nodes.node(id);
            const same =
              config &&
              existing &&
              Object.keys(existing._def.defaults).every(
                (k) => JSON.stringify(existing[k]) === JSON.stringify(config[k]),
              );
            importMap[id] = same ? "replace" : "copy";
          }
          RED.view.importNodes(json, { addFlow: true, importMap });
        }
      }, nodes);
    }
  });

  after(async function () {
    if (browser) await browser.close();
    if (nodeRed) await nodeRed.stop();
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  it("keeps one config node per service when every example is imported", async function () {
    const counts = await page.evaluate(() => {
      const byType = {};
      RED.nodes.eachConfig((n) => {
        byType[n.type] = (byType[n.type] || 0) + 1;
      });
      return byType;
    });
    const expected = {};
    for (const [, nodes] of readExamples())
      for (const n of nodes)
        if (n.x === undefined && n.type !== "tab" && OUR_TYPES.includes(n.type)) expected[n.type] = 1;
    Object.keys(expected).length.should.be.above(1);
    const ours = Object.fromEntries(Object.entries(counts).filter(([type]) => OUR_TYPES.includes(type)));
    ours.should.eql(expected);
  });

  it("gives the shared config nodes the same content in every example that carries them", function () {
    const seen = new Map();
    for (const [label, nodes] of readExamples()) {
      for (const n of nodes.filter((x) => x.x === undefined && x.type !== "tab")) {
        if (!seen.has(n.id)) seen.set(n.id, [label, n]);
        else n.should.eql(seen.get(n.id)[1], `${n.type} ${n.id} in "${label}" and "${seen.get(n.id)[0]}"`);
      }
    }
  });

  it("carries the InfluxDB token credential on every meter-influxdb config node", function () {
    const influx = readExamples().flatMap(([label, nodes]) =>
      nodes.filter((n) => n.type === "meter-influxdb").map((n) => [label, n]),
    );
    influx.length.should.be.above(0);
    for (const [label, n] of influx) {
      n.should.have.property("credentials").eql({ token: "${INFLUX_TOKEN}" }, label);
      n.url.should.equal("${INFLUX_URL}");
    }
  });

  it("leaves no invalid node after every node's dialog is opened and closed with Done", async function () {
    const ours = await page.evaluate((types) => {
      const found = [];
      RED.nodes.eachNode((n) => {
        if (types.includes(n.type)) found.push({ id: n.id, type: n.type });
      });
      RED.nodes.eachConfig((n) => {
        if (types.includes(n.type)) found.push({ id: n.id, type: n.type, config: true });
      });
      return found;
    }, OUR_TYPES);
    ours.length.should.be.above(20);
    for (const node of ours) {
      if (node.config) {
        await page.evaluate(({ type, id }) => RED.editor.editConfig("", type, id), node);
        await page.locator("#node-config-dialog-ok").waitFor({ state: "visible", timeout: 10000 });
        await page.locator("#node-config-dialog-ok").click();
        await page.locator("#node-config-dialog-ok").waitFor({ state: "detached", timeout: 10000 });
      } else {
        await page.evaluate((id) => RED.editor.edit(RED.nodes.node(id)), node.id);
        await page.locator("#node-dialog-ok").waitFor({ state: "visible", timeout: 10000 });
        await page.locator("#dialog-form").waitFor({ state: "visible", timeout: 10000 });
        await page.locator("#node-dialog-ok").click();
        await page.locator("#node-dialog-ok").waitFor({ state: "detached", timeout: 10000 });
      }
    }
    const invalid = await page.evaluate(() => {
      const bad = [];
      const check = (n) => {
        if (n.valid === false) bad.push(`${n.type} ${n.id} (${n.name || ""})`);
      };
      RED.nodes.eachNode(check);
      RED.nodes.eachConfig(check);
      return bad;
    });
    invalid.should.eql([]);
    pageErrors.should.eql([]);
  });

  it("finds our nodes in the palette by what users search for", async function () {
    const search = page.locator("#red-ui-palette-search input");
    const shownFor = async (term) => {
      await search.fill("");
      await search.pressSequentially(term); // the search box filters on key presses, after a short delay
      await page.waitForTimeout(500);
      return page.evaluate(() =>
        Array.from(document.querySelectorAll("#red-ui-palette-container .red-ui-palette-node"))
          .filter((el) => el.getAttribute("data-filter") !== "true")
          .map((el) => el.getAttribute("data-palette-type")),
      );
    };
    // The filter really applies: a word no node has shows none of ours.
    (await shownFor("qqxqq")).filter((t) => OUR_TYPES.includes(t)).should.eql([]);
    for (const [term, type] of [
      ["alexa", "voicemonkey-announce"],
      ["water", "flume-flow"],
      ["leak", "flume-flow"],
      ["tibber", "tibber-prices"],
    ]) {
      (await shownFor(term)).should.containEql(type, `palette search "${term}"`);
    }
    await search.fill("");
  });
});

"use strict";
// The editor as a person sees it, in a real browser: the demo's Node-RED shows our nodes in the palette,
// every example imports from the menu, and every node's edit dialog opens without a script error.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");
const { startDemo, readExamples, readDashboards } = require("../../devtools/demo/demo-lib");
const { requireChromium, LAUNCH_ARGS } = require("../helpers/chromium");
const { major } = require("../helpers/node-red");

const pkg = require("../../package.json");

describe(`editor in Chromium (Node-RED ${major})`, function () {
  this.timeout(120000);
  let demo;
  let browser;
  let page;
  const pageErrors = [];

  before(async function () {
    const executablePath = requireChromium(this);
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-editor-"));
    demo = await startDemo({ userDir, nodeRedMajor: major, quiet: true, influx: false });
    browser = await chromium.launch({ executablePath, headless: true, args: LAUNCH_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(demo.url, { waitUntil: "domcontentloaded" });
    // Ready when our node types are registered and the deployed flows are on the canvas.
    const firstType = Object.keys(pkg["node-red"].nodes)[0];
    await page.waitForFunction(
      (type) => {
        if (!(window.RED && window.RED.nodes && window.RED.nodes.getType(type))) return false;
        let count = 0;
        window.RED.nodes.eachNode(() => count++);
        return count > 0;
      },
      firstType,
      { timeout: 60000 },
    );
  });

  after(async function () {
    if (browser) await browser.close();
    if (demo) await demo.stop();
  });

  it("registers every node type of the package and shows the flow nodes in the palette", async function () {
    const types = await page.evaluate(() =>
      RED.nodes.registry
        .getNodeList()
        .filter((set) => set.module === "@meterflow/node-red")
        .flatMap((set) => set.types),
    );
    // Each node set of the package holds one node type of the same name.
    types.sort().should.eql(Object.keys(pkg["node-red"].nodes).sort());
    const flowTypes = await page.evaluate(
      (all) => all.filter((t) => RED.nodes.getType(t).category !== "config"),
      types,
    );
    for (const type of flowTypes) {
      await page
        .locator(`.red-ui-palette-node[data-palette-type='${type}']`)
        .waitFor({ state: "attached", timeout: 10000 });
    }
    flowTypes.length.should.be.above(4);
  });

  it("shows every node's help, read from locales/en-US/<type>.html", async function () {
    const help = await page.evaluate(
      (types) =>
        types.map((type) => {
          const block = document.querySelector(`script[data-help-name="${type}"]`);
          return [type, block ? block.textContent.trim().length : 0];
        }),
      Object.keys(pkg["node-red"].nodes),
    );
    for (const [type, length] of help) length.should.be.above(100, `help of ${type}`);
    // And the help sidebar renders it for a node.
    await page.evaluate(() => RED.sidebar.help.show("flume-flow"));
    await page
      .locator(".red-ui-help", { hasText: "Live water flow from a Flume sensor" })
      .first()
      .waitFor({ state: "visible", timeout: 10000 });
  });

  it("deployed every example and opens each of our nodes' edit dialogs without a script error", async function () {
    // Every node type of the package, read from package.json so a new node is opened too.
    const types = Object.keys(pkg["node-red"].nodes);
    const ours = await page.evaluate((all) => {
      const found = [];
      RED.nodes.eachNode((n) => {
        if (all.includes(n.type)) found.push({ id: n.id, type: n.type });
      });
      return found;
    }, types);
    // The demo deploys the dashboard flow beside the examples; its nodes of ours open here too.
    const expected = [...readExamples(), ...readDashboards()]
      .flatMap(([, nodes]) => nodes)
      .filter((n) => n.x !== undefined && types.includes(n.type));
    for (const type of ["energy-cost", "price-plan"]) ours.some((n) => n.type === type).should.be.true(type);
    ours.length.should.equal(expected.length);
    for (const node of ours) {
      await page.evaluate((id) => RED.editor.edit(RED.nodes.node(id)), node.id);
      await page.locator("#node-dialog-ok").waitFor({ state: "visible", timeout: 10000 });
      // The form is rendered and oneditprepare has run once #dialog-form shows; closing earlier races the tray.
      await page.locator("#dialog-form").waitFor({ state: "visible", timeout: 10000 });
      await page.locator("#node-dialog-cancel").click();
      await page.locator("#node-dialog-ok").waitFor({ state: "detached", timeout: 10000 });
    }
    pageErrors.should.eql([]);
  });

  it("lists every example under Import → Examples → @meterflow/node-red", async function () {
    const res = await page.evaluate(async (mod) => {
      const r = await fetch(`library/examples/flows/${mod}`, { headers: { "Node-RED-API-Version": "v2" } });
      return r.json();
    }, pkg.name);
    // The answer is a list of {fn} entries (or {f: [...]} in older versions).
    const labels = (Array.isArray(res) ? res.map((e) => e.fn) : res.f || []).slice().sort();
    labels.should.eql(
      readExamples()
        .map(([label]) => label)
        .sort(),
    );
  });

  it("imports an example from the menu onto a new tab", async function () {
    const [label] = readExamples()[0];
    const before = await page.evaluate(() => {
      let n = 0;
      RED.nodes.eachNode(() => n++);
      return n;
    });
    await page.locator("#red-ui-header-button-sidemenu").click();
    await page.locator("#menu-item-import").click();
    await page
      .locator('#red-ui-clipboard-dialog-import-tabs a[href="#red-ui-clipboard-dialog-import-tab-examples"]')
      .click();
    const tab = page.locator("#red-ui-clipboard-dialog-import-tab-examples");
    await tab.locator(".red-ui-treeList-label", { hasText: pkg.name }).first().click();
    await tab.locator(".red-ui-treeList-label", { hasText: label }).first().click();
    await page.locator("#red-ui-clipboard-dialog-ok").click();
    // The demo already deployed this example, so the editor asks whether to import a copy.
    const copy = page.getByRole("button", { name: /import copy/i });
    await copy.waitFor({ state: "visible", timeout: 10000 });
    await copy.click();
    await page.mouse.click(600, 300);
    const after = await page.evaluate(() => {
      let n = 0;
      RED.nodes.eachNode(() => n++);
      return n;
    });
    after.should.be.above(before);
    pageErrors.should.eql([]);
    await page.screenshot({ path: path.join(demo.userDir, "editor.png") });
  });
});

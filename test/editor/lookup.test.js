"use strict";
// The look-up buttons of the edit dialogs in a real browser, against the demo's simulators: the shared
// script (resources/lookup.js) POSTs the dialog's fields, fills the one dropdown picker, writes the chosen
// entry into the text input, and shows the route's short reason when it refuses, e.g. for a changed URL
// while the secret field still holds the stored-secret placeholder.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");
const { startDemo } = require("../../devtools/demo/demo-lib");
const { requireChromium, LAUNCH_ARGS } = require("../helpers/chromium");
const { major } = require("../helpers/node-red");

/** One dialog per service: its node type, look-up button, picker, the input it fills, and its note. */
const DIALOGS = [
  {
    type: "flume-flow",
    button: "#node-input-flume-lookup",
    picker: "#node-input-flume-devices",
    input: "#node-input-device",
    note: "#node-input-flume-lookup-note",
  },
  {
    type: "voicemonkey-announce",
    button: "#node-input-list-devices",
    picker: "#voicemonkey-announce-devices",
    input: "#node-input-device",
    note: "#voicemonkey-announce-device-status",
  },
  {
    type: "tibber-prices",
    button: "#node-input-find-homes",
    picker: "#node-input-homes",
    input: "#node-input-home",
    note: "#node-input-homes-note",
  },
  {
    type: "energylive-reader",
    button: "#node-input-energylive-lookup",
    picker: "#node-input-energylive-devices",
    input: "#node-input-deviceUid",
    note: "#node-input-energylive-lookup-note",
  },
];

describe(`look-up buttons in Chromium (Node-RED ${major})`, function () {
  this.timeout(120000);
  let demo;
  let browser;
  let page;
  const pageErrors = [];

  before(async function () {
    const executablePath = requireChromium(this);
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-lookup-"));
    demo = await startDemo({ userDir, nodeRedMajor: major, quiet: true, influx: false });
    browser = await chromium.launch({ executablePath, headless: true, args: LAUNCH_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(demo.url, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(
      (types) => {
        if (!(window.RED && window.RED.nodes && types.every((t) => window.RED.nodes.getType(t)))) return false;
        let count = 0;
        window.RED.nodes.eachNode(() => count++);
        return count > 0;
      },
      DIALOGS.map((d) => d.type),
      { timeout: 60000 },
    );
  });

  after(async function () {
    if (browser) await browser.close();
    if (demo) await demo.stop();
  });

  async function openDialog(type) {
    const id = await page.evaluate((t) => {
      let found;
      RED.nodes.eachNode((n) => {
        if (!found && n.type === t) found = n.id;
      });
      return found;
    }, type);
    (id || "").should.not.equal("", `the demo has a ${type} node`);
    await page.evaluate((nodeId) => RED.editor.edit(RED.nodes.node(nodeId)), id);
    await page.locator("#node-dialog-ok").waitFor({ state: "visible", timeout: 10000 });
    await page.locator("#dialog-form").waitFor({ state: "visible", timeout: 10000 });
  }

  async function closeDialog() {
    await page.locator("#node-dialog-cancel").click();
    await page.locator("#node-dialog-ok").waitFor({ state: "detached", timeout: 10000 });
  }

  it("loads the one shared look-up script", async function () {
    const shared = await page.evaluate(
      () => typeof window.meterflowLookup === "function" && typeof window.meterflowLookup.picker === "function",
    );
    shared.should.be.true();
  });

  for (const dialog of DIALOGS) {
    it(`${dialog.type}: the look-up fills the dropdown, and picking fills the input`, async function () {
      await openDialog(dialog.type);
      const picker = page.locator(dialog.picker);
      (await picker.isVisible()).should.be.false("the picker stays hidden until something is found");
      await page.locator(dialog.button).click();
      await picker.waitFor({ state: "visible", timeout: 15000 });
      await page.locator(dialog.button).waitFor({ state: "attached" });
      (await page.locator(dialog.button).isEnabled()).should.be.true("the button is enabled again");
      const options = await picker.locator("option").evaluateAll((els) => els.map((o) => o.value));
      options.length.should.be.above(1, "a prompt and at least one entry");
      options[0].should.equal("");
      await picker.selectOption(options[1]);
      (await page.locator(dialog.input).inputValue()).should.equal(options[1]);
      await closeDialog();
    });
  }

  it("tibber-prices: finds homes through a new, undeployed Tibber account and fills the Home TypedInput", async function () {
    const { DEMO_TOKEN } = require("../../build/devtools/simulators/tibber");
    // As "Add new tibber-account…" leaves it before Deploy: the token only in the editor.
    const accountId = await page.evaluate((token) => {
      const account = {
        id: RED.nodes.id(),
        type: "tibber-account",
        _def: RED.nodes.getType("tibber-account"),
        name: "new account",
        baseUrl: "",
        credentials: { token },
        users: [],
      };
      RED.nodes.add(account);
      return account.id;
    }, DEMO_TOKEN);
    await openDialog("tibber-prices");
    await page.evaluate((id) => window.$("#node-input-account").val(id).trigger("change"), accountId);
    await page.locator("#node-input-find-homes").click();
    const picker = page.locator("#node-input-homes");
    await picker.waitFor({ state: "visible", timeout: 15000 });
    const options = await picker.locator("option").evaluateAll((els) => els.map((o) => o.value));
    options.length.should.be.above(1);
    await page.evaluate(() => window.$("#node-input-home").typedInput("type", "msg"));
    await picker.selectOption(options[1]);
    (await page.evaluate(() => window.$("#node-input-home").typedInput("type"))).should.equal("str");
    (await page.evaluate(() => window.$("#node-input-home").typedInput("value"))).should.equal(options[1]);
    await closeDialog();
    await page.evaluate((id) => RED.nodes.remove(id), accountId);
    pageErrors.should.eql([]);
  });

  it("tibber-account: a changed URL with the stored-secret placeholder asks to type the secret again", async function () {
    // The demo's Tibber nodes share the examples' account node, which holds the deployed token.
    await page.evaluate(() => RED.editor.editConfig("", "tibber-account", "meterflow-tibber-account"));
    const token = page.locator("#node-config-input-token");
    await token.waitFor({ state: "visible", timeout: 10000 });
    (await token.inputValue()).should.equal("__PWRD__");
    await page.locator("#node-config-input-baseUrl").fill("http://127.0.0.1:9/elsewhere");
    await page.locator("#node-config-input-tibber-check").click();
    const note = page.locator("#node-config-input-tibber-check-note");
    await note.filter({ hasText: "type the secret again" }).waitFor({ state: "visible", timeout: 15000 });
    await page.locator("#node-config-dialog-cancel").click();
    await token.waitFor({ state: "detached", timeout: 10000 });
  });

  it("meter-influxdb: Test connection shows a short answer in the dialog", async function () {
    const id = await page.evaluate(() => {
      let found;
      RED.nodes.eachConfig((n) => {
        if (!found && n.type === "meter-influxdb") found = n.id;
      });
      return found;
    });
    (id || "").should.not.equal("", "the demo has a meter-influxdb node");
    await page.evaluate((nodeId) => RED.editor.editConfig("", "meter-influxdb", nodeId), id);
    const button = page.locator("#meter-influxdb-test");
    await button.waitFor({ state: "visible", timeout: 10000 });
    await button.click();
    // The demo runs without InfluxDB here, so the answer is a reason (nothing listens at the URL).
    const result = page.locator("#meter-influxdb-test-result");
    await page.waitForFunction(
      () => {
        const text = document.querySelector("#meter-influxdb-test-result").textContent;
        return text && !/Testing/.test(text);
      },
      null,
      { timeout: 20000 },
    );
    (await result.textContent()).length.should.be.below(200);
    await page.locator("#node-config-dialog-cancel").click();
    await button.waitFor({ state: "detached", timeout: 10000 });
    pageErrors.should.eql([]);
  });
});

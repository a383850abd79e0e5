/* global window, RED, $ -- functions handed to page.evaluate() run in the editor page */
// The meter-interpolate edit dialog in a real browser against a real Node-RED that loads only this package:
// the form opens without script errors, lists IANA zones, shows defaults for a node imported without some
// properties, and saves what was chosen.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");
const { requireChromium, LAUNCH_ARGS } = require("../helpers/chromium");
const { major } = require("../helpers/node-red");
const { startNodeRed } = require("../../devtools/demo/demo-lib");

describe(`meter-interpolate edit dialog in Chromium (Node-RED ${major})`, function () {
  this.timeout(120000);
  let nodeRed;
  let browser;
  let page;
  let url;
  const pageErrors = [];

  before(async function () {
    const executablePath = requireChromium(this);
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meter-interpolate-editor-"));
    // Only some properties, as in a hand-written or older flow.
    const flows = [
      { id: "t1", type: "tab", label: "meter" },
      {
        id: "mi1",
        type: "meter-interpolate",
        z: "t1",
        intervals: ["day", "month"],
        timezone: "Europe/Berlin",
        x: 200,
        y: 100,
        wires: [[], []],
      },
    ];
    nodeRed = await startNodeRed({ userDir, flows, nodeRedMajor: major, quiet: true });
    url = nodeRed.url;
    browser = await chromium.launch({ executablePath, headless: true, args: LAUNCH_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(url, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(
      () => window.RED && RED.nodes && RED.nodes.getType("meter-interpolate") && RED.nodes.node("mi1"),
      null,
      {
        timeout: 60000,
      },
    );
  });

  after(async function () {
    if (browser) await browser.close();
    if (nodeRed) await nodeRed.stop();
  });

  it("opens with zones, intervals and defaults, and saves the choices", async function () {
    await page.evaluate(() => RED.editor.edit(RED.nodes.node("mi1")));
    await page.locator("#node-dialog-ok").waitFor({ state: "visible", timeout: 10000 });
    // The form is rendered and oneditprepare has run once #dialog-form shows; closing earlier races the tray.
    await page.locator("#dialog-form").waitFor({ state: "visible", timeout: 10000 });
    const shown = await page.evaluate(() => ({
      zones: $("#node-input-timezone option").length,
      zone: $("#node-input-timezone").val(),
      hour: $("#node-input-interval-hour").prop("checked"),
      day: $("#node-input-interval-day").prop("checked"),
      month: $("#node-input-interval-month").prop("checked"),
      counterMode: $("#node-input-counterMode").val(),
      anomalyMethod: $("#node-input-anomalyMethod").val(),
      output: $("#node-input-output").val(),
    }));
    shown.zones.should.be.above(300);
    shown.should.containEql({
      zone: "Europe/Berlin",
      hour: false,
      day: true,
      month: true,
      counterMode: "increasing",
      anomalyMethod: "vote",
      output: "object",
    });
    await page.locator("#node-input-interval-hour").check();
    await page.locator("#node-input-interval-month").uncheck();
    await page.locator("#node-input-maxGap").fill("36h");
    await page.locator("#node-input-output").selectOption("both");
    await page.locator("#node-dialog-ok").click();
    await page.locator("#node-dialog-ok").waitFor({ state: "detached", timeout: 10000 });
    const saved = await page.evaluate(() => {
      const n = RED.nodes.node("mi1");
      return { intervals: n.intervals, maxGap: n.maxGap, output: n.output, valid: n.valid };
    });
    saved.should.eql({ intervals: ["hour", "day"], maxGap: "36h", output: "both", valid: true });
    pageErrors.should.eql([]);
  });

  it("marks the node invalid when no interval is chosen or a duration is malformed", async function () {
    await page.evaluate(() => RED.editor.edit(RED.nodes.node("mi1")));
    await page.locator("#node-dialog-ok").waitFor({ state: "visible", timeout: 10000 });
    // The form is rendered and oneditprepare has run once #dialog-form shows; closing earlier races the tray.
    await page.locator("#dialog-form").waitFor({ state: "visible", timeout: 10000 });
    await page.locator("#node-input-interval-hour").uncheck();
    await page.locator("#node-input-interval-day").uncheck();
    await page.locator("#node-input-maxGap").fill("7 days");
    await page.locator("#node-dialog-ok").click();
    await page.locator("#node-dialog-ok").waitFor({ state: "detached", timeout: 10000 });
    (await page.evaluate(() => RED.nodes.node("mi1").valid)).should.be.false();
    pageErrors.should.eql([]);
  });
});

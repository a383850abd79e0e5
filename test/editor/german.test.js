"use strict";
// The editor and the runtime in German: a browser with a German locale sees our dialogs and help in German,
// and a runtime started in German (LANG=de_DE, as Node-RED reads the language when settings.lang is unset)
// shows German status lines and hands German error texts to Catch nodes. Screenshots go to test-output/.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");
const { startNodeRed } = require("../../devtools/demo/demo-lib");
const { requireChromium, LAUNCH_ARGS } = require("../helpers/chromium");
const { major, waitFor } = require("../helpers/node-red");

const out = path.resolve(__dirname, "..", "..", "test-output");

const flows = [
  { id: "de-tab", type: "tab", label: "Deutsch" },
  { id: "de-inject", type: "inject", z: "de-tab", once: true, onceDelay: 0.5, x: 120, y: 80, wires: [["de-prices"]] },
  {
    id: "de-prices",
    type: "tibber-prices",
    z: "de-tab",
    name: "",
    home: "",
    homeType: "str",
    resolution: "QUARTER_HOURLY",
    emit: "both",
    cheapestMinutes: 120,
    cheapestContiguous: true,
    consumptionHours: 48,
    consumptionDaily: false,
    x: 320,
    y: 80,
    wires: [[], []],
  },
  { id: "de-interp", type: "meter-interpolate", z: "de-tab", name: "", x: 320, y: 160, wires: [[], []] },
  { id: "de-cost", type: "energy-cost", z: "de-tab", name: "", x: 320, y: 240, wires: [[]] },
  { id: "de-catch", type: "catch", z: "de-tab", scope: ["de-prices"], x: 120, y: 320, wires: [["de-debug"]] },
  {
    id: "de-debug",
    type: "debug",
    z: "de-tab",
    active: true,
    tosidebar: false,
    console: true,
    complete: "error.message",
    targetType: "msg",
    x: 320,
    y: 320,
    wires: [],
  },
];

describe(`German editor and runtime in Chromium (Node-RED ${major})`, function () {
  this.timeout(120000);
  let red;
  let browser;
  let page;
  const pageErrors = [];

  before(async function () {
    const executablePath = requireChromium(this);
    fs.mkdirSync(out, { recursive: true });
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-german-"));
    const env = { ...process.env, LANG: "de_DE.UTF-8" };
    delete env.LC_ALL; // Node-RED takes the first of LC_ALL, LC_MESSAGES, LANG that is set
    delete env.LC_MESSAGES;
    red = await startNodeRed({ userDir, flows, env, nodeRedMajor: major, quiet: true });
    browser = await chromium.launch({ executablePath, headless: true, args: LAUNCH_ARGS });
    const context = await browser.newContext({ locale: "de-DE", viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(red.url, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(() => window.RED && RED.nodes && RED.nodes.node && RED.nodes.node("de-interp"), null, {
      timeout: 60000,
    });
  });

  after(async function () {
    if (browser) await browser.close();
    if (red) await red.stop();
  });

  async function openDialog(id, text) {
    await page.evaluate((nodeId) => RED.editor.edit(RED.nodes.node(nodeId)), id);
    const tray = page.locator(".red-ui-tray");
    await tray.getByText(text, { exact: false }).first().waitFor({ state: "visible", timeout: 15000 });
    // the tray slides in; a screenshot taken at once can miss it
    await page.waitForFunction(() => {
      const tray = document.querySelector(".red-ui-tray");
      return tray && tray.getBoundingClientRect().right <= window.innerWidth + 1 && !tray.getAnimations().length;
    });
    await page.waitForTimeout(300);
    return tray;
  }

  async function closeDialog() {
    await page.locator("#node-dialog-cancel").click();
    await page.locator(".red-ui-tray").waitFor({ state: "detached", timeout: 10000 });
  }

  it("shows meter-interpolate's dialog in German", async function () {
    const tray = await openDialog("de-interp", "Zählwerk");
    const text = await tray.innerText();
    for (const word of ["Intervalle", "Zeitzone", "Zählwerk", "Max. Lücke", "Auffälligkeiten", "Zählertausch"]) {
      text.should.containEql(word);
    }
    text.should.not.containEql("Reset ratio");
    (await page.locator("#node-input-counterMode option:checked").innerText()).should.startWith("steigend");
    await page.screenshot({ path: path.join(out, "de-meter-interpolate-dialog.png") });
    await closeDialog();
  });

  it("shows tibber-prices' dialog in German", async function () {
    const tray = await openDialog("de-prices", "Auflösung");
    const text = await tray.innerText();
    for (const word of ["Konto", "Zuhause", "Auflösung", "Viertelstündlich", "Verbrauch"]) text.should.containEql(word);
    await page.screenshot({ path: path.join(out, "de-tibber-prices-dialog.png") });
    await closeDialog();
  });

  it("says a look-up's refusal in German: the runtime answers with the key, the editor says it", async function () {
    // A Tibber account added in the editor and not deployed, with no token yet.
    const accountId = await page.evaluate(() => {
      const account = {
        id: RED.nodes.id(),
        type: "tibber-account",
        _def: RED.nodes.getType("tibber-account"),
        name: "neu",
        baseUrl: "",
        credentials: { token: "" },
        users: [],
      };
      RED.nodes.add(account);
      return account.id;
    });
    await openDialog("de-prices", "Auflösung");
    await page.evaluate((id) => window.$("#node-input-account").val(id).trigger("change"), accountId);
    await page.locator("#node-input-find-homes").click();
    const note = page.locator("#node-input-homes-note");
    await note.filter({ hasText: "im Dialog eintragen" }).waitFor({ state: "visible", timeout: 15000 });
    (await note.innerText()).should.equal(
      "„token“ im Dialog eintragen: dieser Node hat keinen gespeicherten Wert, der sich nutzen ließe.",
    );
    await closeDialog();
    await page.evaluate((id) => RED.nodes.remove(id), accountId);
  });

  it("shows energy-cost's help in German", async function () {
    await page.evaluate(() => {
      RED.sidebar.show("help");
      RED.sidebar.help.show("energy-cost");
    });
    const heading = page.locator(".red-ui-help h3", { hasText: "Eingaben" }).first();
    await heading.waitFor({ state: "visible", timeout: 15000 });
    const help = page.locator(".red-ui-help", { has: heading }).last();
    const text = await help.innerText();
    for (const word of ["Eingaben", "Ausgaben", "Netzentgelt", "Abgaben", "Grundgebühr"]) text.should.containEql(word);
    text.should.not.containEql("Inputs");
    await page.screenshot({ path: path.join(out, "de-energy-cost-help.png") });
  });

  it("shows a German status and hands a German error to the Catch node", async function () {
    const status = await waitFor(
      () =>
        page.evaluate(() => {
          const el = document.querySelector('[id="de-prices"] .red-ui-flow-node-status-label');
          return el && el.textContent;
        }),
      20000,
      "the tibber-prices status",
    );
    status.should.be.oneOf(["kein Token", "Kein Tibber-Token"]);
    await waitFor(
      () => red.output().includes("Kein Tibber-Token: in diesem Node ein Tibber-Konto wählen"),
      20000,
      "the German Catch message",
    );
    await page.screenshot({ path: path.join(out, "de-status.png") });
    pageErrors.should.eql([]);
  });
});

"use strict";
/* global window */
// The Dashboard 2 flow users import (dashboards/meterflow-dashboard.json), in a real browser against the
// demo's simulators: the page loads without a console error, every chart gets data points, the cheapest
// window and the current slot sit where the prices say, and the health tab lists our nodes without a secret.
// The demo's InfluxDB runs too: the cost chart reads the energyLIVE meter's past days back from it at start.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");
const { startDemo, readDashboards } = require("../../devtools/demo/demo-lib");
const { requireInfluxd } = require("../../devtools/influxdb/harness");
const { requireChromium, LAUNCH_ARGS } = require("../helpers/chromium");
const { major } = require("../helpers/node-red");

const root = path.resolve(__dirname, "..", "..");
const outputDir = path.join(root, "test-output");
const HOUR_MS = 3600000;

const [[, dashboardFlow]] = readDashboards();
const charts = dashboardFlow.filter((n) => n.type === "ui-chart");
const cheapestMinutes = Number(dashboardFlow.find((n) => n.type === "tibber-prices").cheapestMinutes);

/** Every credential the demo hands its nodes: none may appear in the health route or the page. */
function demoSecrets() {
  return ["flume", "voicemonkey", "tibber", "energylive"].flatMap((m) =>
    Object.values(require(path.join(root, "build", "devtools", "simulators", `${m}.js`)).DEMO_CREDENTIALS),
  );
}

/** Each chart's series as the browser plots them: {chartId: {seriesName: [[x, y], …]}}. */
function plotted(page) {
  return page.evaluate(() => {
    const out = {};
    for (const [id, widget] of Object.entries(window.uiCharts || {})) {
      const option = widget.chart && widget.chart.getOption ? widget.chart.getOption() : { series: [] };
      out[id] = Object.fromEntries(
        (option.series || []).map((s) => [s.name, (s.data || []).map((d) => (Array.isArray(d) ? d : d.value))]),
      );
    }
    return out;
  });
}

describe(`Dashboard 2 flow in Chromium (Node-RED ${major})`, function () {
  this.timeout(180000);
  let demo;
  let browser;
  let page;
  const consoleErrors = [];

  before(async function () {
    const executablePath = requireChromium(this);
    requireInfluxd(this);
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-dashboard-"));
    demo = await startDemo({ userDir, nodeRedMajor: major, quiet: true });
    browser = await chromium.launch({ executablePath, headless: true, args: LAUNCH_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    // Dashboard 2's own test hook: with window.Cypress set, each chart puts itself on window.uiCharts.
    await page.addInitScript(() => {
      window.Cypress = {};
    });
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    await page.goto(`${demo.dashboardUrl}/home`, { waitUntil: "domcontentloaded" });
  });

  after(async function () {
    if (browser) await browser.close();
    if (demo) await demo.stop();
  });

  it("shows data points from the simulators in every chart within 60 s, with no console error", async function () {
    await page.waitForFunction(
      (ids) =>
        ids.every((id) => {
          const w = window.uiCharts && window.uiCharts[id];
          const series = w && w.chart && w.chart.getOption ? w.chart.getOption().series || [] : [];
          return series.some((s) => (s.data || []).length > 0);
        }),
      charts.map((c) => c.id),
      { timeout: 60000 },
    );
    const data = await plotted(page);
    for (const chart of charts) {
      const points = Object.values(data[chart.id]).flat();
      points.length.should.be.above(0, chart.label);
      for (const [, y] of points) Number.isFinite(Number(y)).should.be.true(`${chart.label}: y ${y}`);
    }
    // The cost chart bills the energyLIVE meter (history through meter-interpolate and energy-cost) beside
    // Tibber's own hours; the live chart has Tibber Pulse measurements from the simulator's WebSocket.
    const cost = data[charts.find((c) => c.group === "mfd-g-cost").id];
    cost["energyLIVE meter"].length.should.be.above(0);
    cost["Tibber home"].length.should.be.above(0);
    for (const [, y] of [...cost["energyLIVE meter"], ...cost["Tibber home"]]) Number(y).should.be.above(0);
    const live = data[charts.find((c) => c.group === "mfd-g-live").id].power;
    live.length.should.be.above(0);
    for (const [, y] of live) Number(y).should.be.within(1, 10000);
    // A gauge and the texts show values too, numbers rounded for display.
    const texts = await page.locator(".nrdb-ui-text").allInnerTexts();
    texts.join(" ").should.match(/NOK/);
    texts.join(" ").should.not.match(/\d\.\d{5,}/);
    fs.mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: path.join(outputDir, `dashboard-node-red-${major}.png`), fullPage: true });
    consoleErrors.should.eql([]);
  });

  it("marks the cheapest window and the current slot where the prices say", async function () {
    const prices = charts.find((c) => c.group === "mfd-g-prices");
    const series = (await plotted(page))[prices.id];
    const slots = series.price.slice(0, -1); // the last point only closes the last step
    const now = series.now.map(([x]) => x);
    // The current slot: the one running now, by the slot's own start and the next slot's.
    const current = slots.findIndex(([x]) => x === now[0]);
    current.should.be.aboveOrEqual(0);
    const next = current + 1 < slots.length ? slots[current + 1][0] : slots[current][0] + HOUR_MS;
    slots[current][0].should.be.belowOrEqual(Date.now());
    next.should.be.above(Date.now() - 60000);
    // The cheapest contiguous window of the configured length from the current slot on, recomputed here.
    const n = cheapestMinutes / 60;
    let best;
    for (let i = current; i + n <= slots.length; i++) {
      const sum = slots.slice(i, i + n).reduce((a, [, y]) => a + y, 0);
      if (!best || sum < best.sum - 1e-12) best = { i, sum };
    }
    series["cheapest window"].map(([x]) => x).should.eql(slots.slice(best.i, best.i + n).map(([x]) => x));
  });

  it("lists our nodes on the health tab, from the admin route, without a secret", async function () {
    const res = await fetch(`${demo.url}meterflow/health`);
    res.status.should.equal(200);
    const text = await res.text();
    const body = JSON.parse(text);
    const byId = Object.fromEntries(body.nodes.map((n) => [n.id, n]));
    byId["mfd-prices"].lastSuccessAt.should.be.a.Number();
    byId["mfd-prices"].facts.tibberCallsToday.should.be.above(0);
    byId["meterflow-flume-account"].facts.flumeBudgetPerHour.should.equal(100);
    byId["meterflow-flume-account"].facts.flumeCallsThisHour.should.be.above(0);
    body.nodes
      .some((n) => n.type === "meter-influxdb-write" && typeof n.facts.spoolBacklog === "number")
      .should.be.true();
    body.nodes.some((n) => n.type === "voicemonkey-announce" && n.facts.announcementCap > 0).should.be.true();
    await page.goto(`${demo.dashboardUrl}/health`, { waitUntil: "domcontentloaded" });
    await page.locator('tr[data-node-type="tibber-prices"]').first().waitFor({ timeout: 20000 });
    const shown = await page.locator(".mf-health").innerText();
    shown.should.match(/Tibber calls today \d+/);
    for (const secret of demoSecrets()) {
      text.should.not.containEql(secret);
      shown.should.not.containEql(secret);
    }
    await page.screenshot({ path: path.join(outputDir, `health-node-red-${major}.png`), fullPage: true });
    consoleErrors.should.eql([]);
  });
});

describe(`German Dashboard 2 flow in Chromium (Node-RED ${major})`, function () {
  this.timeout(120000);
  let demo;
  let browser;

  after(async function () {
    if (browser) await browser.close();
    if (demo) await demo.stop();
  });

  it("loads with German labels and data in every chart, with no console error", async function () {
    const executablePath = requireChromium(this);
    const [[, germanFlow]] = readDashboards("de");
    const germanCharts = germanFlow.filter((n) => n.type === "ui-chart");
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-dashboard-de-"));
    // Without InfluxDB: the cost chart then has Tibber's own hours, the energyLIVE meter's come live.
    demo = await startDemo({ userDir, nodeRedMajor: major, quiet: true, influx: false, dashboardLanguage: "de" });
    browser = await chromium.launch({ executablePath, headless: true, args: LAUNCH_ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await page.addInitScript(() => {
      window.Cypress = {};
    });
    const errors = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${demo.dashboardUrl}/home`, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(
      (ids) =>
        ids.every((id) => {
          const w = window.uiCharts && window.uiCharts[id];
          const series = w && w.chart && w.chart.getOption ? w.chart.getOption().series || [] : [];
          return series.some((s) => (s.data || []).length > 0);
        }),
      germanCharts.map((c) => c.id),
      { timeout: 60000 },
    );
    const series = await plotted(page);
    Object.keys(series[germanCharts.find((c) => c.group === "mfd-g-prices").id]).should.containEql(
      "günstigstes Fenster",
    );
    Object.keys(series[germanCharts.find((c) => c.group === "mfd-g-cost").id]).should.containEql("Tibber-Haushalt");
    const shown = await page.locator("body").innerText();
    for (const text of ["Kosten pro Tag", "Leistung live (Tibber Pulse)", "Preis jetzt", "Bezug jetzt"]) {
      shown.should.containEql(text);
    }
    await page.screenshot({ path: path.join(outputDir, `dashboard-de-node-red-${major}.png`), fullPage: true });
    errors.should.eql([]);
  });
});

#!/usr/bin/env node
// Dashboard 2 has no per-language labels, so the dashboard ships once per language from one source: the
// English flow (dashboards/meterflow-dashboard.json) and this table of what a user sees on the page. The
// German flow is written from them: `node devtools/demo/dashboard-labels.js`. test/dashboard/labels.test.js
// checks that the German file is up to date and differs from the English one only in these texts.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const ENGLISH = path.join(root, "dashboards", "meterflow-dashboard.json");
const GERMAN = path.join(root, "dashboards", "meterflow-dashboard.de.json");

const GERMAN_NUMBER = `, {"decimal-separator": ",", "grouping-separator": "."})`;

/** [node id, property path, English text, German text]: each English text is replaced wherever it occurs. */
const DE = [
  ["mfd-tab", "label", "meterflow dashboard", "meterflow Dashboard"],
  ["mfd-page-home", "name", "Home", "Übersicht"],
  ["mfd-page-health", "name", "Health", "Zustand"],
  ["mfd-g-water", "name", "Water (Flume)", "Wasser (Flume)"],
  ["mfd-g-power", "name", "Power (energyLIVE)", "Strom (energyLIVE)"],
  ["mfd-g-live", "name", "Power live (Tibber Pulse)", "Leistung live (Tibber Pulse)"],
  ["mfd-g-cost", "name", "Cost per day", "Kosten pro Tag"],
  ["mfd-g-prices", "name", "Prices (Tibber)", "Preise (Tibber)"],
  ["mfd-g-consumption", "name", "Daily consumption (meter-interpolate)", "Verbrauch pro Tag (meter-interpolate)"],
  ["mfd-g-health", "name", "Our nodes", "meterflow-Nodes"],
  // Water
  ["mfd-g-flow", "title", "Flow now", "Durchfluss jetzt"],
  ["mfd-ch-water", "label", "Water per hour (gal)", "Wasser pro Stunde (gal)"],
  ["mfd-usage-bars", "rules.0.to", `"s": "water"`, `"s": "Wasser"`],
  ["mfd-t-leak", "label", "Leak", "Leck"],
  ["mfd-leak-init", "payload", "no leak seen since the flow started", "seit dem Start des Flows kein Leck gemeldet"],
  // energyLIVE
  ["mfd-gauge-power", "title", "Power import now", "Bezug jetzt"],
  ["mfd-ch-power", "label", "Net power (W, − = export)", "Netto-Leistung (W, − = Einspeisung)"],
  ["mfd-power-net", "rules.0.to", `"s": "net power"`, `"s": "Netto-Leistung"`],
  [
    "mfd-t-energy",
    "label",
    "Energy today (kWh, since midnight or since the flow started)",
    "Energie heute (kWh, seit Mitternacht oder seit dem Start des Flows)",
  ],
  // Tibber Pulse
  ["mfd-gauge-live", "title", "Power now", "Leistung jetzt"],
  ["mfd-ch-live", "label", "Power, last 10 minutes (W)", "Leistung, letzte 10 Minuten (W)"],
  ["mfd-live-point", "rules.0.to", `"s": "power"`, `"s": "Leistung"`],
  // Prices
  ["mfd-ch-prices", "label", "Price per kWh, today and tomorrow", "Preis pro kWh, heute und morgen"],
  ["mfd-price-steps", "rules.0.to", `"s": "price"`, `"s": "Preis"`],
  ["mfd-price-steps", "rules.0.to", `"s": "cheapest window"`, `"s": "günstigstes Fenster"`],
  ["mfd-price-steps", "rules.0.to", `"s": "now"`, `"s": "jetzt"`],
  ["mfd-t-level", "label", "Price now", "Preis jetzt"],
  ["mfd-price-level", "rules.0.to", "'0.0000')", `'0,0000'${GERMAN_NUMBER}`],
  ["mfd-price-level", "rules.0.to", "' · cheapest 3 h from '", "' · günstigste 3 h ab '"],
  ["mfd-ch-daily", "label", "Consumption per day", "Verbrauch pro Tag"],
  // Cost
  ["mfd-ch-cost", "label", "Cost per day (tariff included)", "Kosten pro Tag (mit Netzentgelt, Abgaben, MwSt.)"],
  ["mfd-cost-points", "rules.0.to", "'Tibber home'", "'Tibber-Haushalt'"],
  ["mfd-cost-points", "rules.0.to", "'energyLIVE meter'", "'energyLIVE-Zähler'"],
  ["mfd-t-cost", "label", "energyLIVE meter today so far", "energyLIVE-Zähler heute bisher"],
  ["mfd-cost-today", "rules.0.to", "'0.00')", `'0,00'${GERMAN_NUMBER}`],
  ["mfd-cost-today", "rules.0.to", "'0.0')", `'0,0'${GERMAN_NUMBER}`],
  ["mfd-cost-today", "rules.1.to", "'no complete hour yet today'", "'heute noch keine volle Stunde'"],
  // Health
  [
    "mfd-health",
    "format",
    "<th>Node</th><th>Status</th><th>Last success</th><th>Last error</th><th>Figures</th>",
    "<th>Node</th><th>Status</th><th>Letzter Erfolg</th><th>Letzter Fehler</th><th>Kennzahlen</th>",
  ],
  [
    "mfd-health",
    "format",
    "<small>Updated {{ when(at) }} from {{ url }}</small>",
    "<small>Stand {{ when(at) }} von {{ url }}</small>",
  ],
  [
    "mfd-health",
    "format",
    `"the health route answered " + res.status + " (log in to the editor in this browser)"`,
    `"die Health-Route antwortete " + res.status + " (im Editor in diesem Browser anmelden)"`,
  ],
  [
    "mfd-health",
    "format",
    `flumeCallsThisHour: "Flume calls this hour"`,
    `flumeCallsThisHour: "Flume-Abrufe diese Stunde"`,
  ],
  ["mfd-health", "format", `flumeBudgetPerHour: "of"`, `flumeBudgetPerHour: "von"`],
  ["mfd-health", "format", `tibberCallsToday: "Tibber calls today"`, `tibberCallsToday: "Tibber-Abrufe heute"`],
  ["mfd-health", "format", `announcementsToday: "announcements today"`, `announcementsToday: "Ansagen heute"`],
  ["mfd-health", "format", `announcementCap: "cap"`, `announcementCap: "höchstens"`],
  ["mfd-health", "format", `spoolBacklog: "spool backlog"`, `spoolBacklog: "Rückstand im Puffer"`],
];

function getPath(obj, dotted) {
  return dotted.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function setPath(obj, dotted, value) {
  const keys = dotted.split(".");
  const last = keys.pop();
  keys.reduce((o, k) => o[k], obj)[last] = value;
}

/** The flow with the table's texts in place of the English ones; throws when the table names a text the flow lacks. */
function translate(flow, table = DE) {
  const out = structuredClone(flow);
  const byId = new Map(out.map((n) => [n.id, n]));
  for (const [id, prop, en, de] of table) {
    const node = byId.get(id);
    const value = node && getPath(node, prop);
    if (typeof value !== "string" || !value.includes(en)) {
      throw new Error(`label table: ${id} ${prop} has no "${en}" (the English flow changed: update the table)`);
    }
    setPath(node, prop, value.split(en).join(de));
  }
  return out;
}

/** The German flow as the file holds it, formatted by Prettier like every JSON file of the repository. */
async function germanText(englishFlow = JSON.parse(fs.readFileSync(ENGLISH, "utf8"))) {
  const prettier = require("prettier");
  const text = JSON.stringify(translate(englishFlow), null, 2);
  return prettier.format(text, { ...(await prettier.resolveConfig(GERMAN)), filepath: GERMAN });
}

module.exports = { DE, translate, germanText, ENGLISH, GERMAN };

if (require.main === module) {
  germanText().then((text) => {
    fs.writeFileSync(GERMAN, text);
    console.log(`wrote ${path.relative(root, GERMAN)}`);
  });
}

// Our nodes in a German runtime inside node-red-node-test-helper. The helper hands nodes a RED._ that
// knows no catalog (v => v); a runtime started with lang: "de" hands them Node-RED's i18n (i18next with
// Node-RED's catalog loader) over the catalogs beside the nodes. This loads that same i18n of the
// Node-RED under test with our shipped catalogs and gives our nodes its German RED._.
"use strict";
const path = require("node:path");
const pkg = require("../../package.json");
const { major } = require("./node-red");

const runtime = path.dirname(require.resolve(major === "5" ? "node-red-5" : "node-red"));
const { i18n } = require(require.resolve("@node-red/util", { paths: [runtime] }));
const locales = path.resolve(__dirname, "..", "..", "dist", "nodes", "locales");

let ready;
/** Node-RED's RED._ in German, over every node set's catalog. */
function germanTranslate() {
  ready ??= (async () => {
    i18n.init({ lang: "de" }); // as settings.lang does; a no-op when this process already set it up
    for (const set of Object.keys(pkg["node-red"].nodes))
      await i18n.registerMessageCatalog(`${pkg.name}/${set}`, locales, `${set}.json`);
    await i18n.i.loadLanguages("de");
    // Fixed to German, whatever language an earlier init in this process chose.
    const t = i18n.i.getFixedT("de");
    return (key, vars) => t(key, vars);
  })();
  return ready;
}

/** The node modules (from nodeModules()) as a German runtime loads them. */
async function inGerman(modules) {
  const _ = await germanTranslate();
  return modules.map((load) => (RED) => {
    RED._ = _;
    return load(RED);
  });
}

module.exports = { germanTranslate, inGerman };

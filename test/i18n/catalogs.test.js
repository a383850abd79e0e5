"use strict";
// Every text key the editor or the runtime asks for exists in English and in German, and the German
// help pages have German headings. Keys come from the places that use them: data-i18n attributes and
// this._/node._/RED._ calls in nodes/*.html and resources/, kit.t(...) and i18n: { key, statusKey } in src/.
const fs = require("node:fs");
const path = require("node:path");
const pkg = require("../../package.json");

const root = path.resolve(__dirname, "..", "..");
const LANGS = ["en-US", "de"];
const SETS = Object.keys(pkg["node-red"].nodes);
const SHARED_HOME = "meter-interpolate"; // src/runtime/i18n.ts

function flatten(obj, prefix = "", out = new Map()) {
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === "object") flatten(v, `${prefix}${k}.`, out);
    else out.set(`${prefix}${k}`, v);
  }
  return out;
}

function catalog(lang, set) {
  const file = path.join(root, "nodes", "locales", lang, `${set}.json`);
  return flatten(JSON.parse(fs.readFileSync(file, "utf8"))[set]);
}

function walk(dir, ext) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}

/** [set, key, where] for every key the editor uses; a key's first segment names its set. */
function editorKeys() {
  const found = [];
  for (const file of [...walk(path.join(root, "nodes"), ".html"), ...walk(path.join(root, "resources"), ".js")]) {
    if (file.includes(`${path.sep}locales${path.sep}`)) continue;
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/data-i18n="([^"]+)"/g)) {
      for (const part of m[1].split(";")) found.push(part.replace(/^\[[^\]]+\]/, ""));
    }
    for (const m of text.matchAll(/\b(?:this|node|RED)\._\(\s*"([^"]+)"/g)) found.push(m[1]);
    for (const m of text.matchAll(/\?\s*"([\w-]+\.[\w.]+)"\s*:\s*"([\w-]+\.[\w.]+)"/g)) found.push(m[1], m[2]);
  }
  return found.map((key) => {
    const scoped = key.replace(/^@meterflow\/node-red\/([\w-]+):/, "$1.");
    const set = scoped.split(".")[0];
    return [set, scoped.slice(set.length + 1), key];
  });
}

// phrase("<key>", <English literal>: "…", '…' or `…` without ${}), as src/shared/errors.ts builds them.
const PHRASE = /\bphrase\(\s*"([^"]+)",\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\$]|\\.)*`)/g;

/** [set, key, English] of every phrase("<set>:<key>", "English", …) in src/. */
function phrases() {
  const found = [];
  for (const file of walk(path.join(root, "src"), ".ts")) {
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(PHRASE)) {
      const [set, key] = m[1].startsWith("shared.") ? [SHARED_HOME, m[1]] : m[1].split(":");
      found.push([set, key, new Function(`return ${m[2]};`)(), `${path.relative(root, file)}: ${m[1]}`]);
    }
  }
  return found;
}

/** [set, key, where] for every key the runtime asks for through kit.t, an error's i18n or a phrase. */
function runtimeKeys() {
  const found = [];
  for (const file of walk(path.join(root, "src"), ".ts")) {
    const text = fs.readFileSync(file, "utf8");
    const own = (text.match(/type: "([\w-]+)"/) || [])[1];
    const keys = [
      ...[...text.matchAll(/\bkit\.t\(\s*"([^"]+)"/g)].map((m) => m[1]),
      ...[...text.matchAll(/i18n: \{\s*key: "([^"]+)"(?:,\s*statusKey: "([^"]+)")?/g)].flatMap((m) => m.slice(1)),
      ...[...text.matchAll(PHRASE)].map((m) => m[1]),
    ].filter(Boolean);
    for (const key of keys) {
      const colon = key.indexOf(":");
      let set = colon > 0 ? key.slice(0, colon) : key.startsWith("shared.") ? SHARED_HOME : own;
      const rel = path.relative(root, file);
      if (!set) throw new Error(`${rel}: "${key}" has no set (use <set>:<key> outside a node file)`);
      found.push([set, colon > 0 ? key.slice(colon + 1) : key, `${rel}: ${key}`]);
    }
  }
  return found;
}

describe("message catalogs (en-US and de)", function () {
  const catalogs = {};
  before(function () {
    for (const lang of LANGS) {
      catalogs[lang] = {};
      for (const set of SETS) catalogs[lang][set] = catalog(lang, set);
    }
  });

  it("has a catalog and a help page in both languages for every node set, with the same keys", function () {
    const counts = {};
    for (const lang of LANGS) {
      counts[lang] = 0;
      for (const set of SETS) {
        fs.existsSync(path.join(root, "nodes", "locales", lang, `${set}.html`)).should.be.true(`${lang}/${set}.html`);
        counts[lang] += catalogs[lang][set].size;
      }
    }
    for (const set of SETS) {
      const en = [...catalogs["en-US"][set].keys()].sort();
      const de = [...catalogs.de[set].keys()].sort();
      de.should.eql(en, `${set}: German and English catalogs differ`);
    }
    console.log(`      keys: ${LANGS.map((l) => `${l} ${counts[l]}`).join(", ")}`);
    counts.de.should.equal(counts["en-US"]);
  });

  it("keeps every __placeholder__ of an English text in its German text", function () {
    for (const set of SETS) {
      for (const [key, en] of catalogs["en-US"][set]) {
        const want = (String(en).match(/__\w+?__/g) || []).sort();
        const got = (String(catalogs.de[set].get(key)).match(/__\w+?__/g) || []).sort();
        got.should.eql(want, `${set}.${key}`);
      }
    }
  });

  it("knows every key the editor uses, in both languages", function () {
    const keys = editorKeys();
    keys.length.should.be.above(200);
    const missing = [];
    for (const [set, key, where] of keys) {
      for (const lang of LANGS) {
        if (!catalogs[lang][set] || !catalogs[lang][set].has(key)) missing.push(`${lang}: ${where}`);
      }
    }
    missing.should.eql([]);
  });

  it("knows every key the runtime uses, in both languages", function () {
    const keys = runtimeKeys();
    keys.length.should.be.above(15);
    const missing = [];
    for (const [set, key, where] of keys) {
      for (const lang of LANGS) {
        if (!catalogs[lang][set] || !catalogs[lang][set].has(key)) missing.push(`${lang}: ${where}`);
      }
    }
    missing.should.eql([]);
  });

  it("has the English of every phrase in the code as the en-US catalog has it", function () {
    const found = phrases();
    found.length.should.be.above(40);
    const differ = [];
    for (const [set, key, english, where] of found) {
      const text = catalogs["en-US"][set] && catalogs["en-US"][set].get(key);
      if (text !== english)
        differ.push(`${where}: code says ${JSON.stringify(english)}, catalog ${JSON.stringify(text)}`);
    }
    differ.should.eql([]);
  });

  it("has German headings, no <b>/<i> and the English structure in every German help page", function () {
    const english = /\b(Inputs?|Outputs?|Properties|References|Connection|Limits|Mode|Details?)\b/;
    const german = {
      Inputs: "Eingaben",
      Outputs: "Ausgaben",
      Output: "Ausgaben",
      Details: "Details",
      Properties: "Eigenschaften",
      References: "Referenzen",
      Status: "Status",
      Mode: "Modus",
      Connection: "Verbindung",
    };
    for (const set of SETS) {
      const de = fs.readFileSync(path.join(root, "nodes", "locales", "de", `${set}.html`), "utf8");
      const en = fs.readFileSync(path.join(root, "nodes", "locales", "en-US", `${set}.html`), "utf8");
      de.should.match(new RegExp(`data-help-name="${set}"`));
      de.should.not.match(/<\/?[bi]>/, `${set}: <b>/<i> in the German help`);
      const headings = [...de.matchAll(/<h3>([^<]*)<\/h3>/g)].map((m) => m[1]);
      for (const h of headings) {
        if (h === "Details" || h === "Status") continue; // the same word in German
        h.should.not.match(english, `${set}: English heading "${h}"`);
      }
      const enHeadings = [...en.matchAll(/<h3>([^<]*)<\/h3>/g)].map((m) => m[1]);
      headings.length.should.equal(enHeadings.length, `${set}: not the English help's sections`);
      enHeadings.forEach((h, i) => {
        if (german[h]) headings[i].should.equal(german[h], `${set}: section ${i + 1}`);
      });
      const count = (text, re) => (text.match(re) || []).length;
      count(de, /<dl class="message-properties">/g).should.equal(count(en, /<dl class="message-properties">/g), set);
      count(de, /<dt[ >]/g).should.equal(count(en, /<dt[ >]/g), `${set}: message properties`);
    }
  });
});

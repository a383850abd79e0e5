"use strict";
// The dashboard ships in English and German from one source (devtools/demo/dashboard-labels.js): the German
// file must be what the label table makes of the English one, the same flow in every other respect, and every
// text a dashboard widget shows must be in the table.
const fs = require("node:fs");
const { DE, translate, germanText, ENGLISH, GERMAN } = require("../../devtools/demo/dashboard-labels");

const english = JSON.parse(fs.readFileSync(ENGLISH, "utf8"));
const german = JSON.parse(fs.readFileSync(GERMAN, "utf8"));

/** What a widget shows as its name, by node type. */
const SHOWN = { "ui-page": "name", "ui-group": "name", "ui-chart": "label", "ui-gauge": "title", "ui-text": "label" };

describe("Dashboard flow in English and German", function () {
  it("has the German file as the label table writes it (run node devtools/demo/dashboard-labels.js)", async function () {
    german.should.eql(translate(english));
    (await germanText(english)).should.equal(fs.readFileSync(GERMAN, "utf8"));
  });

  it("is the same flow in both languages except the texts of the table", function () {
    german.map((n) => n.id).should.eql(english.map((n) => n.id));
    const translated = new Set(DE.map(([id, prop]) => `${id} ${prop.split(".")[0]}`));
    english.forEach((en, i) => {
      const de = german[i];
      Object.keys(de).should.eql(Object.keys(en), en.id);
      for (const key of Object.keys(en)) {
        if (translated.has(`${en.id} ${key}`)) continue;
        JSON.stringify(de[key]).should.equal(JSON.stringify(en[key]), `${en.id} ${key}`);
      }
    });
  });

  it("translates every name a widget shows, and each text of the table", function () {
    const byId = new Map(german.map((n) => [n.id, n]));
    for (const en of english.filter((n) => SHOWN[n.type])) {
      const prop = SHOWN[en.type];
      byId.get(en.id)[prop].should.not.equal(en[prop], `${en.id} ${prop} "${en[prop]}" has no German text`);
    }
    for (const [id, prop, en, de] of DE) {
      de.should.not.equal(en, `${id} ${prop}: "${en}"`);
      const value = prop.split(".").reduce((o, k) => o[k], byId.get(id));
      value.should.containEql(de);
      value.should.not.containEql(en);
    }
  });
});

"use strict";
// Links a user follows from the editor: every link of a help page (any language) into this package's
// repository names a file the package has, and an anchor a heading of it gives (GitHub's rule: lower
// case, punctuation dropped, spaces to hyphens). And the words users search the palette manager for.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const pkg = require("../../package.json");
const REPO = "https://github.com/meterflow/node-red";

function anchors(markdownFile) {
  const text = fs.readFileSync(markdownFile, "utf8");
  return new Set(
    [...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) =>
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-"),
    ),
  );
}

function helpPages() {
  const locales = path.join(root, "nodes", "locales");
  return fs.readdirSync(locales).flatMap((lang) =>
    fs
      .readdirSync(path.join(locales, lang))
      .filter((f) => f.endsWith(".html"))
      .map((f) => path.join(locales, lang, f)),
  );
}

describe("links and search words", function () {
  it("links from every help page only to files and headings the repository has", function () {
    let checked = 0;
    for (const page of helpPages()) {
      const html = fs.readFileSync(page, "utf8");
      for (const [, href] of html.matchAll(/href="([^"]+)"/g)) {
        if (!href.startsWith(REPO)) continue;
        const url = new URL(href);
        const file = url.pathname.replace(/^\/meterflow\/node-red(\/blob\/main)?\/?/, "") || "README.md";
        const where = `${path.relative(root, page)} → ${href}`;
        fs.existsSync(path.join(root, file)).should.be.true(where);
        if (url.hash) anchors(path.join(root, file)).has(url.hash.slice(1)).should.be.true(where);
        checked++;
      }
    }
    checked.should.be.above(0);
  });

  it("gives the palette manager the words users search for", function () {
    for (const word of ["alexa", "water", "leak", "electricity", "energy", "influxdb", "tibber", "flume"])
      pkg.keywords.should.containEql(word);
    pkg.keywords.should.containEql("node-red");
  });
});

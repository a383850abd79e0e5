"use strict";
// A local re-implementation of the node-red-dev `validate` checks that can run offline (P01, P03-P07,
// N02, D01; see the Node-RED conventions reference §1.10), plus the file placement Node-RED's registry
// relies on. The real tool needs the internet for its catalogue checks.
const fs = require("node:fs");
const path = require("node:path");
const semver = require("semver");

const root = path.resolve(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const nodeSets = Object.entries((pkg["node-red"] && pkg["node-red"].nodes) || {});

/** The node definitions a static reader finds in an editor file, as node-red-dev's parser does. */
function definitionsIn(html) {
  const defs = [];
  const scripts = html.matchAll(/<script[^>]+type=['"]text\/javascript['"][^>]*>([\s\S]*?)<\/script>/g);
  for (const [, body] of scripts) {
    for (const m of body.matchAll(/RED\.nodes\.registerType\(\s*(['"])([^'"]+)\1\s*,\s*\{/g)) {
      const after = body.slice(m.index + m[0].length, m.index + m[0].length + 4000);
      const category = /category\s*:\s*(['"])([^'"]+)\1/.exec(after);
      defs.push({ type: m[2], category: category ? category[2] : undefined });
    }
  }
  return defs;
}

function exampleFiles(dir = path.join(root, "examples")) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? exampleFiles(p) : e.name.endsWith(".json") ? [p] : [];
  });
}

describe("package conformance (node-red-dev validate, offline)", function () {
  it("P01 declares a licence, P03 a repository or bugs URL, P05 the node-red keyword", function () {
    pkg.license.should.equal("MIT");
    (pkg.repository || pkg.bugs).should.be.ok();
    pkg.keywords.should.containEql("node-red");
  });

  it("P04 uses a scoped name", function () {
    pkg.name.should.match(/^@[a-z0-9-]+\/[a-z0-9-]+$/);
  });

  it("P06 declares a Node-RED version range that accepts 4.1 and 5.0", function () {
    const range = pkg["node-red"].version;
    semver.satisfies("5.0.7", range).should.be.true();
    semver.satisfies("4.1.15", range).should.be.true();
  });

  it("P07 declares engines.node accepting Node 22.9 (Node-RED 5's minimum) and Node 20", function () {
    semver.satisfies("22.9.0", pkg.engines.node).should.be.true();
    semver.satisfies("20.20.0", pkg.engines.node).should.be.true();
  });

  it("D01 has at most 6 runtime dependencies, and only the ones the design allows", function () {
    const deps = Object.keys(pkg.dependencies || {});
    deps.length.should.be.belowOrEqual(6);
    // graphql-ws and ws: Tibber's real-time feed (issue 17 asks for maintained protocol libraries).
    deps.sort().should.eql(["@influxdata/influxdb-client", "axios", "graphql-ws", "ws"]);
    for (const dev of ["node-red", "node-red-node-test-helper", "mocha", "should", "typescript"]) {
      // (a package named "should" is itself a key here, so test the key list, not the object)
      Object.keys(pkg.devDependencies).should.containEql(dev);
    }
  });

  it("lists node sets that exist in dist/nodes, each with its editor file beside it", function () {
    nodeSets.length.should.be.above(0);
    for (const [name, file] of nodeSets) {
      file.should.equal(`dist/nodes/${name}.js`);
      fs.existsSync(path.join(root, file)).should.be.true(`${file} is built`);
      const html = path.join(root, file.replace(/\.js$/, ".html"));
      fs.existsSync(html).should.be.true(`${html} sits beside ${file}`);
    }
  });

  it("each editor file has a literal text/javascript script with a literal registerType and category", function () {
    for (const [name, file] of nodeSets) {
      const html = fs.readFileSync(path.join(root, file.replace(/\.js$/, ".html")), "utf8");
      html.should.match(/<script type="text\/javascript">/);
      const defs = definitionsIn(html);
      defs.length.should.be.above(0, `${name}.html registers a node`);
      for (const d of defs) (d.category || "").should.not.equal("", `${d.type} has a literal category`);
      html.should.match(new RegExp(`data-template-name="${defs[0].type}"`));
      // Help lives per language beside the catalogs, so a translation can sit next to the English one.
      html.should.not.match(/data-help-name=/);
      const help = path.join(root, path.dirname(file), "locales", "en-US", `${name}.html`);
      fs.existsSync(help).should.be.true(`${help} is built`);
      fs.readFileSync(help, "utf8").should.match(
        new RegExp(`<script type="text/html" data-help-name="${defs[0].type}">`),
      );
    }
  });

  it("N02 examples are JSON arrays that together use every non-config node type", function () {
    const files = exampleFiles();
    files.length.should.be.above(0);
    const used = new Set();
    for (const file of files) {
      const flow = JSON.parse(fs.readFileSync(file, "utf8"));
      Array.isArray(flow).should.be.true(`${path.basename(file)} is an array`);
      flow.forEach((n) => used.add(n.type));
      flow.some((n) => n.type === "comment").should.be.true(`${path.basename(file)} opens with a comment node`);
    }
    const types = nodeSets.flatMap(([, file]) =>
      definitionsIn(fs.readFileSync(path.join(root, file.replace(/\.js$/, ".html")), "utf8")),
    );
    for (const d of types.filter((t) => t.category !== "config")) {
      used.has(d.type).should.be.true(`an example uses ${d.type}`);
    }
  });

  it("examples only use this package's node types and Node-RED's core nodes", function () {
    const ours = new Set(
      nodeSets.flatMap(([, file]) =>
        definitionsIn(fs.readFileSync(path.join(root, file.replace(/\.js$/, ".html")), "utf8")).map((d) => d.type),
      ),
    );
    const core = new Set([
      "tab",
      "comment",
      "inject",
      "debug",
      "function",
      "change",
      "switch",
      "template",
      "delay",
      "catch",
      "status",
      "complete",
      "link in",
      "link out",
      "split",
      "join",
      "range",
      "trigger",
      "rbe",
      "junction",
      "group",
      "global-config",
      "json",
    ]);
    for (const file of exampleFiles()) {
      for (const n of JSON.parse(fs.readFileSync(file, "utf8"))) {
        (ours.has(n.type) || core.has(n.type)).should.be.true(`${path.basename(file)}: ${n.type} is ours or core`);
      }
    }
  });
});

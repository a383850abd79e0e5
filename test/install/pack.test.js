"use strict";
// The install path until the package is on the npm registry: `npm pack`, then `npm install <tarball>` in a
// fresh Node-RED user directory, as the README says. Node-RED (4 or 5, as the matrix selects) must load
// every node type from the installed copy, with nothing from this checkout on its node path.
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startNodeRed } = require("../../devtools/demo/demo-lib");
const { major } = require("../helpers/node-red");

const root = path.resolve(__dirname, "..", "..");
const pkg = require("../../package.json");
const npm = (args, cwd) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe(`install from a packed tarball (Node-RED ${major})`, function () {
  this.timeout(180000);
  let work;
  let nodeRed;

  before(function () {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-pack-"));
    // --ignore-scripts: the test's build is already in dist/; packing must not rebuild under other tests.
    const tarball = npm(["pack", "--ignore-scripts", "--silent", "--pack-destination", work], root)
      .trim()
      .split("\n")
      .pop();
    const userDir = path.join(work, "userdir");
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, "package.json"), JSON.stringify({ name: "node-red-project", private: true }));
    // The runtime dependencies come from the npm cache when they are there (--prefer-offline).
    npm(["install", path.join(work, tarball), "--prefer-offline", "--no-audit", "--no-fund", "--omit=dev"], userDir);
  });

  after(async function () {
    if (nodeRed) await nodeRed.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("ships what Node-RED needs and nothing of the development tree", function () {
    const installed = path.join(work, "userdir", "node_modules", "@meterflow", "node-red");
    for (const file of Object.values(pkg["node-red"].nodes))
      fs.existsSync(path.join(installed, file)).should.be.true(file);
    for (const type of Object.keys(pkg["node-red"].nodes)) {
      fs.existsSync(path.join(installed, "dist", "nodes", `${type}.html`)).should.be.true(`${type}.html`);
      fs.existsSync(path.join(installed, "dist", "nodes", "locales", "en-US", `${type}.html`)).should.be.true();
    }
    fs.readdirSync(path.join(installed, "examples")).length.should.be.above(5);
    for (const dev of ["src", "test", "devtools", "build", "bench", "node_modules/node-red"])
      fs.existsSync(path.join(installed, dev)).should.be.false(dev);
  });

  it("starts Node-RED with every node type registered from the installed package", async function () {
    const userDir = path.join(work, "userdir");
    nodeRed = await startNodeRed({ userDir, flows: [], nodeRedMajor: major, quiet: true, nodesDir: [] });
    const sets = await (await fetch(`${nodeRed.url}nodes`, { headers: { Accept: "application/json" } })).json();
    const ours = sets.filter((s) => s.module === pkg.name);
    ours
      .flatMap((s) => s.types)
      .sort()
      .should.eql(Object.keys(pkg["node-red"].nodes).sort());
    ours.filter((s) => !s.enabled || s.err).should.eql([]);
    const info = await (
      await fetch(`${nodeRed.url}nodes/${pkg.name}`, { headers: { Accept: "application/json" } })
    ).json();
    info.version.should.equal(pkg.version);
    nodeRed.output().should.not.match(/\[error\]/);
  });
});

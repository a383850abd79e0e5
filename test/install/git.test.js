"use strict";
// The other install path until the package is on the npm registry: `npm install git+…` of the repository, as
// the README says. npm clones it and runs its `prepare` script (the build) with the development tools, so
// dist/ is made on install. Offline: a local clone of this checkout's committed HEAD through git+file://.
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startNodeRed } = require("../../devtools/demo/demo-lib");
const { major } = require("../helpers/node-red");

const root = path.resolve(__dirname, "..", "..");
const pkg = require("../../package.json");
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe(`install from a git URL (Node-RED ${major})`, function () {
  this.timeout(400000);
  let work;
  let nodeRed;

  before(function () {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-git-"));
    const clone = path.join(work, "clone");
    run("git", ["clone", "--quiet", "--no-hardlinks", root, clone], work);
    const userDir = path.join(work, "userdir");
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, "package.json"), JSON.stringify({ name: "node-red-project", private: true }));
    // The build tools and the runtime dependencies come from the npm cache when they are there.
    run(
      "npm",
      ["install", `git+file://${clone}`, "--prefer-offline", "--no-audit", "--no-fund", "--omit=dev"],
      userDir,
    );
  });

  after(async function () {
    if (nodeRed) await nodeRed.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("builds dist/ on install (the prepare script) and ships no development tree", function () {
    const installed = path.join(work, "userdir", "node_modules", "@meterflow", "node-red");
    for (const [type, file] of Object.entries(pkg["node-red"].nodes)) {
      fs.existsSync(path.join(installed, file)).should.be.true(file);
      fs.existsSync(path.join(installed, "dist", "nodes", "locales", "de", `${type}.html`)).should.be.true(type);
    }
    for (const dev of ["src", "test", "devtools", "build", "node_modules/typescript"])
      fs.existsSync(path.join(installed, dev)).should.be.false(dev);
  });

  it("starts Node-RED with every node type registered from the git install", async function () {
    const userDir = path.join(work, "userdir");
    nodeRed = await startNodeRed({ userDir, flows: [], nodeRedMajor: major, quiet: true, nodesDir: [] });
    const sets = await (await fetch(`${nodeRed.url}nodes`, { headers: { Accept: "application/json" } })).json();
    const ours = sets.filter((s) => s.module === pkg.name);
    ours
      .flatMap((s) => s.types)
      .sort()
      .should.eql(Object.keys(pkg["node-red"].nodes).sort());
    ours.filter((s) => !s.enabled || s.err).should.eql([]);
    nodeRed.output().should.not.match(/\[error\]/);
  });
});

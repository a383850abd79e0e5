"use strict";
// `npm start` on a machine whose influxd is not Debian's 1.x (InfluxDB 2's influxd takes no `-config`
// and exits): the demo runs without InfluxDB, as when none is installed, and leaves no temporary folder.
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { freePort } = require("../../devtools/free-port");

const root = path.resolve(__dirname, "..", "..");

describe("npm start with an influxd that is not 1.x", function () {
  this.timeout(120000);
  let work;
  let child;

  before(function () {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-start-"));
    fs.mkdirSync(path.join(work, "bin"));
    fs.mkdirSync(path.join(work, "tmp"));
    // What InfluxDB 2.x's influxd answers to `influxd -config <file>`.
    fs.writeFileSync(
      path.join(work, "bin", "influxd"),
      `#!/bin/sh\necho "Error: unknown shorthand flag: 'c' in -config" >&2\nexit 1\n`,
      { mode: 0o755 },
    );
  });

  after(async function () {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGINT");
      await exited;
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("runs without InfluxDB, stops on Ctrl-C and leaves no temporary folder", async function () {
    const fake = path.join(work, "bin", "influxd");
    child = spawn(process.execPath, [path.join(root, "devtools", "demo", "demo.js")], {
      cwd: root,
      env: {
        ...process.env,
        PATH: `${path.dirname(fake)}:${process.env.PATH}`,
        INFLUXD: fake,
        TMPDIR: path.join(work, "tmp"),
        PORT: String(await freePort()),
        DEMO_USER_DIR: path.join(work, "userdir"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    const exit = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
    const ready = await Promise.race([
      new Promise((resolve) => {
        const check = () => (/Node-RED editor with every example deployed/.test(output) ? resolve(true) : undefined);
        child.stdout.on("data", check);
      }),
      exit.then(() => false),
    ]);
    ready.should.be.true(`the demo exited instead of running:\n${output.slice(-2000)}`);
    output.should.match(/demo: InfluxDB not started \(the demo needs Debian's influxd 1\.x/);
    output.should.match(/unknown shorthand flag/);
    output.should.match(/running without InfluxDB/);
    // every service node of the examples and the dashboard takes its secret from its account node
    await new Promise((resolve) => setTimeout(resolve, 2000));
    output.should.not.match(/still holds its own credentials/);
    child.kill("SIGINT");
    String(await exit).should.equal("0", output.slice(-1500));
    fs.readdirSync(path.join(work, "tmp"))
      .filter((f) => f.startsWith("meterflow-influx-"))
      .should.eql([]);
  });
});

// `npm run bench fuzz`: the fuzz suite at 10,000 messages per node (FUZZ_COUNT to change), with the
// per-node figures (sent, answered, unhandled, RSS growth, largest event-loop block) printed.
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const root = path.join(__dirname, "..", "..");
const r = spawnSync(
  process.execPath,
  [
    "--expose-gc",
    require.resolve("mocha/bin/mocha.js"),
    "--no-config",
    "-r",
    "test/setup.js",
    "--timeout",
    "600000",
    "--exit",
    "test/fuzz/*.test.js",
  ],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, CI: "true", FUZZ_COUNT: process.env.FUZZ_COUNT || "10000", FUZZ_REPORT: "1" },
  },
);
process.exit(r.status ?? 1);

// Finds Debian's Chromium for the editor tests. In CI a missing browser fails the test; on a laptop it
// skips with the install command.
"use strict";
const fs = require("node:fs");

const CANDIDATES = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean);

function chromiumPath() {
  return CANDIDATES.find((p) => fs.existsSync(p));
}

/** Call from a mocha `before` hook: returns the browser path, or skips/fails when there is none. */
function requireChromium(context) {
  const found = chromiumPath();
  if (found) return found;
  const message = "Chromium is not installed: apt-get install chromium (or set CHROMIUM=/path/to/chromium)";
  if (process.env.CI === "true") throw new Error(`${message}; in CI every test must run`);
  console.log(`      skipped: ${message}`);
  context.skip();
  return undefined;
}

const LAUNCH_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

module.exports = { chromiumPath, requireChromium, LAUNCH_ARGS };

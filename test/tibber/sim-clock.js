// Mocha hooks shared by the Tibber tests: a fresh simulator per test, the shared price cache emptied,
// and the client's clock and jitter tied to the simulator so a simulated day runs in milliseconds.
"use strict";
const { TibberSimulator } = require("../../build/devtools/simulators/tibber");
const { resetTibberAccounts } = require("../../dist/features/tibber/client/price-feed");
const { clock } = require("../../dist/shared/clock");

/** Installs the hooks; returns an object whose `sim` is the current test's simulator. */
function useTibberSimulator({ beforeStop } = {}) {
  const current = { sim: undefined };
  const realNow = clock.now;
  const realRandom = clock.random;
  beforeEach(async function () {
    current.sim = new TibberSimulator();
    await current.sim.start();
    resetTibberAccounts();
    clock.now = () => current.sim.clock.now();
    clock.random = () => 0;
  });
  afterEach(async function () {
    if (beforeStop) await beforeStop();
    clock.now = realNow;
    clock.random = realRandom;
    resetTibberAccounts();
    await current.sim.stop();
  });
  return current;
}

module.exports = { useTibberSimulator };

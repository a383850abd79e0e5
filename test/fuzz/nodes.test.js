"use strict";
// Seeded fuzzing of every node with an input (see fuzz-lib.js): one answer per message, nothing unhandled.
const { helper, major } = require("../helpers/node-red");
const { resetTibberAccounts } = require("../../dist/features/tibber/client/price-feed");
const { fuzzNode } = require("./fuzz-lib");
const { SETUPS, stopServices } = require("./setups");

const COUNT = Number(process.env.FUZZ_COUNT) || 2000;

describe(`fuzz: every message answered once (Node-RED ${major}, ${COUNT} per node)`, function () {
  this.timeout(120_000);
  let services;
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(async function () {
    await helper.unload();
    await stopServices(services);
    services = undefined;
    resetTibberAccounts();
  });

  Object.entries(SETUPS)
    .filter(([type]) => !process.env.FUZZ_ONLY || process.env.FUZZ_ONLY.split(",").includes(type))
    .forEach(([type, setup], index) => {
      it(`${type}: ${COUNT} fuzzed messages, each answered once, nothing unhandled, no pollution`, async function () {
        services = setup.services ? await setup.services() : {};
        helper.settings(setup.settings || {});
        const result = await fuzzNode({
          helper,
          major,
          modules: setup.modules(),
          flow: [...setup.flow(services), ...setup.extra],
          credentials: setup.credentials ? setup.credentials(services) : {},
          nodeId: "n",
          count: COUNT,
          seed: 19_000 + index,
          templates: setup.templates,
        });
        if (process.env.FUZZ_REPORT)
          console.log(`      ${type}: ${JSON.stringify({ ...result, firstUnhandled: undefined })}`);
        if (result.firstUnhandled) throw result.firstUnhandled;
        result.should.containEql({
          sent: COUNT,
          answered: COUNT,
          twice: 0,
          unhandled: 0,
          uncaught: 0,
          polluted: false,
        });
        // every answer reached the flow: a Complete node for done(), a Catch node for done(err)
        (result.caught + result.completed).should.equal(COUNT);
        result.heapGrowthMb.should.be.below(20);
        result.rssGrowthMb.should.be.below(setup.rssCeilingMb || 20);
      });
    });
});

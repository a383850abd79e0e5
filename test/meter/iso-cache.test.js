"use strict";
// The ISO cache is shared by every message of the process, so it must stay bounded and keep answering right.
require("should");
const path = require("node:path");
const { IsoCache, sharedIsoCache } = require(path.resolve(__dirname, "../../dist/features/meter/domain/format.js"));

describe("meter: ISO cache shared across messages", () => {
  it("gives the same strings as toISOString across more chunks than it keeps", () => {
    const cache = new IsoCache();
    const chunk = 4096 * 15 * 60e3;
    // 300 chunks (more than the 256 kept), twice, so cleared chunks are rebuilt.
    for (let round = 0; round < 2; round++)
      for (let k = 0; k < 300; k++) {
        const t = Date.UTC(1990, 0, 1) + k * chunk + 3600e3;
        cache.get(t).should.equal(new Date(t).toISOString().replace(".000Z", "Z"));
      }
    cache.chunks.size.should.be.belowOrEqual(256);
  });

  it("bounds instants off the quarter-hour grid too", () => {
    const cache = new IsoCache();
    for (let i = 0; i < 70000; i++) cache.get(Date.UTC(2024, 0, 1) + i * 1000 + 7);
    cache.other.size.should.be.belowOrEqual(65536);
    cache.get(Date.UTC(2024, 0, 1, 0, 0, 1, 7)).should.equal("2024-01-01T00:00:01.007Z");
  });

  it("is one instance for the batch, incremental and live paths", () => {
    sharedIsoCache.should.be.instanceOf(IsoCache);
  });
});

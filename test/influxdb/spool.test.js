"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { Spool } = require("../../dist/features/influxdb/domain/spool");

const lines = (from, n) => Array.from({ length: n }, (_, i) => `m v=${from + i} ${from + i}`);

async function drainAll(spool, max = 1000) {
  const out = [];
  for (;;) {
    const batch = await spool.peek(max);
    if (!batch) return out;
    out.push(...batch.lines);
    await spool.confirm(batch);
  }
}

describe("influxdb: durable spool", function () {
  let dir;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "meterflow-spool-test-"));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("hands lines out in order and forgets exactly the confirmed ones", async function () {
    const spool = await Spool.open({ dir, fsync: false });
    await Promise.all([spool.append(lines(0, 3)), spool.append(lines(3, 2))]); // one group write
    spool.pending.should.equal(5);
    const first = await spool.peek(2);
    first.lines.should.eql(lines(0, 2));
    (await spool.peek(2)).lines.should.eql(lines(0, 2)); // peek does not remove
    await spool.confirm(first);
    spool.pending.should.equal(3);
    (await drainAll(spool)).should.eql(lines(2, 3));
    spool.pending.should.equal(0);
    await spool.close();
  });

  it("replays what was not confirmed after a reopen, across segment files", async function () {
    let spool = await Spool.open({ dir, fsync: false, segmentBytes: 200 });
    for (let i = 0; i < 10; i++) await spool.append(lines(i * 10, 10));
    fs.readdirSync(dir)
      .filter((n) => n.endsWith(".seg"))
      .length.should.be.above(3);
    await spool.confirm(await spool.peek(7));
    await spool.close();

    spool = await Spool.open({ dir, fsync: false, segmentBytes: 200 });
    spool.pending.should.equal(93);
    await spool.append(lines(100, 5));
    (await drainAll(spool, 4)).should.eql(lines(7, 98));
    await spool.close();
    fs.readdirSync(dir)
      .filter((n) => n.endsWith(".seg"))
      .should.eql([]);
    spool = await Spool.open({ dir, fsync: false });
    spool.pending.should.equal(0);
    await spool.close();
  });

  it("hands out consecutive batches for several in flight, across segments, each line exactly once", async function () {
    const spool = await Spool.open({ dir, fsync: false, segmentBytes: 300 });
    for (let i = 0; i < 20; i++) await spool.append(lines(i * 10, 10));
    const seen = [];
    const inFlight = [];
    await spool.confirm(await spool.peek(3)); // the head segment's cursor is not 0
    for (;;) {
      while (inFlight.length < 4) {
        const batch = await spool.peek(7, inFlight[inFlight.length - 1]);
        if (!batch) break;
        inFlight.push(batch);
      }
      const first = inFlight.shift();
      if (!first) break;
      seen.push(...first.lines);
      await spool.confirm(first);
    }
    seen.should.eql(lines(3, 197));
    spool.pending.should.equal(0);
    await spool.close();
  });

  it("takes a single append of 200,000 lines", async function () {
    const spool = await Spool.open({ dir, fsync: false });
    await spool.append(lines(0, 200_000));
    spool.pending.should.equal(200_000);
    (await spool.peek(2)).lines.should.eql(lines(0, 2));
    await spool.close();
  });

  it("cuts off a torn last line left by a crash in the middle of a write", async function () {
    const spool = await Spool.open({ dir });
    await spool.append(lines(0, 2));
    await spool.close();
    const seg = fs.readdirSync(dir).find((n) => n.endsWith(".seg"));
    fs.appendFileSync(path.join(dir, seg), "m v=99 9"); // no newline: the append never completed
    const again = await Spool.open({ dir });
    again.pending.should.equal(2);
    (await drainAll(again)).should.eql(lines(0, 2));
    await again.close();
  });

  it("drops the oldest lines beyond the size limit and says how many", async function () {
    const drops = [];
    const line = "m v=1 1"; // 8 bytes with its newline
    const spool = await Spool.open({ dir, fsync: false, limitBytes: 80, onDrop: (n) => drops.push(n) });
    await spool.append(Array.from({ length: 10 }, (_, i) => `m v=${i} 1`));
    drops.should.eql([]);
    await spool.append([line, line, line]);
    drops.should.eql([3]);
    spool.pending.should.equal(10);
    spool.pendingBytes.should.equal(80);
    spool.dropped.should.equal(3);
    const left = await drainAll(spool);
    left[0].should.equal("m v=3 1");
    left.length.should.equal(10);
    await spool.close();
  });

  it("does not count a batch twice when the limit dropped it while it was being written", async function () {
    const spool = await Spool.open({ dir, fsync: false, limitBytes: 24 });
    await spool.append(["a v=1 1", "b v=1 1", "c v=1 1"]);
    const inFlight = await spool.peek(2);
    await spool.append(["d v=1 1", "e v=1 1"]); // drops a and b
    await spool.confirm(inFlight);
    spool.pending.should.equal(3);
    (await drainAll(spool)).should.eql(["c v=1 1", "d v=1 1", "e v=1 1"]);
    await spool.close();
  });
});

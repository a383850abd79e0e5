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

  describe("damaged segments", function () {
    const segFiles = () =>
      fs
        .readdirSync(dir)
        .filter((n) => n.endsWith(".seg"))
        .sort()
        .map((n) => path.join(dir, n));

    /** 100 points in segments of about 20 records, closed cleanly; then `damage` applied. */
    async function damaged(damage, segmentBytes = 600) {
      let spool = await Spool.open({ dir, fsync: false, segmentBytes });
      for (let i = 0; i < 10; i++) await spool.append(lines(i * 10, 10));
      await spool.close();
      damage(segFiles());
      const reports = [];
      spool = await Spool.open({ dir, fsync: false, segmentBytes, onDamage: (d) => reports.push(d) });
      const pending = spool.pending;
      const out = await drainAll(spool, 7);
      await spool.close();
      return { reports, out, pending, lost: reports.reduce((n, r) => n + r.lost, 0) };
    }
    const all = lines(0, 100);

    it("delivers every point of a cleanly closed spool and reports no damage", async function () {
      const { reports, out } = await damaged(() => {});
      reports.should.eql([]);
      out.should.eql(all);
    });

    for (const [name, cut] of [
      ["in the middle of a record", (size) => Math.floor(size / 2) + 3],
      ["at a record boundary", "boundary"],
      ["inside its header", () => 5],
      ["to nothing", () => 0],
    ]) {
      for (const which of ["first", "last"]) {
        it(`${which} segment cut short ${name}: the intact points are delivered, the lost counted exactly`, async function () {
          let removedLines;
          const { reports, out, lost } = await damaged((files) => {
            const file = which === "first" ? files[0] : files[files.length - 1];
            const text = fs.readFileSync(file, "utf8");
            let at = cut === "boundary" ? text.lastIndexOf("\n", text.length - 2) + 1 : cut(text.length);
            if (cut === "boundary") at = text.lastIndexOf("\n", at - 2) + 1; // two whole records
            const kept = text.slice(0, at);
            const keptRecords = kept.split("\n").slice(1, -1).length; // whole records kept (the cut one is lost)
            removedLines = text.split("\n").slice(1, -1).length - keptRecords;
            fs.truncateSync(file, Buffer.byteLength(kept));
          });
          out.length.should.equal(100 - removedLines);
          lost.should.equal(removedLines);
          removedLines.should.be.above(0);
          reports.length.should.equal(1);
          out.every((l) => all.includes(l)).should.be.true();
          reports[0].where.should.match(/\.seg, records? \d+/);
        });
      }
    }

    for (const offset of [0.1, 0.37, 0.5, 0.93]) {
      it(`bytes overwritten at ${Math.round(offset * 100)} % of a middle segment: intact delivered, lost counted, said once`, async function () {
        let destroyed;
        const { reports, out, lost } = await damaged((files) => {
          const file = files[Math.floor(files.length / 2)];
          const buf = fs.readFileSync(file);
          const at = Math.floor(buf.length * offset);
          buf.fill("Z", at, at + 30); // wipes across a record boundary at some offsets
          fs.writeFileSync(file, buf);
          destroyed = buf
            .toString("utf8")
            .split("\n")
            .filter((l) => l.includes("Z")).length;
        });
        out.length.should.equal(100 - lost);
        lost.should.be.within(1, destroyed + 2); // 30 bytes may wipe a newline: records of ~22 bytes, at most 3
        new Set(out).size.should.equal(out.length);
        // The lost ones are exactly those missing from what was delivered.
        all.filter((l) => !out.includes(l)).length.should.equal(lost);
        reports.length.should.equal(1);
        reports[0].where.should.match(/damage at byte \d+/);
      });
    }

    it("overwritten in several places at once: each intact point once, the sum lost reported", async function () {
      const { out, lost, reports } = await damaged((files) => {
        for (const [i, file] of files.entries()) {
          if (i % 2) continue;
          const buf = fs.readFileSync(file);
          buf[Math.floor(buf.length / 3)] ^= 0x01;
          buf[Math.floor((buf.length * 2) / 3)] ^= 0x01;
          fs.writeFileSync(file, buf);
        }
      });
      all.filter((l) => !out.includes(l)).length.should.equal(lost);
      lost.should.be.above(0);
      reports.length.should.be.above(0);
    });

    it("reports a damage once: a reopen after a damaged open without draining reports nothing new", async function () {
      let spool = await Spool.open({ dir, fsync: false, segmentBytes: 600 });
      for (let i = 0; i < 10; i++) await spool.append(lines(i * 10, 10));
      await spool.close();
      const file = segFiles()[1];
      const buf = fs.readFileSync(file);
      buf.fill("Z", 100, 110);
      fs.writeFileSync(file, buf);
      const first = [];
      spool = await Spool.open({ dir, fsync: false, segmentBytes: 600, onDamage: (d) => first.push(d) });
      const pending = spool.pending;
      await spool.close();
      first.length.should.equal(1);
      pending.should.equal(100 - first[0].lost);
      const again = [];
      spool = await Spool.open({ dir, fsync: false, segmentBytes: 600, onDamage: (d) => again.push(d) });
      spool.pending.should.equal(pending);
      (await drainAll(spool)).length.should.equal(pending);
      await spool.close();
      again.should.eql([]);
    });

    it("still reads a 0.1.0 spool (bare lines, no header)", async function () {
      fs.writeFileSync(path.join(dir, "0000000001.seg"), `${lines(0, 5).join("\n")}\n`);
      fs.writeFileSync(path.join(dir, "0000000002.seg"), `${lines(5, 5).join("\n")}\n`);
      fs.writeFileSync(path.join(dir, "cursor"), "1 2\n");
      const spool = await Spool.open({ dir, fsync: false });
      spool.pending.should.equal(8);
      await spool.append(lines(10, 2));
      (await drainAll(spool, 3)).should.eql(lines(2, 10));
      await spool.close();
    });
  });

  it("frames a whole group in one pass exactly as record by record (checksum over index and line)", function () {
    const { crc32 } = require("node:zlib");
    const { frameAll } = require("../../dist/features/influxdb/domain/spool");
    const group = ["m v=1 1", "wasser,zähler=küche v=2.5 2", 'm s="🙂 \\"x\\"" 3', "", "m,t=a\\ b v=4 4"];
    const expected = group
      .map((line, i) => {
        const body = `${41 + i} ${line}`;
        return `${(crc32(body) >>> 0).toString(16).padStart(8, "0")} ${body}\n`;
      })
      .join("");
    const { buffer, lineBytes } = frameAll(41, group);
    buffer.toString("utf8").should.equal(expected);
    lineBytes.should.equal(group.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0));
    frameAll(0, []).buffer.length.should.equal(0);
  });

  it("keeps every acknowledged line through a SIGKILL in the middle of group commits", async function () {
    this.timeout(30_000);
    const { spawn } = require("node:child_process");
    const acked = [];
    const child = spawn(process.execPath, [path.join(__dirname, "fixtures", "spool-writer.js"), dir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let buffered = "";
    const killed = new Promise((resolve) => child.on("exit", (code, signal) => resolve(signal)));
    await new Promise((resolve) => {
      child.stdout.on("data", (chunk) => {
        buffered += chunk;
        const parts = buffered.split("\n");
        buffered = parts.pop();
        for (const p of parts) if (p !== "ready") acked.push(Number(p));
        if (acked.length >= 300) resolve();
      });
    });
    child.kill("SIGKILL");
    (await killed).should.equal("SIGKILL");
    const spool = await Spool.open({ dir });
    const replayed = (await drainAll(spool)).map((l) => Number(l.split(" ")[2]));
    await spool.close();
    // The consumer confirmed a prefix (of at most 1,000 lines and a batch); everything after it is replayed,
    // in order, once: every line up to the last acknowledged one, and perhaps some not yet acknowledged.
    acked.length.should.be.aboveOrEqual(300);
    const first = replayed[0];
    first.should.be.belowOrEqual(1025);
    replayed.should.eql(Array.from({ length: replayed.length }, (_, i) => first + i));
    replayed[replayed.length - 1].should.be.aboveOrEqual(Math.max(...acked));
  });

  it("acknowledges an append only once it is durable: O_DSYNC segments, or an fdatasync before it resolves", async function () {
    const { constants } = fs;
    const realOpen = fs.promises.open;
    const opened = [];
    const synced = [];
    fs.promises.open = async function (p, flags, ...rest) {
      const handle = await realOpen.call(this, p, flags, ...rest);
      if (String(p).endsWith(".seg")) {
        opened.push(flags);
        const datasync = handle.datasync.bind(handle);
        handle.datasync = async () => {
          await datasync();
          synced.push(true);
        };
      }
      return handle;
    };
    try {
      const spool = await Spool.open({ dir });
      await spool.append(lines(0, 3));
      opened.length.should.equal(1);
      if (constants.O_DSYNC) (opened[0] & constants.O_DSYNC).should.equal(constants.O_DSYNC);
      else synced.length.should.equal(1); // without O_DSYNC the append waited for its fdatasync
      await spool.close();
    } finally {
      fs.promises.open = realOpen;
    }
  });

  it("fsyncs the directory after creating and after removing a segment", async function () {
    const calls = [];
    const realOpen = fs.promises.open;
    const realRm = fs.promises.rm;
    const name = (p) => (p === dir ? "dir" : path.basename(p));
    fs.promises.open = async function (p, flags, ...rest) {
      const handle = await realOpen.call(this, p, flags, ...rest);
      calls.push(`open ${name(p)}`);
      if (p === dir) {
        const sync = handle.sync.bind(handle);
        handle.sync = async () => {
          calls.push("fsync dir");
          return sync();
        };
      }
      return handle;
    };
    fs.promises.rm = async function (p, ...rest) {
      calls.push(`rm ${name(p)}`);
      return realRm.call(this, p, ...rest);
    };
    try {
      const spool = await Spool.open({ dir, segmentBytes: 60 });
      await spool.append(lines(0, 3)); // seals the first segment
      calls
        .splice(0)
        .filter((c) => !c.startsWith("rm cursor"))
        .should.eql(["open 0000000001.seg", "open dir", "fsync dir"]);
      await spool.confirm(await spool.peek(10));
      calls
        .splice(0)
        .filter((c) => !c.startsWith("rm cursor"))
        .should.eql(["rm 0000000001.seg", "open dir", "fsync dir"]);
      await spool.close();
    } finally {
      fs.promises.open = realOpen;
      fs.promises.rm = realRm;
    }
  });
});

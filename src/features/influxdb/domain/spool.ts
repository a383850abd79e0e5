import { constants as fsConstants, promises as fs } from "node:fs";
import * as path from "node:path";
import { crc32 } from "node:zlib";

/**
 * A durable first-in-first-out queue of text lines on disk, so that points survive an outage of the
 * database and a restart of Node-RED.
 *
 * Layout of the directory: numbered segment files (`0000000001.seg`, appended to) and a `cursor` file
 * saying how many records of the oldest segment are already confirmed. A segment is deleted once all its
 * records are confirmed and a newer one has taken over the appends.
 *
 * Segment format 2 (0.2.0; 0.1.0 files, one bare line per record, are still read): a header line
 * `#meterflow-spool 2 prev=<records of the previous segment>`, then one record per line,
 * `<crc32 hex> <index> <line>`, the checksum over `<index> <line>`. A damaged record (bytes overwritten,
 * a segment cut short) is found by its checksum or by the gap in the indices; the tail of a segment is
 * known from the next segment's `prev=` or, for the newest one, from the `closed` file written on close.
 * The intact records are delivered, the lost ones reported once through `onDamage` and then replaced on
 * disk by checksummed `#lost` placeholders, so a later open neither reports nor replays them again.
 *
 * - `append()` resolves only after the lines are written (and fsynced when asked): callers may then
 *   acknowledge their input. Appends arriving together share one write (group commit).
 * - `peek()` returns the oldest unconfirmed lines; `confirm()` removes exactly those. A crash between the
 *   database's confirmation and ours replays a batch; InfluxDB stores a point with the same series and
 *   time only once, so a replay never duplicates.
 * - Over `limitBytes` the oldest lines are dropped and reported through `onDrop`.
 * - After a crash a torn last line (no newline) is cut off: its append never resolved.
 * - With `fsync`, the directory is fsynced after a segment is created or removed, so the file's
 *   existence (not only its content) survives a power cut.
 */

export interface SpoolDamage {
  /** The segment file. */
  file: string;
  /** Points that could not be recovered. */
  lost: number;
  /** Where, for the warning: record ranges and the byte offsets of the damage. */
  where: string;
  /** The same in parts, for a warning in another language: `seg-3.seg`, `4–6, 9`, `812, 1024` (none: cut short). */
  parts: { segment: string; records: string; several: boolean; offsets?: string };
}

export interface SpoolOptions {
  dir: string;
  /** Oldest lines are dropped beyond this many bytes of unconfirmed lines; 0 means no limit. */
  limitBytes?: number;
  /** Appends roll over to a new segment file beyond this size. */
  segmentBytes?: number;
  /** fdatasync after every group write, so that a power cut loses nothing acknowledged. */
  fsync?: boolean;
  onDrop?: (count: number) => void;
  /** A damaged segment was read: its intact points are kept, `lost` are gone. Said once per damage. */
  onDamage?: (damage: SpoolDamage) => void;
}

export interface SpoolBatch {
  readonly segment: number;
  readonly start: number;
  /** The record after the batch (records lost to damage in between are skipped, not sent). */
  readonly end: number;
  readonly lines: readonly string[];
}

/** A record's line, or null for one lost to damage. */
type Line = string | null;

interface Segment {
  seq: number;
  file: string;
  /** Records in the file, lost ones included. */
  count: number;
  bytes: number;
  /** Records before the cursor are confirmed (or dropped). */
  cursor: number;
  /** 0.1.0 segments are bare lines; ours are framed. */
  framed: boolean;
  /** In memory while this segment is being appended to or read from; undefined otherwise. */
  lines?: Line[];
  handle?: fs.FileHandle;
}

interface PendingAppend {
  lines: string[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

const SEGMENT_SUFFIX = ".seg";
const CURSOR_FILE = "cursor";
const CLOSED_FILE = "closed";
const HEADER = "#meterflow-spool 2";
/** O_DSYNC where the platform has it (Linux, macOS); elsewhere appends are followed by an fdatasync. */
const DSYNC = fsConstants.O_DSYNC ?? 0;
const APPEND_DSYNC = DSYNC ? fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | DSYNC : "a";
const LOST = "#lost";
const DEFAULT_SEGMENT_BYTES = 1 << 20;
/**
 * A sealed segment keeps its lines in memory (instead of reading and checking its file again when it
 * becomes the head) while no more than this is pending: re-reading was a third of the writer's CPU
 * when a burst of messages filled segments faster than they were sent. A long outage beyond it
 * re-reads its segments from disk, so memory stays bounded.
 */
const HOLD_PENDING_BYTES = 16 << 20;
const RECORD = /^([0-9a-f]{8}) (\d{1,15}) (.*)$/;

export class Spool {
  private readonly segments: Segment[] = [];
  private readonly limitBytes: number;
  private readonly segmentBytes: number;
  private readonly fsync: boolean;
  private pendingLines = 0;
  private pendingBytesCount = 0;
  private droppedTotal = 0;
  private queued: PendingAppend[] = [];
  private drainScheduled = false;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private nextSeq = 1;
  private readonly syncing = new Set<Promise<void>>();

  private constructor(private readonly options: SpoolOptions) {
    this.limitBytes = options.limitBytes && options.limitBytes > 0 ? options.limitBytes : Infinity;
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.fsync = options.fsync ?? true;
  }

  /** Opens (creating if needed) the spool in `dir` and takes over whatever a previous run left there. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const spool = new Spool(options);
    await spool.load();
    return spool;
  }

  get dir(): string {
    return this.options.dir;
  }
  /** Lines appended and not yet confirmed or dropped. */
  get pending(): number {
    return this.pendingLines;
  }
  /** Bytes of those lines (with their newlines, without the framing). */
  get pendingBytes(): number {
    return this.pendingBytesCount;
  }
  /** Lines dropped over the limit since the spool was opened. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Appends lines (without newlines); resolves once they are on disk. */
  append(lines: readonly string[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error("The spool is closed."));
    if (lines.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queued.push({ lines: [...lines], resolve, reject });
      if (!this.drainScheduled) {
        this.drainScheduled = true;
        void this.exclusive(() => this.drain());
      }
    });
  }

  /**
   * Up to `max` of the oldest unconfirmed lines, all from one segment; undefined when there are none.
   * With `after`, the lines following that batch instead, so that several batches can be in flight
   * (they must still be confirmed in order).
   */
  peek(max: number, after?: SpoolBatch): Promise<SpoolBatch | undefined> {
    // Lines held in memory are handed out at once, without queueing behind appends and confirms.
    const held = this.peekHeld(max, after);
    if (held) return Promise.resolve(held);
    return this.exclusive(async () => {
      let index = this.segments.findIndex((s) => s.cursor < s.count);
      if (index < 0) return undefined;
      let start = this.segments[index].cursor;
      if (after) {
        const at = this.segments.findIndex((s) => s.seq === after.segment);
        if (at >= index) {
          index = at;
          start = Math.max(after.end, this.segments[at].cursor);
        }
      }
      for (;;) {
        while (index < this.segments.length && start >= this.segments[index].count) {
          index++;
          start = this.segments[index]?.cursor ?? 0;
        }
        if (index >= this.segments.length) return undefined;
        const segment = this.segments[index];
        const all = await this.linesOf(segment);
        const lines: string[] = [];
        let end = start;
        while (end < segment.count && lines.length < max) {
          const line = all[end++];
          if (line !== null) lines.push(line);
        }
        if (lines.length > 0) return { segment: segment.seq, start, end, lines };
        // Only lost records here: nothing to send, so they are done at once when at the head.
        if (segment === this.head() && start === segment.cursor) {
          await this.advance(segment, end - start);
          index = this.segments.indexOf(segment);
          if (index < 0) {
            index = this.segments.findIndex((s) => s.cursor < s.count);
            if (index < 0) return undefined;
            start = this.segments[index].cursor;
            continue;
          }
        }
        start = end;
      }
    });
  }

  /**
   * `peek()` read straight from memory, with no file to read and nothing to change: the batch after
   * `after` (or the head's first), when its segment's lines are held and none of them was lost;
   * undefined when the queued path must decide.
   */
  private peekHeld(max: number, after?: SpoolBatch): SpoolBatch | undefined {
    const head = this.head();
    if (!head) return undefined;
    let segment = head;
    let start = head.cursor;
    if (after) {
      const at = this.segments.findIndex((s) => s.seq === after.segment);
      if (at < this.segments.indexOf(head)) return undefined;
      segment = this.segments[at];
      start = Math.max(after.end, segment.cursor);
      if (start >= segment.count) {
        segment = this.segments[at + 1];
        if (!segment) return undefined;
        start = segment.cursor;
      }
    }
    const all = segment.lines;
    if (!all || start >= segment.count) return undefined;
    const end = Math.min(segment.count, start + max);
    const lines = all.slice(start, end);
    if (lines.includes(null)) return undefined;
    return { segment: segment.seq, start, end, lines: lines as string[] };
  }

  /** Removes a batch returned by `peek()`; lines dropped meanwhile over the limit are not counted twice. */
  confirm(batch: SpoolBatch): Promise<void> {
    return this.exclusive(async () => {
      const head = this.head();
      if (!head || head.seq !== batch.segment) return; // already dropped
      if (batch.end > head.cursor) await this.advance(head, batch.end - head.cursor);
    });
  }

  /** Closes the files; what is unconfirmed stays on disk for the next open. */
  close(): Promise<void> {
    this.closed = true;
    return this.exclusive(async () => {
      await Promise.allSettled([...this.syncing]);
      for (const s of [...this.segments]) {
        if (s.handle) {
          await s.handle.close();
          s.handle = undefined;
          // The newest segment's length, so the next open can tell a cut-short file from a short one.
          if (s.cursor < s.count && s.framed) await this.writeAtomic(CLOSED_FILE, `${s.seq} ${s.count}\n`);
        }
        s.lines = undefined;
        if (s.cursor >= s.count) await this.remove(s); // fully written: nothing to replay
      }
    });
  }

  // ---- internals ---------------------------------------------------------------------------------

  /** Runs spool operations one at a time, in call order. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private head(): Segment | undefined {
    return this.segments.find((s) => s.cursor < s.count);
  }

  private async drain(): Promise<void> {
    this.drainScheduled = false;
    const group = this.queued;
    this.queued = [];
    try {
      const lines = group.length === 1 ? group[0].lines : group.flatMap((g) => g.lines);
      const segment = await this.writable();
      const { buffer, lineBytes } = frameAll(segment.count, lines);
      await segment.handle!.write(buffer);
      // The fsync runs outside the queue of spool operations: the next group's write and the writer's
      // peek and confirm need not wait for the disk. The group is acknowledged only once it is durable.
      const durable = this.fsync && !DSYNC ? this.track(segment.handle!.datasync()) : Promise.resolve();
      const held = segment.lines!;
      for (const line of lines) held.push(line); // not push(...lines): a huge message would overflow the stack
      segment.count += lines.length;
      segment.bytes += buffer.length;
      this.pendingLines += lines.length;
      this.pendingBytesCount += lineBytes;
      if (segment.bytes >= this.segmentBytes) {
        await durable; // before its handle closes
        await this.seal(segment);
      }
      await this.enforceLimit();
      durable.then(
        () => group.forEach((g) => g.resolve()),
        (err: unknown) => group.forEach((g) => g.reject(err)),
      );
    } catch (err) {
      for (const g of group) g.reject(err);
    }
  }

  /** An fsync in flight, which close() waits for before closing the handles. */
  private track(sync: Promise<void>): Promise<void> {
    this.syncing.add(sync);
    const done = (): void => void this.syncing.delete(sync);
    sync.then(done, done);
    return sync;
  }

  /** The segment appends go to, created on first use (never one a previous run may have torn). */
  private async writable(): Promise<Segment> {
    const last = this.segments[this.segments.length - 1];
    if (last?.handle) return last;
    const seq = this.nextSeq++;
    const file = path.join(this.dir, `${String(seq).padStart(10, "0")}${SEGMENT_SUFFIX}`);
    const header = `${HEADER}${last ? ` prev=${last.count}` : ""}\n`;
    const segment: Segment = { seq, file, count: 0, bytes: 0, cursor: 0, framed: true, lines: [] };
    // With fsync, O_DSYNC: each write returns once durable, one trip to the disk thread instead of
    // a write and an fdatasync (the group's wait for its commit was half the writer's time).
    segment.handle = await fs.open(file, this.fsync ? APPEND_DSYNC : "a");
    await segment.handle.write(header);
    segment.bytes = Buffer.byteLength(header);
    await this.syncDir();
    this.segments.push(segment);
    return segment;
  }

  /** Stops appending to a segment; deletes it at once when nothing in it is pending. */
  private async seal(segment: Segment): Promise<void> {
    await segment.handle?.close();
    segment.handle = undefined;
    if (segment.cursor >= segment.count) await this.remove(segment);
    else if (segment !== this.head() && this.pendingBytesCount > HOLD_PENDING_BYTES) segment.lines = undefined; // re-read when it becomes the head
  }

  private async linesOf(segment: Segment): Promise<Line[]> {
    if (!segment.lines) {
      const buffer = await fs.readFile(segment.file);
      segment.lines = (await this.recover(segment, buffer, segment.count)).lines;
    }
    return segment.lines;
  }

  /** Marks `n` records of the head as done, persisting the cursor or deleting a finished segment. */
  private async advance(segment: Segment, n: number): Promise<void> {
    const lines = await this.linesOf(segment);
    let bytes = 0;
    let points = 0;
    for (let i = segment.cursor; i < segment.cursor + n; i++) {
      const line = lines[i];
      if (line === null) continue;
      bytes += Buffer.byteLength(line) + 1;
      points++;
    }
    segment.cursor += n;
    this.pendingLines -= points;
    this.pendingBytesCount -= bytes;
    if (segment.cursor >= segment.count && !segment.handle) await this.remove(segment);
    else await this.writeCursor(segment);
  }

  private async remove(segment: Segment): Promise<void> {
    await fs.rm(segment.file, { force: true });
    await this.syncDir();
    this.segments.splice(this.segments.indexOf(segment), 1);
    if (!this.segments.some((s) => s.cursor > 0)) await fs.rm(path.join(this.dir, CURSOR_FILE), { force: true });
  }

  private writeCursor(segment: Segment): Promise<void> {
    return this.writeAtomic(CURSOR_FILE, `${segment.seq} ${segment.cursor}\n`);
  }

  /** Write-then-rename, so a crash leaves either the old file or the new one, never half of one. */
  private async writeAtomic(name: string, text: string): Promise<void> {
    const file = path.join(this.dir, name);
    await fs.writeFile(`${file}.tmp`, text);
    await fs.rename(`${file}.tmp`, file);
  }

  /** fsync of the directory: makes a created, renamed or removed file's entry durable. */
  private async syncDir(): Promise<void> {
    if (!this.fsync) return;
    const dir = await fs.open(this.dir, "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  private async enforceLimit(): Promise<void> {
    let dropped = 0;
    while (this.pendingBytesCount > this.limitBytes) {
      const head = this.head();
      if (!head) break;
      const lines = await this.linesOf(head);
      // Drop whole lines from the head until the rest fits.
      let n = 0;
      let bytes = 0;
      let points = 0;
      while (head.cursor + n < head.count && this.pendingBytesCount - bytes > this.limitBytes) {
        const line = lines[head.cursor + n];
        if (line !== null) {
          bytes += Buffer.byteLength(line) + 1;
          points++;
        }
        n++;
      }
      await this.advance(head, n);
      dropped += points;
    }
    if (dropped > 0) {
      this.droppedTotal += dropped;
      this.options.onDrop?.(dropped);
    }
  }

  private async load(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const names = (await fs.readdir(this.dir)).filter((n) => n.endsWith(SEGMENT_SUFFIX)).sort();
    const cursor = await this.readPair(CURSOR_FILE);
    const closed = await this.readPair(CLOSED_FILE);
    this.nextSeq = (cursor?.seq ?? 0) + 1;
    const found: Array<{ seq: number; file: string; buffer: Buffer }> = [];
    for (const name of names) {
      const seq = Number(name.slice(0, -SEGMENT_SUFFIX.length));
      if (!Number.isSafeInteger(seq)) continue;
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
      const file = path.join(this.dir, name);
      if (cursor && seq < cursor.seq) {
        // Older than the cursor: confirmed already, its deletion was interrupted.
        await fs.rm(file, { force: true });
        continue;
      }
      let buffer = await fs.readFile(file);
      const end = buffer.lastIndexOf(0x0a) + 1;
      if (end < buffer.length) {
        await fs.truncate(file, end); // a torn append from a crash: it was never acknowledged
        buffer = buffer.subarray(0, end);
      }
      found.push({ seq, file, buffer });
    }
    for (let i = 0; i < found.length; i++) {
      const { seq, file, buffer } = found[i];
      // How many records this segment had: the next one's header says, or the close of the last run.
      const next = found[i + 1] && found[i + 1].seq === seq + 1 ? headerPrev(found[i + 1].buffer) : undefined;
      const expected = next ?? (closed && closed.seq === seq ? closed.line : 0);
      // An empty file that should have records was framed: its header went with the rest.
      const framed = isFramed(buffer) || (buffer.length === 0 && expected > 0);
      const segment: Segment = { seq, file, count: 0, bytes: buffer.length, cursor: 0, framed };
      if (cursor && cursor.seq === seq) segment.cursor = cursor.line;
      const { lines } = await this.recover(segment, buffer, expected);
      segment.count = lines.length;
      segment.cursor = Math.min(segment.cursor, segment.count);
      if (segment.count === 0) {
        await fs.rm(file, { force: true });
        continue;
      }
      for (let k = segment.cursor; k < lines.length; k++) {
        const line = lines[k];
        if (line === null) continue;
        this.pendingLines++;
        this.pendingBytesCount += Buffer.byteLength(line) + 1;
      }
      this.segments.push(segment);
    }
    // A cursor whose segment is gone (crash between deleting both) must not mark future segments done.
    if (cursor && !this.segments.some((s) => s.seq === cursor.seq))
      await fs.rm(path.join(this.dir, CURSOR_FILE), { force: true });
  }

  /**
   * The records of a segment file; damaged ones (bad checksum, missing index, cut-off tail up to
   * `expected` records) are null, reported once and replaced by placeholders on disk.
   */
  private async recover(segment: Segment, buffer: Buffer, expected: number): Promise<{ lines: Line[] }> {
    if (!segment.framed) {
      const lines = buffer.toString("utf8").split("\n");
      lines.pop(); // after the last newline
      return { lines };
    }
    const parsed = parseFramed(buffer, expected);
    const lostPending = parsed.damaged.filter((r) => r >= segment.cursor);
    if (parsed.damaged.length > 0) {
      await this.rewrite(segment, parsed.lines, buffer);
      if (lostPending.length > 0)
        this.options.onDamage?.({
          file: segment.file,
          lost: lostPending.length,
          where: `${path.basename(segment.file)}, ${ranges(lostPending)}${parsed.offsets.length ? ` (damage at byte ${byteList(parsed.offsets)})` : " (the file was cut short)"}`,
          parts: {
            segment: path.basename(segment.file),
            records: rangeList(lostPending),
            several: lostPending.length > 1,
            ...(parsed.offsets.length ? { offsets: byteList(parsed.offsets) } : {}),
          },
        });
    }
    return { lines: parsed.lines };
  }

  /** Writes a damaged segment again with placeholders for its lost records, keeping every index. */
  private async rewrite(segment: Segment, lines: readonly Line[], original: Buffer): Promise<void> {
    const header = original.subarray(0, original.indexOf(0x0a) + 1).toString("utf8");
    let text = header.startsWith(HEADER) ? header : `${HEADER}\n`;
    for (let i = 0; i < lines.length; i++) text += `${frame(i, lines[i] ?? LOST)}\n`;
    const tmp = `${segment.file}.tmp`;
    const handle = await fs.open(tmp, "w");
    try {
      await handle.write(text);
      if (this.fsync) await handle.datasync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, segment.file);
    await this.syncDir();
    segment.bytes = Buffer.byteLength(text);
  }

  private async readPair(name: string): Promise<{ seq: number; line: number } | undefined> {
    try {
      const [seq, line] = (await fs.readFile(path.join(this.dir, name), "utf8")).trim().split(" ").map(Number);
      return Number.isSafeInteger(seq) && Number.isSafeInteger(line) ? { seq, line } : undefined;
    } catch {
      return undefined;
    }
  }
}

/** CRC-32 (IEEE, as zlib's) by table, for framing a whole group in one pass over its bytes. */
const CRC_TABLE = ((): Int32Array => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();
const HEX_DIGITS = Buffer.from("0123456789abcdef");

/**
 * The records of `lines`, numbered from `first`, exactly as `frame()` writes each, in one buffer, and the
 * bytes of the lines themselves (with a newline each). One UTF-8 encoding of the group and one pass over
 * it instead of a checksum call and a string per record: framing was the writer's largest cost.
 */
export function frameAll(first: number, lines: readonly string[]): { buffer: Buffer; lineBytes: number } {
  let bodies = "";
  let prefixes = 0;
  for (let i = 0; i < lines.length; i++) {
    const index = String(first + i);
    prefixes += index.length + 1;
    bodies += `${index} ${lines[i]}\n`;
  }
  const src = Buffer.from(bodies, "utf8");
  const out = Buffer.allocUnsafe(src.length + 9 * lines.length);
  let start = 0; // where the current record's checksum goes
  let o = 9;
  let crc = -1;
  for (let i = 0; i < src.length; i++) {
    const b = src[i];
    if (b === 0x0a) {
      crc = ~crc;
      for (let d = 7; d >= 0; d--) {
        out[start + d] = HEX_DIGITS[crc & 0xf];
        crc >>>= 4;
      }
      out[start + 8] = 0x20;
      out[o++] = 0x0a;
      start = o;
      o += 9;
      crc = -1;
    } else {
      crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
      out[o++] = b;
    }
  }
  return { buffer: out.subarray(0, start), lineBytes: src.length - prefixes };
}

function frame(index: number, line: string): string {
  const body = `${index} ${line}`;
  return `${(crc32(body) >>> 0).toString(16).padStart(8, "0")} ${body}`;
}

function isFramed(buffer: Buffer): boolean {
  return buffer.subarray(0, HEADER.length).toString("utf8") === HEADER;
}

/** The `prev=` of a segment's header: how many records the segment before it has. */
function headerPrev(buffer: Buffer): number | undefined {
  if (!isFramed(buffer)) return undefined;
  const header = buffer.subarray(0, Math.max(0, buffer.indexOf(0x0a))).toString("utf8");
  const match = / prev=(\d+)$/.exec(header);
  return match ? Number(match[1]) : undefined;
}

/**
 * Records by index. A record counts only with a valid checksum and an index above the previous good
 * one; every index not found up to the highest (or `expected`) is damaged. `offsets`: where bad bytes were.
 */
function parseFramed(buffer: Buffer, expected: number): { lines: Line[]; damaged: number[]; offsets: number[] } {
  const text = buffer.toString("utf8");
  const lines: Line[] = [];
  const damaged: number[] = [];
  const offsets: number[] = [];
  let pos = text.indexOf("\n") + 1;
  let byte = Buffer.byteLength(text.slice(0, pos));
  let lastBad = -2;
  while (pos < text.length) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = text.length;
    const raw = text.slice(pos, nl);
    const match = RECORD.exec(raw);
    const index = match ? Number(match[2]) : -1;
    const good =
      match !== null &&
      index >= lines.length &&
      (crc32(`${match[2]} ${match[3]}`) >>> 0).toString(16).padStart(8, "0") === match[1];
    if (good) {
      while (lines.length < index) {
        damaged.push(lines.length);
        lines.push(null);
      }
      lines.push(match[3] === LOST ? null : match[3]);
    } else if (lastBad !== byte) {
      offsets.push(byte);
    }
    const next = Buffer.byteLength(raw) + 1;
    if (!good) lastBad = byte + next;
    byte += next;
    pos = nl + 1;
  }
  while (lines.length < expected) {
    damaged.push(lines.length);
    lines.push(null);
  }
  return { lines, damaged, offsets };
}

/** `records 4–6, 9` for a warning. */
function ranges(indices: readonly number[]): string {
  return `record${indices.length > 1 ? "s" : ""} ${rangeList(indices)}`;
}

/** The first five byte offsets of the damage. */
function byteList(offsets: readonly number[]): string {
  return `${offsets.slice(0, 5).join(", ")}${offsets.length > 5 ? ", …" : ""}`;
}

/** `4–6, 9`: 1-based record numbers, runs joined. */
function rangeList(indices: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length;) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    parts.push(i === j ? `${indices[i] + 1}` : `${indices[i] + 1}–${indices[j] + 1}`);
    i = j + 1;
  }
  return parts.join(", ");
}

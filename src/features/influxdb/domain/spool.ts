import { promises as fs } from "node:fs";
import * as path from "node:path";

/**
 * A durable first-in-first-out queue of text lines on disk, so that points survive an outage of the
 * database and a restart of Node-RED.
 *
 * Layout of the directory: numbered segment files (`0000000001.seg`, one line per record, appended to)
 * and a `cursor` file saying how many lines of the oldest segment are already confirmed. A segment is
 * deleted once all its lines are confirmed and a newer one has taken over the appends.
 *
 * - `append()` resolves only after the lines are written (and fsynced when asked): callers may then
 *   acknowledge their input. Appends arriving together share one write (group commit).
 * - `peek()` returns the oldest unconfirmed lines; `confirm()` removes exactly those. A crash between the
 *   database's confirmation and ours replays a batch; InfluxDB stores a point with the same series and
 *   time only once, so a replay never duplicates.
 * - Over `limitBytes` the oldest lines are dropped and reported through `onDrop`.
 * - After a crash a torn last line (no newline) is cut off: its append never resolved.
 */

export interface SpoolOptions {
  dir: string;
  /** Oldest lines are dropped beyond this many bytes of unconfirmed lines; 0 means no limit. */
  limitBytes?: number;
  /** Appends roll over to a new segment file beyond this size. */
  segmentBytes?: number;
  /** fdatasync after every group write, so that a power cut loses nothing acknowledged. */
  fsync?: boolean;
  onDrop?: (count: number) => void;
}

export interface SpoolBatch {
  readonly segment: number;
  readonly start: number;
  readonly lines: readonly string[];
}

interface Segment {
  seq: number;
  file: string;
  count: number;
  bytes: number;
  /** Lines before the cursor are confirmed (or dropped). */
  cursor: number;
  consumedBytes: number;
  /** In memory while this segment is being appended to or read from; undefined otherwise. */
  lines?: string[];
  handle?: fs.FileHandle;
}

interface PendingAppend {
  lines: string[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

const SEGMENT_SUFFIX = ".seg";
const CURSOR_FILE = "cursor";
const DEFAULT_SEGMENT_BYTES = 1 << 20;

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
    return this.exclusive(async () => {
      let index = this.segments.findIndex((s) => s.cursor < s.count);
      if (index < 0) return undefined;
      let start = this.segments[index].cursor;
      if (after) {
        const at = this.segments.findIndex((s) => s.seq === after.segment);
        if (at >= index) {
          index = at;
          start = Math.max(after.start + after.lines.length, this.segments[at].cursor);
        }
        while (index < this.segments.length && start >= this.segments[index].count) {
          index++;
          start = this.segments[index]?.cursor ?? 0;
        }
        if (index >= this.segments.length) return undefined;
      }
      const segment = this.segments[index];
      const lines = await this.linesOf(segment);
      return { segment: segment.seq, start, lines: lines.slice(start, start + max) };
    });
  }

  /** Removes a batch returned by `peek()`; lines dropped meanwhile over the limit are not counted twice. */
  confirm(batch: SpoolBatch): Promise<void> {
    return this.exclusive(async () => {
      const head = this.head();
      if (!head || head.seq !== batch.segment) return; // already dropped
      const end = batch.start + batch.lines.length;
      if (end > head.cursor) await this.advance(head, end - head.cursor);
    });
  }

  /** Closes the files; what is unconfirmed stays on disk for the next open. */
  close(): Promise<void> {
    this.closed = true;
    return this.exclusive(async () => {
      for (const s of [...this.segments]) {
        await s.handle?.close();
        s.handle = undefined;
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
      const lines = group.flatMap((g) => g.lines);
      const segment = await this.writable();
      const text = `${lines.join("\n")}\n`;
      const bytes = Buffer.byteLength(text);
      await segment.handle!.write(text);
      if (this.fsync) await segment.handle!.datasync();
      const held = segment.lines!;
      for (const line of lines) held.push(line); // not push(...lines): a huge message would overflow the stack
      segment.count += lines.length;
      segment.bytes += bytes;
      this.pendingLines += lines.length;
      this.pendingBytesCount += bytes;
      if (segment.bytes >= this.segmentBytes) await this.seal(segment);
      await this.enforceLimit();
      for (const g of group) g.resolve();
    } catch (err) {
      for (const g of group) g.reject(err);
    }
  }

  /** The segment appends go to, created on first use (never one a previous run may have torn). */
  private async writable(): Promise<Segment> {
    const last = this.segments[this.segments.length - 1];
    if (last?.handle) return last;
    const seq = this.nextSeq++;
    const file = path.join(this.dir, `${String(seq).padStart(10, "0")}${SEGMENT_SUFFIX}`);
    const segment: Segment = { seq, file, count: 0, bytes: 0, cursor: 0, consumedBytes: 0, lines: [] };
    segment.handle = await fs.open(file, "a");
    this.segments.push(segment);
    return segment;
  }

  /** Stops appending to a segment; deletes it at once when nothing in it is pending. */
  private async seal(segment: Segment): Promise<void> {
    await segment.handle?.close();
    segment.handle = undefined;
    if (segment.cursor >= segment.count) await this.remove(segment);
    else if (segment !== this.head()) segment.lines = undefined; // re-read when it becomes the head
  }

  private async linesOf(segment: Segment): Promise<string[]> {
    if (!segment.lines) {
      const text = await fs.readFile(segment.file, "utf8");
      segment.lines = text.split("\n").slice(0, segment.count);
    }
    return segment.lines;
  }

  /** Marks `n` lines of the head as done, persisting the cursor or deleting a finished segment. */
  private async advance(segment: Segment, n: number): Promise<void> {
    const lines = await this.linesOf(segment);
    let bytes = 0;
    for (let i = segment.cursor; i < segment.cursor + n; i++) bytes += Buffer.byteLength(lines[i]) + 1;
    segment.cursor += n;
    segment.consumedBytes += bytes;
    this.pendingLines -= n;
    this.pendingBytesCount -= bytes;
    if (segment.cursor >= segment.count && !segment.handle) await this.remove(segment);
    else await this.writeCursor(segment);
  }

  private async remove(segment: Segment): Promise<void> {
    await fs.rm(segment.file, { force: true });
    this.segments.splice(this.segments.indexOf(segment), 1);
    if (!this.segments.some((s) => s.cursor > 0)) await fs.rm(path.join(this.dir, CURSOR_FILE), { force: true });
  }

  private async writeCursor(segment: Segment): Promise<void> {
    // Write-then-rename, so a crash leaves either the old cursor or the new one, never half of one.
    const file = path.join(this.dir, CURSOR_FILE);
    await fs.writeFile(`${file}.tmp`, `${segment.seq} ${segment.cursor}\n`);
    await fs.rename(`${file}.tmp`, file);
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
      while (head.cursor + n < head.count && this.pendingBytesCount - bytes > this.limitBytes) {
        bytes += Buffer.byteLength(lines[head.cursor + n]) + 1;
        n++;
      }
      await this.advance(head, n);
      dropped += n;
    }
    if (dropped > 0) {
      this.droppedTotal += dropped;
      this.options.onDrop?.(dropped);
    }
  }

  private async load(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const names = (await fs.readdir(this.dir)).filter((n) => n.endsWith(SEGMENT_SUFFIX)).sort();
    const cursor = await this.readCursor();
    this.nextSeq = (cursor?.seq ?? 0) + 1;
    for (const name of names) {
      const seq = Number(name.slice(0, -SEGMENT_SUFFIX.length));
      if (!Number.isSafeInteger(seq)) continue;
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
      const file = path.join(this.dir, name);
      let buffer = await fs.readFile(file);
      const end = buffer.lastIndexOf(0x0a) + 1;
      if (end < buffer.length) {
        await fs.truncate(file, end); // a torn append from a crash: it was never acknowledged
        buffer = buffer.subarray(0, end);
      }
      const count = countNewlines(buffer, buffer.length);
      if (count === 0) {
        await fs.rm(file, { force: true });
        continue;
      }
      const segment: Segment = { seq, file, count, bytes: end, cursor: 0, consumedBytes: 0 };
      if (cursor && cursor.seq === seq) {
        segment.cursor = Math.min(cursor.line, count);
        segment.consumedBytes = offsetOfLine(buffer, segment.cursor);
      } else if (cursor && seq < cursor.seq) {
        // Older than the cursor: confirmed already, its deletion was interrupted.
        await fs.rm(file, { force: true });
        continue;
      }
      this.segments.push(segment);
      this.pendingLines += count - segment.cursor;
      this.pendingBytesCount += end - segment.consumedBytes;
    }
    // A cursor whose segment is gone (crash between deleting both) must not mark future segments done.
    if (cursor && !this.segments.some((s) => s.seq === cursor.seq))
      await fs.rm(path.join(this.dir, CURSOR_FILE), { force: true });
  }

  private async readCursor(): Promise<{ seq: number; line: number } | undefined> {
    try {
      const [seq, line] = (await fs.readFile(path.join(this.dir, CURSOR_FILE), "utf8")).trim().split(" ").map(Number);
      return Number.isSafeInteger(seq) && Number.isSafeInteger(line) ? { seq, line } : undefined;
    } catch {
      return undefined;
    }
  }
}

function countNewlines(buffer: Buffer, end: number): number {
  let count = 0;
  for (let i = buffer.indexOf(0x0a); i !== -1 && i < end; i = buffer.indexOf(0x0a, i + 1)) count++;
  return count;
}

function offsetOfLine(buffer: Buffer, line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset = buffer.indexOf(0x0a, offset) + 1;
  return offset;
}

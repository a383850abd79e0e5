/**
 * A server-sent events reader after the WHATWG rules: `data:` lines joined with newlines, `id:` kept as
 * the last event id, `event:` and `retry:` read, comments (`:`) and unknown fields skipped, an event
 * dispatched at a blank line; LF, CRLF and CR line ends; chunks may split anywhere.
 */

export interface SseEvent {
  data: string;
  event: string;
  /** The last event id so far (ids carry over to later events, as in the standard). */
  id: string | undefined;
}

export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  lastEventId: string | undefined;
  /** The server's `retry:` in ms, when it sent one. */
  retryMs: number | undefined;

  feed(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    for (;;) {
      const m = /\r\n|\n|\r/.exec(this.buffer);
      // A lone CR at the end may be the first half of CRLF: wait for the next chunk.
      if (!m || (m[0] === "\r" && m.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      const event = this.line(line);
      if (event) out.push(event);
    }
    return out;
  }

  private line(line: string): SseEvent | undefined {
    if (line === "") {
      if (this.data.length === 0) {
        this.event = "";
        return undefined;
      }
      const event = { data: this.data.join("\n"), event: this.event || "message", id: this.lastEventId };
      this.data = [];
      this.event = "";
      return event;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) this.lastEventId = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }
}

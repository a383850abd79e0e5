import { AnnouncePolicy } from "./policy";

/**
 * Announcements held through quiet hours, to be spoken when they end. One entry per device and text:
 * a leak alert repeated all night is spoken once in the morning, not once per poll. Bounded, so a
 * chatty flow cannot queue up a morning of announcements. The entries are plain data (the held message
 * as JSON), so node context keeps them across a redeploy and, with a persistent store, a restart.
 */
export interface HeldAnnouncement<T> {
  device: string;
  text: string;
  heldAt: number;
  /** When the quiet hours it waits for end. */
  until: number;
  item: T;
}

/** Released though Node-RED was down when its quiet hours ended, if they ended at most this long ago. */
export const RELEASE_LATE_MS = 60 * 60_000;
/** A held message is kept as JSON up to this size; a larger one keeps only `_msgid` and `topic`. */
export const MAX_STORED_MESSAGE_CHARS = 100_000;

export class HeldAnnouncements<T> {
  private readonly entries = new Map<string, HeldAnnouncement<T>>();

  constructor(readonly capacity = 20) {}

  get size(): number {
    return this.entries.size;
  }

  /** Holds an announcement; false when the same text is already held or the queue is full. */
  add(device: string, text: string, item: T, at: number, until: number): boolean {
    const key = AnnouncePolicy.key(device, text);
    if (this.entries.has(key) || this.entries.size >= this.capacity) return false;
    this.entries.set(key, { device, text, heldAt: at, until, item });
    return true;
  }

  /** Holds again one held before a redeploy, even over a capacity lowered since: it was accepted then. */
  restore(entry: HeldAnnouncement<T>): boolean {
    const key = AnnouncePolicy.key(entry.device, entry.text);
    if (this.entries.has(key)) return false;
    this.entries.set(key, { ...entry });
    return true;
  }

  /** Takes every held announcement out, oldest first. */
  drain(): Array<HeldAnnouncement<T>> {
    const out = [...this.entries.values()];
    this.entries.clear();
    return out;
  }

  /** The held announcements as they are, oldest first, for node state. */
  list(): Array<HeldAnnouncement<T>> {
    return [...this.entries.values()];
  }
}

/**
 * Held announcements read back from node state; anything malformed is left out. `item` turns the stored
 * message back into the item (a message, for the node).
 */
export function storedHeld<T>(saved: unknown, item: (stored: unknown) => T): Array<HeldAnnouncement<T>> {
  if (!Array.isArray(saved)) return [];
  const out: Array<HeldAnnouncement<T>> = [];
  for (const e of saved as unknown[]) {
    if (!e || typeof e !== "object") continue;
    const { device, text, heldAt, until, message } = e as Record<string, unknown>;
    if (typeof device !== "string" || typeof text !== "string") continue;
    if (typeof heldAt !== "number" || typeof until !== "number" || !Number.isFinite(heldAt + until)) continue;
    out.push({ device, text, heldAt, until, item: item(message) });
  }
  return out.sort((a, b) => a.heldAt - b.heldAt);
}

/**
 * A message as JSON-safe plain data: what a file context store can write. Functions, sockets and cycles
 * (an HTTP request's `req`/`res`) do not survive; a message that cannot be written, or is larger than
 * MAX_STORED_MESSAGE_CHARS, keeps `_msgid` and `topic` only.
 */
export function storableMessage(msg: Record<string, unknown>): Record<string, unknown> {
  const { req: _req, res: _res, ...rest } = msg;
  try {
    const json = JSON.stringify(rest);
    if (json !== undefined && json.length <= MAX_STORED_MESSAGE_CHARS)
      return JSON.parse(json) as Record<string, unknown>;
  } catch {
    // a cycle or a BigInt: fall through to the identity of the message
  }
  const kept: Record<string, unknown> = {};
  if (typeof msg._msgid === "string") kept._msgid = msg._msgid;
  if (typeof msg.topic === "string" && msg.topic.length <= 1000) kept.topic = msg.topic;
  return kept;
}

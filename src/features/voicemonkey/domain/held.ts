import { AnnouncePolicy } from "./policy";

/**
 * Announcements held through quiet hours, to be spoken when they end. One entry per device and text:
 * a leak alert repeated all night is spoken once in the morning, not once per poll. Bounded, so a
 * chatty flow cannot queue up a morning of announcements.
 */
export interface HeldAnnouncement<T> {
  device: string;
  text: string;
  heldAt: number;
  item: T;
}

export class HeldAnnouncements<T> {
  private readonly entries = new Map<string, HeldAnnouncement<T>>();

  constructor(readonly capacity = 20) {}

  get size(): number {
    return this.entries.size;
  }

  /** Holds an announcement; false when the same text is already held or the queue is full. */
  add(device: string, text: string, item: T, at: number): boolean {
    const key = AnnouncePolicy.key(device, text);
    if (this.entries.has(key) || this.entries.size >= this.capacity) return false;
    this.entries.set(key, { device, text, heldAt: at, item });
    return true;
  }

  /** Takes every held announcement out, oldest first. */
  drain(): Array<HeldAnnouncement<T>> {
    const out = [...this.entries.values()];
    this.entries.clear();
    return out;
  }
}

/**
 * Remembers what a node already sent on its storage output, so every price slot (or consumption hour)
 * goes out once however often prices are refreshed, and again only when Tibber changed its value
 * (Norway and Sweden get preliminary prices that are corrected later).
 */
export class EmitLog {
  private readonly seen = new Map<string, { atMs: number; fingerprint: string }>();

  /** Records the item and says whether it is new or changed since it was last sent. */
  fresh(key: string, atMs: number, fingerprint: string): boolean {
    const before = this.seen.get(key);
    if (before && before.fingerprint === fingerprint) return false;
    this.seen.set(key, { atMs, fingerprint });
    return true;
  }

  /** Forgets items older than `cutoffMs`, which no refresh will send again. */
  prune(cutoffMs: number): void {
    for (const [key, item] of this.seen) if (item.atMs < cutoffMs) this.seen.delete(key);
  }

  get size(): number {
    return this.seen.size;
  }
}

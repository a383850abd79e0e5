import type { VoiceMonkeyClient } from "./client";
import { AnnouncePolicy, HeldAnnouncements, type Decision, type PolicyOptions, type PolicyState } from "./domain";

/**
 * One announcement node's behaviour without Node-RED: decide (cooldown, quiet hours, daily cap), hold
 * for the end of quiet hours or drop, speak through the client, and keep the count. The node shows what
 * happened and schedules `releaseDue()`.
 */

export interface SpeakOptions {
  voice?: string;
  language?: string;
  chime?: string;
}

export type Outcome<T> =
  | { kind: "sent"; payload: { sent: true; device: string; text: string }; countToday: number; at: number }
  | { kind: "dropped"; payload: { sent: false; reason: string; device: string; text: string }; decision: Suppressed }
  | { kind: "held"; decision: Suppressed; heldCount: number; releaseAt: number; item?: T };

export type Suppressed = Exclude<Decision, { action: "send" }>;

export class Announcer<T> {
  readonly policy: AnnouncePolicy;
  private readonly held: HeldAnnouncements<T>;

  constructor(
    private readonly client: VoiceMonkeyClient,
    policy: PolicyOptions,
    private readonly speak: SpeakOptions,
    private readonly now: () => number,
    saved: unknown,
  ) {
    this.policy = new AnnouncePolicy(policy);
    this.policy.restore(saved, now());
    this.held = new HeldAnnouncements<T>(Math.max(1, Math.min(50, policy.maxPerDay || 50)));
  }

  get heldCount(): number {
    return this.held.size;
  }

  snapshot(): PolicyState {
    return this.policy.snapshot();
  }

  /** Decides and, when allowed, speaks. `mayHold` is false for announcements released from the hold. */
  async announce(
    device: string,
    text: string,
    item: T,
    mayHold: boolean,
    signal: AbortSignal,
    onThrottled: (retryAt: number) => void,
  ): Promise<Outcome<T>> {
    const at = this.now();
    let decision = this.policy.decide(device, text, at);
    if (decision.action === "hold" && !mayHold)
      decision = { action: "drop", reason: "quiet-hours", until: decision.until };
    if (decision.action === "hold") {
      if (this.held.add(device, text, item, at)) {
        return { kind: "held", decision, heldCount: this.held.size, releaseAt: decision.until };
      }
      // Already held (or too many held): this one is covered by the morning announcement.
      decision = { action: "drop", reason: "quiet-hours", until: decision.until };
    }
    if (decision.action === "drop") {
      return { kind: "dropped", decision, payload: { sent: false, reason: decision.reason, device, text } };
    }
    await this.client.announce(
      { device, text, ...this.speak },
      { signal, onThrottled: (_ms, retryAt) => onThrottled(retryAt) },
    );
    const spokenAt = this.now();
    this.policy.recordSent(device, text, spokenAt);
    return {
      kind: "sent",
      payload: { sent: true, device, text },
      countToday: this.policy.countToday(spokenAt),
      at: spokenAt,
    };
  }

  /** The held announcements once the quiet hours are over, or when to look again. */
  releaseDue(): { due: Array<{ device: string; text: string; item: T; heldAt: number }> } | { retryAt: number } {
    const now = this.now();
    if (this.policy.isQuiet(now)) return { retryAt: this.policy.quietEndsAt(now) };
    return { due: this.held.drain().map((e) => ({ device: e.device, text: e.text, item: e.item, heldAt: e.heldAt })) };
  }

  /** Empties the hold (on close); returns how many were dropped. */
  dropHeld(): number {
    return this.held.drain().length;
  }
}

/** Optional `voicemonkeyAnnounce` block of settings.js: how long to sit out a throttling lockout and to wait for an answer. */
export interface AnnounceSettings {
  maxThrottleWaitMs?: number;
  timeoutMs?: number;
  retryDelayMs?: number;
}

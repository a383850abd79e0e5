import type { VoiceMonkeyClient } from "./client";
import { ValidationError, shortReason } from "../../shared/errors";
import {
  AnnouncePolicy,
  HeldAnnouncements,
  formatClockTime,
  minuteOfDay,
  type Decision,
  type PolicyOptions,
  type PolicyState,
} from "./domain";

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

export interface StatusIntent {
  tone: "ok" | "waiting" | "idle";
  text: string;
  at?: number;
}

const hhmm = (at: number): string => formatClockTime(minuteOfDay(at));

export class Announcer<T> {
  readonly policy: AnnouncePolicy;
  private readonly held: HeldAnnouncements<T>;

  private readonly speak: SpeakOptions;

  /** Throws a ValidationError that names the setting when the quiet hours or limits are not valid. */
  constructor(
    private readonly client: VoiceMonkeyClient,
    settings: { policy: PolicyOptions; speak: SpeakOptions },
    private readonly now: () => number,
    saved: unknown,
  ) {
    try {
      this.policy = new AnnouncePolicy(settings.policy);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new ValidationError(`Check the node's settings: ${reason}`, { statusText: shortReason(reason) });
    }
    this.policy.restore(saved, now());
    this.speak = settings.speak;
    this.held = new HeldAnnouncements<T>(Math.max(1, Math.min(50, settings.policy.maxPerDay || 50)));
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

  /** The status line after an outcome, in the package's tones. */
  describe(outcome: Outcome<T>): StatusIntent {
    if (outcome.kind === "sent") return { tone: "ok", text: `${outcome.countToday} today`, at: outcome.at };
    const { decision } = outcome;
    const until = decision.until !== undefined ? hhmm(decision.until) : "";
    if (outcome.kind === "held" || decision.action === "hold")
      return { tone: "waiting", text: `held ${this.heldCount} until ${until}` };
    if (decision.reason === "daily-limit")
      return { tone: "waiting", text: `daily limit ${this.policy.maxPerDay} reached` };
    if (decision.reason === "quiet-hours") return { tone: "idle", text: `quiet until ${until}` };
    return { tone: "idle", text: `cooldown · ${this.policy.countToday(this.now())} today` };
  }

  /** The status line at deploy: only when quiet hours are on now. */
  initialStatus(): StatusIntent | undefined {
    const now = this.now();
    if (!this.policy.hasQuietHours || !this.policy.isQuiet(now)) return undefined;
    return { tone: "idle", text: `quiet until ${hhmm(this.policy.quietEndsAt(now))}` };
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

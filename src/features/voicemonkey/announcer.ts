import type { VoiceMonkeyClient } from "./client";
import { english, MeterflowError, phrase, ValidationError, shortReason, type Phrase } from "../../shared/errors";
import {
  AnnouncePolicy,
  HeldAnnouncements,
  RELEASE_LATE_MS,
  storableMessage,
  storedHeld,
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

/** Where the held announcements live between deploys (the node's state), and how an item is stored. */
export interface HeldStore<T> {
  get: () => unknown;
  set: (value: unknown) => void;
  toStored: (item: T) => unknown;
  fromStored: (stored: unknown) => T;
}

/** A held announcement that ran out while Node-RED was down: its item and the payload it leaves with. */
export interface Expired<T> {
  item: T;
  until: number;
  payload: { sent: false; reason: "expired"; device: string; text: string; heldSince: string };
}

/** A HeldStore for messages under `key` of a node's state: kept as JSON (storableMessage), read back as objects. */
export function messageStore<M extends object>(
  state: { get: (key: string) => unknown; set: (key: string, value: unknown) => void },
  key: string,
): HeldStore<M> {
  return {
    get: () => state.get(key),
    set: (value) => state.set(key, value),
    toStored: (msg) => storableMessage(msg as Record<string, unknown>),
    fromStored: (stored) => (stored && typeof stored === "object" ? stored : {}) as M,
  };
}

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
    private readonly store?: HeldStore<T>,
    /** Says a status phrase in the runtime's language; English without one. */
    private readonly say: (p: Phrase) => string = english,
  ) {
    try {
      this.policy = new AnnouncePolicy(settings.policy);
    } catch (err) {
      if (err instanceof MeterflowError) throw err;
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
      if (this.held.add(device, text, item, at, decision.until)) {
        this.saveHeld();
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
    const due = this.held.drain().map((e) => ({ device: e.device, text: e.text, item: e.item, heldAt: e.heldAt }));
    this.saveHeld();
    return { due };
  }

  /**
   * Takes over the held announcements the node had before a redeploy or a restart. One whose quiet hours
   * ended more than RELEASE_LATE_MS ago (Node-RED was down) has expired and is dropped; the rest is held
   * again, and `releaseAt` says when to release them (now when the quiet hours are over).
   */
  restoreHeld(): { expired: Array<Expired<T>>; releaseAt?: number } {
    if (!this.store) return { expired: [] };
    const now = this.now();
    const expired: Array<Expired<T>> = [];
    for (const e of storedHeld(this.store.get(), this.store.fromStored)) {
      if (now - e.until <= RELEASE_LATE_MS) {
        this.held.restore(e);
        continue;
      }
      const heldSince = new Date(e.heldAt).toISOString();
      const payload = { sent: false as const, reason: "expired" as const, device: e.device, text: e.text, heldSince };
      expired.push({ item: e.item, until: e.until, payload });
    }
    if (expired.length) this.saveHeld();
    if (this.held.size === 0) return { expired };
    return { expired, releaseAt: this.policy.isQuiet(now) ? this.policy.quietEndsAt(now) : now };
  }

  private saveHeld(): void {
    const store = this.store;
    store?.set(this.held.list().map(({ item, ...e }) => ({ ...e, message: store.toStored(item) })));
  }

  /** The status line after an outcome, in the package's tones. */
  describe(outcome: Outcome<T>): StatusIntent {
    const say = this.say;
    if (outcome.kind === "sent") {
      const text = say(phrase("voicemonkey-announce:status.today", "__count__ today", { count: outcome.countToday }));
      return { tone: "ok", text, at: outcome.at };
    }
    const { decision } = outcome;
    const until = decision.until !== undefined ? hhmm(decision.until) : "";
    if (outcome.kind === "held" || decision.action === "hold") {
      const held = { count: this.heldCount, time: until };
      return {
        tone: "waiting",
        text: say(phrase("voicemonkey-announce:status.held", "held __count__ until __time__", held)),
      };
    }
    if (decision.reason === "daily-limit") {
      const max = { max: this.policy.maxPerDay };
      return {
        tone: "waiting",
        text: say(phrase("voicemonkey-announce:status.dailyLimit", "daily limit __max__ reached", max)),
      };
    }
    if (decision.reason === "quiet-hours") return { tone: "idle", text: this.quietUntil(until) };
    const count = { count: this.policy.countToday(this.now()) };
    return {
      tone: "idle",
      text: say(phrase("voicemonkey-announce:status.cooldown", "cooldown · __count__ today", count)),
    };
  }

  private quietUntil(time: string): string {
    return this.say(phrase("voicemonkey-announce:status.quiet", "quiet until __time__", { time }));
  }

  /** The status line at deploy: only when quiet hours are on now. */
  initialStatus(): StatusIntent | undefined {
    const now = this.now();
    if (!this.policy.hasQuietHours || !this.policy.isQuiet(now)) return undefined;
    return { tone: "idle", text: this.quietUntil(hhmm(this.policy.quietEndsAt(now))) };
  }

  /** Empties the hold (when the node is removed); returns how many were dropped. */
  dropHeld(): number {
    const dropped = this.held.drain().length;
    this.saveHeld();
    return dropped;
  }
}

/** Optional `voicemonkeyAnnounce` block of settings.js: how long to sit out a throttling lockout and to wait for an answer. */
export interface AnnounceSettings {
  maxThrottleWaitMs?: number;
  timeoutMs?: number;
  retryDelayMs?: number;
}

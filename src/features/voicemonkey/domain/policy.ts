import { phrase, ValidationError, type Phrase } from "../../../shared/errors";
import { hostTimeZone } from "../../../shared/time/zone";
import { formatClockTime, inWindow, localDay, minuteOfDay, nextLocalTime, parseClockTime } from "./local-time";

/**
 * When an announcement may be spoken. A leak alert that repeats every poll must not wake the house
 * every five minutes, nor burn a free plan's 200 requests a month: the same text for the same device
 * waits out a cooldown, quiet hours drop or hold, and a daily cap stops the rest.
 * Pure: every method takes the time, so tests drive it with any clock.
 */

export type SuppressReason = "cooldown" | "quiet-hours" | "daily-limit";

export type Decision =
  | { action: "send" }
  | {
      action: "drop";
      reason: SuppressReason;
      /** when this text may be spoken again, for status lines */ until?: number;
    }
  | { action: "hold"; until: number };

export interface PolicyOptions {
  /** Seconds the same text for the same device stays silent after being spoken; 0 = no cooldown. */
  cooldownSeconds: number;
  /** "HH:MM" local; both blank = no quiet hours. */
  quietStart?: string;
  quietEnd?: string;
  /** Inside quiet hours: hold until they end instead of dropping. */
  holdQuiet: boolean;
  /** Announcements per local day; 0 = no cap. */
  maxPerDay: number;
  /** IANA zone of the quiet hours and the day; default: the zone the runtime runs in (TZ). */
  timeZone?: string;
}

/** What survives a redeploy: the day's count and the recent announcements' times. */
export interface PolicyState {
  day: string;
  countToday: number;
  lastSpoken: Record<string, number>;
}

/** A setting the user has to fix: the status line says which. */
function settingsError(message: Phrase): ValidationError {
  return new ValidationError(message, {
    statusText: phrase("voicemonkey-announce:status.settings", "check the node's settings"),
  });
}

/** A quiet-hours time of the settings, or the error that names it. */
function clockSetting(value: string | undefined, invalid: (value: string) => Phrase): number | undefined {
  try {
    return parseClockTime(value);
  } catch {
    throw settingsError(invalid((value ?? "").trim()));
  }
}

export class AnnouncePolicy {
  readonly cooldownMs: number;
  readonly quietStart: number | undefined;
  readonly quietEnd: number | undefined;
  readonly holdQuiet: boolean;
  readonly maxPerDay: number;
  readonly timeZone: string;

  private day = "";
  private count = 0;
  private readonly lastSpoken = new Map<string, number>();

  constructor(options: PolicyOptions) {
    if (!(options.cooldownSeconds >= 0))
      throw settingsError(
        phrase("voicemonkey-announce:errors.cooldown", "Check the node's settings: cooldown must be 0 or more seconds"),
      );
    if (!(options.maxPerDay >= 0) || !Number.isInteger(options.maxPerDay))
      throw settingsError(
        phrase(
          "voicemonkey-announce:errors.maxPerDay",
          "Check the node's settings: maxPerDay must be a whole number, 0 for no cap",
        ),
      );
    this.cooldownMs = options.cooldownSeconds * 1000;
    this.quietStart = clockSetting(options.quietStart, (value) =>
      phrase(
        "voicemonkey-announce:errors.quietStart",
        'Check the node\'s settings: quiet hours start "__value__" is not a time of day: use HH:MM, e.g. 22:00',
        { value },
      ),
    );
    this.quietEnd = clockSetting(options.quietEnd, (value) =>
      phrase(
        "voicemonkey-announce:errors.quietEnd",
        'Check the node\'s settings: quiet hours end "__value__" is not a time of day: use HH:MM, e.g. 22:00',
        { value },
      ),
    );
    if ((this.quietStart === undefined) !== (this.quietEnd === undefined))
      throw settingsError(
        phrase(
          "voicemonkey-announce:errors.quietPair",
          "Check the node's settings: quiet hours need both a start and an end (HH:MM), or neither",
        ),
      );
    this.holdQuiet = options.holdQuiet;
    this.timeZone = options.timeZone ?? hostTimeZone();
    this.maxPerDay = options.maxPerDay;
  }

  /** The key cooldowns are kept under: the device and the text, ignoring case and spacing. */
  static key(device: string, text: string): string {
    return `${device}\u0000${text.trim().replace(/\s+/g, " ").toLowerCase()}`;
  }

  get hasQuietHours(): boolean {
    return this.quietStart !== undefined && this.quietEnd !== undefined && this.quietStart !== this.quietEnd;
  }

  /** "22:00–07:00", or "" without quiet hours. */
  describeQuietHours(): string {
    if (!this.hasQuietHours) return "";
    return `${formatClockTime(this.quietStart!)}–${formatClockTime(this.quietEnd!)}`;
  }

  isQuiet(now: number): boolean {
    return this.hasQuietHours && inWindow(minuteOfDay(now, this.timeZone), this.quietStart!, this.quietEnd!);
  }

  /** When the quiet hours that contain `now` end. */
  quietEndsAt(now: number): number {
    return nextLocalTime(now, this.quietEnd!, this.timeZone);
  }

  /** Whether `text` for `device` may be spoken at `now`; does not record anything. */
  decide(device: string, text: string, now: number): Decision {
    this.rollDay(now);
    if (this.isQuiet(now)) {
      const until = this.quietEndsAt(now);
      return this.holdQuiet ? { action: "hold", until } : { action: "drop", reason: "quiet-hours", until };
    }
    const last = this.lastSpoken.get(AnnouncePolicy.key(device, text));
    if (last !== undefined && this.cooldownMs > 0 && now - last < this.cooldownMs)
      return { action: "drop", reason: "cooldown", until: last + this.cooldownMs };
    if (this.maxPerDay > 0 && this.count >= this.maxPerDay)
      return { action: "drop", reason: "daily-limit", until: nextLocalTime(now, 0, this.timeZone) };
    return { action: "send" };
  }

  /** Records an announcement the service accepted. */
  recordSent(device: string, text: string, at: number): void {
    this.rollDay(at);
    this.count++;
    this.lastSpoken.set(AnnouncePolicy.key(device, text), at);
    this.prune(at);
  }

  countToday(now: number): number {
    this.rollDay(now);
    return this.count;
  }

  snapshot(): PolicyState {
    return { day: this.day, countToday: this.count, lastSpoken: Object.fromEntries(this.lastSpoken) };
  }

  /** Takes over a snapshot, e.g. from node context after a redeploy; ignores anything malformed. */
  restore(state: unknown, now: number): void {
    if (!state || typeof state !== "object") return;
    const s = state as Partial<PolicyState>;
    if (typeof s.day === "string" && typeof s.countToday === "number" && s.countToday >= 0) {
      this.day = s.day;
      this.count = s.countToday;
    }
    if (s.lastSpoken && typeof s.lastSpoken === "object") {
      for (const [k, v] of Object.entries(s.lastSpoken)) if (typeof v === "number") this.lastSpoken.set(k, v);
    }
    this.rollDay(now);
    this.prune(now);
  }

  private rollDay(now: number): void {
    const today = localDay(now, this.timeZone);
    if (today !== this.day) {
      this.day = today;
      this.count = 0;
    }
  }

  /** Forgets texts whose cooldown is over, so a stream of distinct texts cannot grow the map forever. */
  private prune(now: number): void {
    for (const [k, at] of this.lastSpoken) if (now - at >= this.cooldownMs) this.lastSpoken.delete(k);
  }
}

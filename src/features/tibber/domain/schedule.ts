import { addDays, atLocalTime, localDateKey, startOfLocalDay } from "../../../shared/time/calendar";

/**
 * When to ask Tibber for prices: once per local day for today (or not at all when yesterday's fetch
 * already brought today as "tomorrow"), then from 13:00 local every 15 minutes until tomorrow's prices
 * are published. The day-ahead auction closes about 12:45 CET and Tibber often publishes much later, so
 * the polling runs until 21:00; after that tomorrow's prices come with the first fetch after midnight.
 * Worst case (never published): 1 + 33 calls a day per home and resolution.
 */

export const TOMORROW_POLL = {
  /** Local wall time the polling starts, minutes after midnight. */
  fromMinutes: 13 * 60,
  /** Last poll at this local time. */
  untilMinutes: 21 * 60,
  everyMs: 15 * 60_000,
} as const;

/** A timer that fires a moment early must not skip a poll: polls this close to due count as due. */
const EARLY_SLACK_MS = 1_000;

export interface RefreshState {
  nowMs: number;
  timeZone: string;
  /** Local date of the cached "today", when anything is cached. */
  todayKey?: string;
  /** The cached "tomorrow" covers the whole next local day. */
  tomorrowComplete: boolean;
  /** Last time a fetch was tried (successful or not). */
  lastAttemptMs?: number;
  /** After a failure or a rate-limit ban: no call before this instant. */
  retryAtMs?: number;
  /** Spreads the 13:00 start so every installation does not call at the same second. */
  jitterMs?: number;
}

export interface RefreshPlan {
  due: boolean;
  /** When the plan should be looked at again (a node wakes up then); epoch ms. */
  nextAtMs: number;
  reason: "no-data" | "tomorrow" | "backoff" | "idle";
}

export function planRefresh(state: RefreshState): RefreshPlan {
  const { nowMs, timeZone } = state;
  const today = localDateKey(nowMs, timeZone);
  const midnight = startOfLocalDay(addDays(today, 1), timeZone);
  if (state.retryAtMs !== undefined && nowMs < state.retryAtMs - EARLY_SLACK_MS) {
    return { due: false, nextAtMs: state.retryAtMs, reason: "backoff" };
  }
  if (state.todayKey !== today) return { due: true, nextAtMs: nowMs, reason: "no-data" };
  if (state.tomorrowComplete) return { due: false, nextAtMs: midnight, reason: "idle" };

  const from = atLocalTime(today, TOMORROW_POLL.fromMinutes, timeZone) + (state.jitterMs ?? 0);
  const until = atLocalTime(today, TOMORROW_POLL.untilMinutes, timeZone) + (state.jitterMs ?? 0);
  if (nowMs < from - EARLY_SLACK_MS) return { due: false, nextAtMs: from, reason: "idle" };
  if (nowMs > until + EARLY_SLACK_MS) {
    // Past the window: tomorrow's prices will come with the first fetch of the new day.
    return { due: false, nextAtMs: midnight, reason: "idle" };
  }
  const last = state.lastAttemptMs;
  // Attempts are aligned to the window's own grid (13:00, 13:15, ...), so a late fetch does not shift them.
  const slotOf = (ms: number): number => Math.floor((ms - from + EARLY_SLACK_MS) / TOMORROW_POLL.everyMs);
  if (last === undefined || last < from - EARLY_SLACK_MS || slotOf(last) < slotOf(nowMs)) {
    return { due: true, nextAtMs: nowMs, reason: "tomorrow" };
  }
  const next = from + (slotOf(nowMs) + 1) * TOMORROW_POLL.everyMs;
  return { due: false, nextAtMs: next > until + EARLY_SLACK_MS ? midnight : next, reason: "idle" };
}

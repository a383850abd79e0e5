import { addDays, atLocalTime, localDateKey, startOfLocalDay } from "../../../shared/time/calendar";

/**
 * When to ask Tibber for prices: once per local day for today (or not at all when yesterday's fetch
 * already brought today as "tomorrow"), then from 13:00 local every 15 minutes until tomorrow's prices
 * are published. The day-ahead auction closes about 12:45 CET and Tibber often publishes much later, so
 * the polling runs until 21:00; after that tomorrow's prices come with the first fetch after midnight.
 * Worst case (never published): 1 + 33 calls a day per home and resolution.
 *
 * A day Tibber sent no 15-minute prices for (hourly prices stand in, evcc-io/evcc#29947) is retried
 * every 15 minutes, all through the polling window and outside it while the day's calls stay within
 * DAILY_CALL_CAP with the window's polls still reserved: worst case (empty all day, tomorrow never
 * published) 1 + 6 early retries + 33 window polls = 40 calls.
 */

/** Calls per home and resolution a local day may take at most, retries of a missing 15-minute day included. */
export const DAILY_CALL_CAP = 40;

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
  /** Today's 15-minute prices are missing (hourly ones stand in): retry every 15 minutes within the cap. */
  degraded?: boolean;
  /** Calls made for this home and resolution on the current local day. */
  callsToday?: number;
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
  const from = atLocalTime(today, TOMORROW_POLL.fromMinutes, timeZone) + (state.jitterMs ?? 0);
  const until = atLocalTime(today, TOMORROW_POLL.untilMinutes, timeZone) + (state.jitterMs ?? 0);
  if (state.degraded && (nowMs < from - EARLY_SLACK_MS || nowMs > until + EARLY_SLACK_MS)) {
    return degradedRetry(state, from, until, midnight);
  }
  if (state.tomorrowComplete && !state.degraded) return { due: false, nextAtMs: midnight, reason: "idle" };

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

/** Polls of the window (13:00 … 21:00 every 15 minutes) still ahead of `nowMs`. */
function windowPollsLeft(nowMs: number, from: number, until: number): number {
  if (nowMs > until) return 0;
  const first = Math.max(from, nowMs);
  return Math.floor((until - first) / TOMORROW_POLL.everyMs) + 1;
}

/** Outside the window, a missing 15-minute day is retried every 15 minutes while the cap allows it. */
function degradedRetry(state: RefreshState, from: number, until: number, midnight: number): RefreshPlan {
  const { nowMs } = state;
  const calls = state.callsToday ?? 0;
  const fits = calls + 1 + windowPollsLeft(nowMs, from, until) <= DAILY_CALL_CAP;
  const after = nowMs < from ? from : midnight;
  if (!fits) return { due: false, nextAtMs: after, reason: "idle" };
  const next = (state.lastAttemptMs ?? -Infinity) + TOMORROW_POLL.everyMs;
  if (nowMs >= next - EARLY_SLACK_MS) return { due: true, nextAtMs: nowMs, reason: "tomorrow" };
  return { due: false, nextAtMs: Math.min(next, after), reason: "idle" };
}

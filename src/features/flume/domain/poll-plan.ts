/**
 * How often the flume-flow nodes of one account may poll so that, together, they stay within the
 * account's call budget. Each node costs per hour: one flow call per interval, and when it follows
 * Flume's alerts the notifications list once per alert period (at least five minutes; one fetch serves
 * the whole account) and `leaks/active` once per leak-state period (half an hour). Flume posts a "Flume
 * Smart Leak Alert" notification when it detects a leak (reference A7), so the notifications see a new
 * leak within one alert period; `leaks/active` is asked every alert period only while a leak is raised or
 * announced (to see it end), and otherwise every half hour, for a leak state without a notification.
 * With the defaults that is 60 + 12 + 2 = 74 calls an hour while all is quiet, 84 while a leak lasts.
 * When the sum is above what the budget leaves for polling, every interval and period is multiplied by
 * the same factor, which divides the cost by exactly that factor.
 */

export interface PollDemand {
  /** Configured time between polls, ms; 0 = only on input (not planned). */
  intervalMs: number;
  useFlumeAlerts: boolean;
}

/** Share of the budget kept free for device look-ups, usage queries and messages sent by hand. */
export const BUDGET_RESERVE = 0.1;

/** How often `leaks/active` is asked while no leak is raised or announced. */
export const LEAK_STATE_PERIOD_MS = 30 * 60_000;

export function alertPeriodMs(intervalMs: number, minAlertPeriodMs: number): number {
  return Math.max(intervalMs, minAlertPeriodMs);
}

/** Time between `leaks/active` calls of a quiet sensor. */
export function leakStatePeriodMs(intervalMs: number, minAlertPeriodMs: number): number {
  return Math.max(alertPeriodMs(intervalMs, minAlertPeriodMs), LEAK_STATE_PERIOD_MS);
}

/** Calls per budget window the demands need at their configured intervals, while no leak is followed. */
export function plannedCalls(demands: PollDemand[], windowMs: number, minAlertPeriodMs: number): number {
  let calls = 0;
  let shortestAlertPeriod = Number.POSITIVE_INFINITY;
  for (const d of demands) {
    if (!(d.intervalMs > 0)) continue;
    calls += windowMs / d.intervalMs;
    if (d.useFlumeAlerts) {
      calls += windowMs / leakStatePeriodMs(d.intervalMs, minAlertPeriodMs);
      shortestAlertPeriod = Math.min(shortestAlertPeriod, alertPeriodMs(d.intervalMs, minAlertPeriodMs));
    }
  }
  if (Number.isFinite(shortestAlertPeriod)) calls += windowMs / shortestAlertPeriod;
  return calls;
}

export interface PollPlan {
  /** 1 when everything fits; above 1, how much every interval is stretched. */
  factor: number;
  /** Calls per window at the configured intervals. */
  wanted: number;
  /** Calls per window the budget leaves for polling. */
  available: number;
}

export function planPolling(
  demands: PollDemand[],
  budgetPerWindow: number,
  windowMs: number,
  minAlertPeriodMs: number,
): PollPlan {
  const wanted = plannedCalls(demands, windowMs, minAlertPeriodMs);
  const available = Math.max(1, Math.floor(budgetPerWindow * (1 - BUDGET_RESERVE)));
  return { factor: wanted > available ? wanted / available : 1, wanted, available };
}

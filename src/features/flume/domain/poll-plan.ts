/**
 * How often the flume-flow nodes of one account may poll so that, together, they stay within the
 * account's call budget. Each node costs per hour: one flow call per interval, and when it follows
 * Flume's alerts one `leaks/active` call per alert period (at least five minutes); the notifications
 * list is fetched once per period for the whole account. When the sum is above what the budget leaves
 * for polling, every interval and alert period is multiplied by the same factor, which divides the
 * cost by exactly that factor.
 */

export interface PollDemand {
  /** Configured time between polls, ms; 0 = only on input (not planned). */
  intervalMs: number;
  useFlumeAlerts: boolean;
}

/** Share of the budget kept free for device look-ups, usage queries and messages sent by hand. */
export const BUDGET_RESERVE = 0.1;

export function alertPeriodMs(intervalMs: number, minAlertPeriodMs: number): number {
  return Math.max(intervalMs, minAlertPeriodMs);
}

/** Calls per budget window the demands need at their configured intervals. */
export function plannedCalls(demands: PollDemand[], windowMs: number, minAlertPeriodMs: number): number {
  let calls = 0;
  let shortestAlertPeriod = Number.POSITIVE_INFINITY;
  for (const d of demands) {
    if (!(d.intervalMs > 0)) continue;
    calls += windowMs / d.intervalMs;
    if (d.useFlumeAlerts) {
      const period = alertPeriodMs(d.intervalMs, minAlertPeriodMs);
      calls += windowMs / period;
      shortestAlertPeriod = Math.min(shortestAlertPeriod, period);
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

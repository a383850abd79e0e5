/**
 * Flume's own alerts, turned into states that are raised once and cleared once. Peers get this wrong
 * both ways: leaks seen only after the notification was read, and sensors that never clear until the
 * notification is deleted in the app (reference A7, A9). The rules here:
 *
 * - Leak: raised while `leaks/active` says so, or while an unread "Flume Smart Leak Alert" notification
 *   is fresh (under a day old) and newer than the last time we saw `leaks/active` turn off. So a leak
 *   clears when Flume's leak state clears, or when the user reads the notification where there is no
 *   leak state to follow.
 * - High flow: raised by an unread, fresh "High Flow Alert"; cleared when it is read or when the water
 *   stops (seen on a later poll than the one that raised it). A cleared notification never raises again.
 */

export interface AlertNotification {
  id: number;
  deviceId?: string;
  ruleName?: string;
  read: boolean;
  /** Epoch ms (from ISO `created_datetime`); NaN when unknown. */
  createdAt: number;
}

export const LEAK_RULE_NAME = "Flume Smart Leak Alert";
export const HIGH_FLOW_RULE_NAME = "High Flow Alert";
/** Unread notifications older than this are stale history, not a current alert. */
export const NOTIFICATION_FRESH_MS = 24 * 3_600_000;

export interface FlumeSignalState {
  leakActive?: boolean;
  /** Last time `leaks/active` was seen turning from on to off. */
  leakClearedAt: number;
  /** Notifications of this device, as last fetched. */
  notifications: AlertNotification[];
  leak: { raised: boolean; since?: number };
  highFlow: { raised: boolean; since?: number; clearedAt: number };
}

export interface FlumeObservation {
  at: number;
  /** `leaks/active`, when it was asked this time. */
  leakActive?: boolean;
  /** Unread notifications of the account, when they were asked this time. */
  notifications?: AlertNotification[];
  /** Whether water runs now (from the current flow). */
  flowActive?: boolean;
}

export interface FlumeEvent {
  type: "leak" | "leak-cleared" | "high-flow" | "high-flow-cleared";
  since: number;
}

export const initialFlumeState = (): FlumeSignalState => ({
  leakClearedAt: Number.NEGATIVE_INFINITY,
  notifications: [],
  leak: { raised: false },
  highFlow: { raised: false, clearedAt: Number.NEGATIVE_INFINITY },
});

export function stepFlume(
  previous: FlumeSignalState,
  obs: FlumeObservation,
  deviceId: string,
): { state: FlumeSignalState; events: FlumeEvent[] } {
  const state: FlumeSignalState = {
    ...previous,
    leak: { ...previous.leak },
    highFlow: { ...previous.highFlow },
  };
  const events: FlumeEvent[] = [];
  if (obs.notifications) state.notifications = obs.notifications.filter((n) => !n.deviceId || n.deviceId === deviceId);
  if (obs.leakActive !== undefined) {
    if (previous.leakActive === true && !obs.leakActive) {
      // The clear covers every leak notification known at this moment, however close in time.
      const known = state.notifications.filter((n) => n.ruleName === LEAK_RULE_NAME).map((n) => n.createdAt);
      state.leakClearedAt = Math.max(obs.at, ...known.filter(Number.isFinite));
    }
    state.leakActive = obs.leakActive;
  }

  const fresh = (n: AlertNotification, rule: string, after: number): boolean =>
    !n.read && n.ruleName === rule && n.createdAt > after && obs.at - n.createdAt < NOTIFICATION_FRESH_MS;

  const leakNotes = state.notifications.filter((n) => fresh(n, LEAK_RULE_NAME, state.leakClearedAt));
  const leakNow = state.leakActive === true || leakNotes.length > 0;
  if (leakNow && !state.leak.raised) {
    const since = Math.min(obs.at, ...leakNotes.map((n) => n.createdAt));
    state.leak = { raised: true, since };
    events.push({ type: "leak", since });
  } else if (!leakNow && state.leak.raised) {
    events.push({ type: "leak-cleared", since: state.leak.since ?? obs.at });
    state.leak = { raised: false };
  }

  let highNotes = state.notifications.filter((n) => fresh(n, HIGH_FLOW_RULE_NAME, state.highFlow.clearedAt));
  if (state.highFlow.raised && obs.flowActive === false) {
    // The water stopped: the high flow is over even though the notification stays unread.
    state.highFlow.clearedAt = Math.max(obs.at, ...highNotes.map((n) => n.createdAt));
    highNotes = [];
  }
  const highNow = highNotes.length > 0;
  if (highNow && !state.highFlow.raised) {
    const since = Math.min(obs.at, ...highNotes.map((n) => n.createdAt));
    state.highFlow = { raised: true, since, clearedAt: state.highFlow.clearedAt };
    events.push({ type: "high-flow", since });
  } else if (!highNow && state.highFlow.raised) {
    events.push({ type: "high-flow-cleared", since: state.highFlow.since ?? obs.at });
    state.highFlow = {
      raised: false,
      clearedAt: Math.max(state.highFlow.clearedAt, ...highNotes.map((n) => n.createdAt)),
    };
  }
  return { state, events };
}

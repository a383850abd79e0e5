/**
 * Our own leak rule: water at or above `threshold` (per minute, in the node's unit) without a break for
 * `minutes` raises one leak; the first reading below the threshold clears it once. Time comes from the
 * readings themselves, so the rule measures what the meter saw, not when we happened to ask.
 */

export interface RuleSettings {
  /** Flow per minute at or above which water counts as running; 0 or less turns the rule off. */
  threshold: number;
  minutes: number;
}

export interface RuleState {
  /** When the current uninterrupted run at or above the threshold began (epoch ms). */
  runningSince?: number;
  raised: boolean;
}

export interface RuleEvent {
  type: "leak" | "leak-cleared";
  /** When the run began. */
  since: number;
  /** How long it has run (leak) or ran (cleared), ms. */
  durationMs: number;
}

export const initialRuleState = (): RuleState => ({ raised: false });

export function stepRule(
  state: RuleState,
  sample: { flowRate: number; at: number },
  settings: RuleSettings,
): { state: RuleState; event?: RuleEvent } {
  const enabled = settings.threshold > 0 && settings.minutes >= 0;
  const running = enabled && sample.flowRate >= settings.threshold;
  if (running) {
    const since = state.runningSince ?? sample.at;
    const durationMs = Math.max(0, sample.at - since);
    if (!state.raised && durationMs >= settings.minutes * 60_000) {
      return { state: { runningSince: since, raised: true }, event: { type: "leak", since, durationMs } };
    }
    return { state: { runningSince: since, raised: state.raised } };
  }
  if (state.raised) {
    const since = state.runningSince ?? sample.at;
    return {
      state: { raised: false },
      event: { type: "leak-cleared", since, durationMs: Math.max(0, sample.at - since) },
    };
  }
  return { state: { raised: false } };
}

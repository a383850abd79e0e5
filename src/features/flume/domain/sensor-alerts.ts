import { initialRuleState, stepRule, type RuleSettings, type RuleState } from "./leak-rule";
import { initialFlumeState, stepFlume, type AlertNotification, type FlumeSignalState } from "./flume-signals";
import { alertSentence, type AlertSource, type AlertType, type FlowUnit } from "./sentence";

/**
 * Everything one sensor's alerts depend on, combined: our leak rule on each reading, and Flume's own
 * signals when they were fetched. Returns the alerts to send, each only when its state changes.
 */

export interface SensorState {
  rule: RuleState;
  flume: FlumeSignalState;
}

export const initialSensorState = (): SensorState => ({ rule: initialRuleState(), flume: initialFlumeState() });

export interface SensorReading {
  deviceId: string;
  /** Flow per minute in `unit`. */
  flowRate: number;
  flowActive: boolean;
  /** Time of the reading, epoch ms. */
  at: number;
  /** Flume's signals, when they were fetched for this reading. */
  leakActive?: boolean;
  notifications?: AlertNotification[];
}

export interface SensorAlert {
  type: AlertType;
  source: AlertSource;
  deviceId: string;
  flowRate: number;
  /** ISO time the condition began. */
  since: string;
  message: string;
}

export interface SensorSettings {
  rule: RuleSettings;
  useFlumeAlerts: boolean;
  unit: FlowUnit;
}

export function observeSensor(
  state: SensorState,
  reading: SensorReading,
  settings: SensorSettings,
): { state: SensorState; alerts: SensorAlert[] } {
  const alerts: SensorAlert[] = [];
  const alert = (type: AlertType, source: AlertSource, since: number, durationMs: number): void => {
    alerts.push({
      type,
      source,
      deviceId: reading.deviceId,
      flowRate: reading.flowRate,
      since: new Date(since).toISOString(),
      message: alertSentence(type, source, reading.flowRate, settings.unit, durationMs),
    });
  };
  const ruled = stepRule(state.rule, { flowRate: reading.flowRate, at: reading.at }, settings.rule);
  if (ruled.event) alert(ruled.event.type, "rule", ruled.event.since, ruled.event.durationMs);
  let flume = state.flume;
  if (settings.useFlumeAlerts) {
    const stepped = stepFlume(
      state.flume,
      {
        at: reading.at,
        leakActive: reading.leakActive,
        notifications: reading.notifications,
        flowActive: reading.flowActive,
      },
      reading.deviceId,
    );
    flume = stepped.state;
    for (const e of stepped.events) alert(e.type, "flume", e.since, reading.at - e.since);
  }
  return { state: { rule: ruled.state, flume }, alerts };
}

/** What is raised now, for the status line: a leak wins over a high flow. */
export function sensorCondition(state: SensorState): "leak" | "high flow" | undefined {
  if (state.rule.raised || state.flume.leak.raised) return "leak";
  if (state.flume.highFlow.raised) return "high flow";
  return undefined;
}

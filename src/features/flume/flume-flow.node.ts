import type { FlumeConfig } from "./account-config";
import type { SensorAlert } from "./domain";
import { noAccount, SensorPoller, usageQueryOf, type FlowSettings, type PollStatus } from "./sensor-poller";
import type { Phrase } from "../../shared/errors";
import { defineNode, type NodeKit } from "../../runtime/kernel";
import { typedTarget } from "../../runtime/account";
import { numberProp, textProp, typedProp, type TypedProp } from "../../shared/props";
import { clock } from "../../runtime/status";
import type { NodeAPI, NodeMessage } from "../../runtime/types";

/**
 * Polls one Flume sensor: output 1 is the current flow on every poll, output 2 an alert only when a
 * leak or high flow starts or ends (our rule, or Flume's own signals). A message in triggers a poll, or
 * with `payload.usage` a usage query. All nodes of one account share its client and call budget.
 */

interface Settings extends FlowSettings {
  /** The flume-config node's id. */
  flume: string;
  /** Where the sensor comes from: the text (also in `device`), a message, the context or the environment. */
  target: TypedProp;
}

type Kit = NodeKit<Settings, Record<string, never>>;
type Send = (msg: Array<NodeMessage | NodeMessage[] | null>) => void;

function show(kit: Kit, status: PollStatus): void {
  if (status.kind === "stretched") kit.status.waiting(kit.t("status.budget", { at: clock(new Date(status.nextAt)) }));
  // A raised leak stays visible between alerts.
  else if (status.kind === "raised") {
    const key = status.condition === "leak" ? "status.leak" : "status.highFlow";
    kit.status.attention(kit.t(key, { value: status.value, time: clock(new Date(kit.now())) }));
  } else kit.status.ok(status.value, kit.now());
}

const alertMessages = (alerts: SensorAlert[]) => alerts.map((a) => ({ topic: a.type, payload: a }));

const flumeFlow = defineNode<Settings>({
  type: "flume-flow",
  settings: (config) => ({
    flume: textProp(config.flume),
    target: typedProp(config.device, config.deviceType),
    device: typedProp(config.device, config.deviceType).type === "str" ? textProp(config.device).trim() : "",
    intervalMs: Math.max(0, numberProp(config.interval, 60)) * 1000,
    unit: config.unit === "L" ? "L" : "gal",
    rule: { threshold: numberProp(config.leakThreshold, 0.1), minutes: numberProp(config.leakMinutes, 120) },
    useFlumeAlerts: config.useFlumeAlerts !== false && config.useFlumeAlerts !== "false",
  }),
  start(kit) {
    const config = kit.configNode<FlumeConfig>(kit.settings.flume);
    if (!config) throw noAccount();
    // A redeploy carries the alert state and the polling times over, so it costs no call (kernel node state).
    const say = (p: Phrase) => kit.t(p.key, p.vars);
    const poller = new SensorPoller(config.account, kit.settings, () => kit.now(), kit.state.get("poller"), say);
    const keep = () => kit.state.set("poller", poller.carry());

    /** Output 1 at once, then the changed alerts on output 2, then the status line. */
    async function poll(deviceId: string | undefined, signal: AbortSignal, send: Send, msg?: NodeMessage) {
      const { alerts, status } = await poller.poll(deviceId, signal, (reading) =>
        send([Object.assign(msg ?? {}, reading), null]),
      );
      if (alerts.length > 0) send([null, alertMessages(alerts)]);
      show(kit, status);
    }

    const timer = kit.every(async (signal) => {
      try {
        await poll(await typedTarget(kit, kit.settings.target), signal, (m) => kit.send(m));
        return poller.scheduled(poller.nextPollMs());
      } catch (err) {
        const held = poller.heldBy(err);
        if (!held) {
          poller.scheduled(poller.nextPollMs()); // the poller retries after one interval
          throw err;
        }
        const at = clock(new Date(held.nextAt));
        if (held.what !== "login refused")
          kit.status.waiting(kit.t(held.what === "rate budget" ? "status.budget" : "status.rateLimited", { at }));
        // Refused credentials reach Catch once per episode; until they work again, the status says when.
        else {
          if (held.firstRefusal) kit.fail(err);
          kit.status.error(kit.t("status.loginHeld", { at }));
        }
        return poller.scheduled(held.waitMs);
      } finally {
        keep();
      }
    });

    if (poller.register(kit.id)) {
      config.notePlanChanged();
      timer.start(poller.nextPollMs(), poller.firstPollMs());
    } else {
      kit.status.idle(kit.t("status.pollsOnInput"));
    }

    return {
      input: async (msg, send) => {
        const deviceId = typeof msg.device === "string" ? msg.device : await typedTarget(kit, kit.settings.target, msg);
        const query = usageQueryOf(msg.payload);
        if (!query) return poll(deviceId, kit.signal, send, msg);
        const { batch, count, bucket } = await poller.usage(query, deviceId, kit.signal);
        Object.assign(msg, batch);
        kit.status.ok(kit.t("status.usage", { count, bucket }), kit.now());
        send([msg, null]);
      },
      close: (removed) => {
        if (!removed) keep(); // input polls changed the alert state too
        poller.unregister(kit.id);
      },
    };
  },
});

export = function (RED: NodeAPI): void {
  flumeFlow(RED);
};

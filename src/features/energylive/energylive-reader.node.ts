import { normalizeDeviceUid } from "./client";
import { energyLiveDevicesLookup } from "./energylive-lookup";
import { startLiveStream, type EnergyLiveStream } from "./live-stream";
import { EnergyLiveReader, KeyRefusals, pollingTooFast, uidMissing, type ReadResult } from "./reader";
import { checkText } from "../../shared/bounds";
import type { Phrase } from "../../shared/errors";
import { defineNode, type NodeKit } from "../../runtime/kernel";
import { useAccount, type AccountSettings } from "../../runtime/account";
import { registerLookup } from "../../runtime/lookup";
import { numberProp, textProp } from "../../shared/props";
import { clock } from "../../runtime/status";
import type { NodeAPI } from "../../runtime/types";

/** Reads an energyLIVE smart-meter interface: polled every `interval` seconds, or on input. */

interface Settings extends AccountSettings {
  deviceUid: string;
  /** Seconds between polls; 0 = only on input. */
  intervalS: number;
  onlyNew: boolean;
  timeoutMs: number;
  /** Poll `/latest`, or keep the SSE live stream open (polling only when the stream is refused). */
  mode: "poll" | "live";
}

type Credentials = { apiKey: string };

function show(kit: NodeKit<Settings, Credentials>, result: ReadResult): void {
  for (const skipped of result.skipped) kit.warnOnce(skipped.key, skipped.text);
  const s = result.status;
  if (s.kind === "ok") kit.status.ok(s.power, s.at);
  else if (s.kind === "stale") kit.status.waiting(kit.t("status.stale", { at: clock(new Date(s.since)) }));
  else kit.status.waiting(kit.t("status.noMeasurements", { uid: s.uid, at: clock() }));
}

const energyLiveReader = defineNode<Settings, Credentials>({
  type: "energylive-reader",
  credentials: { apiKey: { type: "password" } },
  settings: (config) => ({
    account: textProp(config.account),
    deviceUid: textProp(config.deviceUid),
    baseUrl: textProp(config.baseUrl),
    intervalS: Math.max(0, numberProp(config.interval, 300)),
    onlyNew: config.onlyNew !== false,
    timeoutMs: numberProp(config.timeout, 15) * 1000,
    mode: config.mode === "live" ? "live" : "poll",
  }),
  start(kit) {
    const { settings } = kit;
    const say = (p: Phrase) => kit.t(p.key, p.vars);
    const { credentials, baseUrl } = useAccount(kit, "energylive-account", { baseUrl: settings.baseUrl });
    const keyed = { ...settings, baseUrl, apiKey: credentials.apiKey ?? "" };
    const reader = new EnergyLiveReader({ ...keyed, say });
    const read = async (uid: string) => {
      const result = await reader.read(uid, kit.signal, (err, ms) => kit.retrying(err, ms), kit.now());
      show(kit, result);
      return result.output;
    };

    const startPolling = (): void => {
      let uid: string | undefined;
      let problem = reader.problem;
      try {
        uid = normalizeDeviceUid(settings.deviceUid);
      } catch (err) {
        problem ??= err as Error;
      }
      if (problem || !uid) {
        kit.fail(problem ?? uidMissing());
      } else {
        const tooFast = pollingTooFast(settings.intervalS, say);
        if (tooFast) kit.warn(tooFast);
        const pollUid = uid;
        const refusals = new KeyRefusals(settings.intervalS, say);
        const poller = kit.every(async () => {
          let output;
          try {
            output = await read(pollUid);
          } catch (err) {
            const refused = refusals.failed(err);
            if (!refused) throw err;
            if (refused.first) kit.fail(err);
            kit.status.error(refused.status);
            return refused.retryMs;
          }
          if (refusals.succeeded()) kit.log(kit.t("log.keyAccepted"));
          if (output) kit.send({ ...output });
          return undefined;
        });
        kit.status.idle(kit.t("status.starting"));
        poller.start(settings.intervalS * 1000);
      }
    };
    let stream: EnergyLiveStream | undefined;
    if (settings.mode === "live" && !reader.problem) {
      const options = { ...keyed, deviceUid: normalizeDeviceUid(settings.deviceUid) };
      stream = startLiveStream({ ...options, timings: kit.runtimeSetting("energyliveStream") }, kit, startPolling);
    } else if (settings.intervalS > 0) startPolling();
    else if (reader.problem) kit.status.failed(reader.problem);
    else kit.status.idle(kit.t("status.readsOnInput"));

    return {
      input: async (msg, send) => {
        const output = await read(normalizeDeviceUid(checkText(msg.deviceUid, "deviceUid") ?? settings.deviceUid));
        if (output) send(Object.assign(msg, output));
      },
      close: () => stream?.stop(),
    };
  },
});

export = function (RED: NodeAPI): void {
  energyLiveReader(RED);
  registerLookup(RED, energyLiveDevicesLookup("energylive-reader", "/energylive-reader/devices"));
};

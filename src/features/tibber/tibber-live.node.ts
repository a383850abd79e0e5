import { resolveBaseUrl } from "../../shared/base-url";
import { TIBBER_ENV, TIBBER_URL } from "./client/client";
import { DEFAULT_LIVE_TIMINGS, type LiveState, type LiveTimings } from "./live/connection";
import { findLiveHome } from "./live/home";
import { toLiveReading } from "./live/measurement";
import { subscribeLive, type LiveHandle } from "./live/registry";
import { LiveThrottle, type ThrottleMode } from "./live/throttle";
import { defineNode, type NodeKit } from "../../runtime/kernel";
import { typedTarget, useAccount, type AccountSettings } from "../../runtime/account";
import { numberProp, textProp, typedProp, type TypedProp } from "../../shared/props";
import type { NodeAPI } from "../../runtime/types";

/**
 * Tibber Pulse / Watty in real time: one message per `liveMeasurement` (or at most one per N seconds),
 * as a `tibber_live` reading. The socket is shared by every node on the same token and home.
 */

/** `account`: the tibber-account node; a 0.1.0 node has its token (and base URL) itself. */
interface Settings extends AccountSettings {
  /** No input, so no `msg`: the text, flow / global context or an environment variable, read at deploy. */
  home: TypedProp;
  /** At most one message per this many ms of measurement time; 0 = every measurement. */
  everyMs: number;
  mode: ThrottleMode;
  silentMs: number;
}

type Credentials = { token: string };
/** Node state: the home id found for this account and choice. */
const HOMES_KEY = "tibber-live-home";
type Kit = NodeKit<Settings, Credentials>;

function showState(kit: Kit, s: LiveState): void {
  if (s.kind === "connecting") kit.status.idle(kit.t("status.connecting"));
  else if (s.kind === "live") kit.status.ok(kit.t("status.live"));
  else if (s.kind === "reconnecting") {
    const inS = Math.max(1, Math.round((s.atMs - kit.now()) / 1000));
    const reason = kit.t(s.said.key, s.said.vars, s.reason).slice(0, 40);
    kit.status.waiting(kit.t("status.reconnecting", { seconds: inS, reason }));
  } else kit.fail(s.error);
}

const tibberLive = defineNode<Settings, Credentials>({
  type: "tibber-live",
  credentials: { token: { type: "password" } },
  settings: (config) => ({
    account: textProp(config.account),
    baseUrl: textProp(config.baseUrl),
    home: typedProp(config.home, config.homeType, ["str", "flow", "global", "env"]),
    everyMs: Math.max(0, numberProp(config.every, 0)) * 1000,
    mode: config.everyMode === "average" ? "average" : "last",
    silentMs: Math.max(10, numberProp(config.silence, 90)) * 1000,
  }),
  start(kit) {
    const { settings } = kit;
    const access = useAccount(kit, "tibber-account", { baseUrl: settings.baseUrl });
    const baseUrl = resolveBaseUrl(access.baseUrl, TIBBER_ENV, TIBBER_URL);
    const token = access.credentials.token?.trim();
    if (!token) {
      kit.status.error(kit.t("tibber-prices:status.noToken"));
      return;
    }
    // settings.js `tibberLive: {...}` may tune the reconnect timings (tests and the soak use short ones).
    const timings: LiveTimings = {
      ...DEFAULT_LIVE_TIMINGS,
      silentMs: settings.silentMs,
      ...kit.runtimeSetting<LiveTimings>("tibberLive"),
    };
    const throttle = new LiveThrottle(settings.everyMs, settings.mode);
    let handle: LiveHandle | undefined;
    const emit = (readings: ReturnType<LiveThrottle["flush"]>) => {
      for (const r of readings) {
        kit.send({ ...r });
        const power = r.payload.power;
        kit.status.ok(
          typeof power === "number" ? kit.t("status.livePower", { power }) : kit.t("status.live"),
          r.timestamp,
        );
      }
    };
    kit.status.idle(kit.t("status.findingHome"));
    kit.run(async (signal) => {
      const wanted = (await typedTarget(kit, settings.home)) ?? "";
      const retry = { retries: 5, baseMs: timings.baseMs, maxMs: timings.maxMs, maxRetryAfterMs: 0 };
      const request = { baseUrl, token, wanted, retry, signal, onRetry: kit.retrying.bind(kit) };
      const homeId = await findLiveHome(request, {
        get: (key) => kit.state.get<Record<string, string>>(HOMES_KEY)?.[key],
        set: (key, id) => kit.state.set(HOMES_KEY, { [key]: id }),
      });
      if (kit.closed) return;
      handle = subscribeLive(
        baseUrl,
        token,
        homeId,
        {
          measurement: (raw) => {
            const r = toLiveReading(homeId, raw);
            if (r) emit(throttle.push(r));
            else kit.warnOnce("no-timestamp", kit.t("warnings.noTimestamp"));
          },
          state: (s) => {
            if (s.kind !== "live") emit(throttle.flush());
            showState(kit, s);
          },
        },
        timings,
      );
    });
    return { close: () => handle?.release() };
  },
});

export = function (RED: NodeAPI): void {
  tibberLive(RED);
};

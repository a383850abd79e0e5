import { resolveBaseUrl } from "../../shared/base-url";
import { withRetry } from "../../shared/retry";
import { TibberClient, TIBBER_ENV, TIBBER_URL } from "./client/client";
import { DEFAULT_LIVE_TIMINGS, type LiveState, type LiveTimings } from "./live/connection";
import { resolveLiveHome } from "./live/home";
import { toLiveReading } from "./live/measurement";
import { subscribeLive, type LiveHandle } from "./live/registry";
import { LiveThrottle, type ThrottleMode } from "./live/throttle";
import { defineNode, type NodeKit } from "../../runtime/kernel";
import { typedTarget, useAccount, type AccountSettings } from "../../runtime/account";
import { numberProp, textProp, typedProp, type TypedProp } from "../../shared/props";
import { shortReason } from "../../runtime/status";
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
type Kit = NodeKit<Settings, Credentials>;

function showState(kit: Kit, s: LiveState): void {
  if (s.kind === "connecting") kit.status.idle(kit.t("status.connecting"));
  else if (s.kind === "live") kit.status.ok("live");
  else if (s.kind === "reconnecting") {
    const inS = Math.max(1, Math.round((s.atMs - kit.now()) / 1000));
    kit.status.waiting(kit.t("status.reconnecting", { seconds: inS, reason: s.reason.slice(0, 40) }));
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
        kit.status.ok(typeof power === "number" ? `live · ${power} W` : "live", r.timestamp);
      }
    };
    kit.status.idle(kit.t("status.findingHome"));
    kit.run(async (signal) => {
      const client = new TibberClient({ baseUrl, token });
      const wanted = await typedTarget(kit, settings.home);
      const homeId = await withRetry(
        () => resolveLiveHome(client, wanted ?? "", signal),
        { retries: 5, baseMs: timings.baseMs, maxMs: timings.maxMs, maxRetryAfterMs: 0 },
        {
          signal,
          onRetry: (err, delayMs) =>
            kit.status.waiting(
              kit.t("shared.status.retrying", {
                seconds: Math.max(1, Math.round(delayMs / 1000)),
                reason: shortReason(err),
              }),
            ),
        },
      );
      if (kit.closed) return;
      handle = subscribeLive(
        baseUrl,
        token,
        homeId,
        {
          measurement: (raw) => {
            const r = toLiveReading(homeId, raw);
            if (r) emit(throttle.push(r));
            else kit.warnOnce("no-timestamp", "Tibber sent a live measurement without a usable timestamp; skipped.");
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

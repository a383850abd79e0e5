import { resolveBaseUrl } from "../../shared/base-url";
import { checkText } from "../../shared/bounds";
import { TIBBER_ENV, TIBBER_URL } from "./client/client";
import { acquireAccount, releaseAccount } from "./client/price-feed";
import type { Resolution } from "./domain/slots";
import { PricesService, type PricesStatus } from "./prices-service";
import { tibberHomesLookup } from "./tibber-lookup";
import { defineNode, type NodeKit } from "../../runtime/kernel";
import { typedTarget, useAccount, type AccountSettings } from "../../runtime/account";
import { perDay } from "../../runtime/health";
import { registerLookup } from "../../runtime/lookup";
import { numberProp, textProp, typedProp, type TypedProp } from "../../shared/props";
import { clock } from "../../runtime/status";
import type { NodeAPI } from "../../runtime/types";

/**
 * Tibber prices for one home: the summary on output 1, each price slot and consumption hour once on
 * output 2; on input, by itself at every price change, or both.
 */

/** `account`: the tibber-account node; a 0.1.0 node has its token (and base URL) itself. */
interface Settings extends AccountSettings {
  home: TypedProp;
  resolution: Resolution;
  /** Emit on input only, by itself on every change, or both. */
  emit: "input" | "change" | "both";
  cheapestMinutes: number;
  contiguous: boolean;
  consumptionHours: number;
  consumptionDaily: boolean;
}

type Credentials = { token: string };
type Kit = NodeKit<Settings, Credentials>;

function show(kit: Kit, s: PricesStatus): void {
  if (s.kind === "price" && s.bannedUntil !== undefined)
    kit.status.waiting(kit.t("status.priceBanned", { price: s.price, at: clock(new Date(s.bannedUntil)) }));
  else if (s.kind === "price") kit.status.ok(s.price, s.at);
  else if (s.kind === "consumption") kit.status.ok(kit.t("status.consumption", { hours: s.hours }), s.at);
  else if (s.kind === "rate-limited") kit.status.waiting(kit.t("status.rateLimited", { at: clock(new Date(s.until)) }));
  else kit.status.failed(s.error);
}

const tibberPrices = defineNode<Settings, Credentials>({
  type: "tibber-prices",
  credentials: { token: { type: "password" } },
  settings: (config) => ({
    account: textProp(config.account),
    baseUrl: textProp(config.baseUrl),
    home: typedProp(config.home, config.homeType),
    resolution: config.resolution === "QUARTER_HOURLY" ? "QUARTER_HOURLY" : "HOURLY",
    emit: config.emit === "input" || config.emit === "change" ? config.emit : "both",
    cheapestMinutes: Math.max(0, numberProp(config.cheapestMinutes, 0)),
    contiguous: config.cheapestContiguous !== false,
    consumptionHours: Math.min(744, Math.max(1, numberProp(config.consumptionHours, 48))),
    consumptionDaily: Boolean(config.consumptionDaily),
  }),
  start(kit) {
    const { settings } = kit;
    const access = useAccount(kit, "tibber-account", { baseUrl: settings.baseUrl });
    const token = access.credentials.token?.trim();
    // One account per token and base URL, shared by every node that uses it: one cache, one IP budget.
    const account = token ? acquireAccount(resolveBaseUrl(access.baseUrl, TIBBER_ENV, TIBBER_URL), token) : undefined;
    if (!account) kit.status.error(kit.t("status.noToken"));
    else {
      const callsToday = perDay(
        () => account.calls,
        () => kit.now(),
      );
      kit.facts(() => ({ tibberCallsToday: callsToday() }));
    }
    const showError = (err: Error) => show(kit, prices.failureStatus(err));
    const prices = new PricesService(
      account,
      {
        home: (msg) => typedTarget(kit, settings.home, msg),
        resolution: settings.resolution,
        cheapest: { minutes: settings.cheapestMinutes, contiguous: settings.contiguous },
        consumptionHours: settings.consumptionHours,
        consumptionDaily: settings.consumptionDaily,
      },
      {
        signal: kit.signal,
        now: () => kit.now(),
        send: (outputs) => kit.send(outputs),
        show: (status) => show(kit, status),
        warnOnce: (key, text) => kit.warnOnce(key, text),
        say: (p) => kit.t(p.key, p.vars),
        fail: (err) => kit.fail(err, undefined, showError),
        after: (ms, work) => void kit.after(ms, work),
      },
    );
    if (account && settings.emit !== "input") prices.start();

    return {
      input: async (msg, send) => {
        checkText(msg.topic, "topic"); // kept on output 1
        const outputs = await prices.input(msg);
        if (outputs) send(outputs);
      },
      showError,
      close: () => {
        if (account) releaseAccount(account);
      },
    };
  },
});

export = function (RED: NodeAPI): void {
  tibberPrices(RED);
  registerLookup(RED, tibberHomesLookup("tibber-prices", "/tibber-prices/homes"));
};

import { budgetOf, FlumeConfig } from "./account-config";
import { FLUME_API, type FlumeAccount, type FlumeCredentials } from "./client";
import { FLUME_ENV, flumeDevicesLookup } from "./flume-lookup";
import { resolveBaseUrl } from "../../shared/base-url";
import { isValidTimeZone } from "../../shared/time/zone";
import { defineNode } from "../../runtime/kernel";
import { registerLookup } from "../../runtime/lookup";
import { numberProp, textProp } from "../../shared/props";
import type { NodeAPI } from "../../runtime/types";

/**
 * The Flume account: credentials, base URL and call budget. Its feature is the FlumeConfig (the one
 * FlumeAccount every flume-flow node of this account shares, and the plan-changed warning); it also
 * serves the editor's sensor picker.
 */

interface Settings {
  baseUrl: string;
  budget: number;
  /** Test-only: how much faster than real time budgets and intervals run (1 in flows). */
  timeScale: number;
  /** The home's time zone when Flume's devices and locations give none (blank: Flume's own). */
  timeZone: string;
}

/** The deployed config nodes' accounts, so the sensor picker can share their token and budget. */
const accounts = new WeakMap<object, FlumeAccount>();

const flumeConfig = defineNode<Settings, FlumeCredentials>({
  type: "flume-config",
  credentials: {
    clientId: { type: "password" },
    clientSecret: { type: "password" },
    username: { type: "text" },
    password: { type: "password" },
  },
  settings: (config) => ({
    baseUrl: resolveBaseUrl(textProp(config.baseUrl), FLUME_ENV, FLUME_API),
    budget: budgetOf(numberProp(config.budget, 100)),
    timeScale: numberProp(config.timeScale, 1),
    timeZone: textProp(config.timezone).trim(),
  }),
  start(kit) {
    const { timeZone } = kit.settings;
    if (timeZone && !isValidTimeZone(timeZone)) {
      kit.warn(kit.t("warn.badTimeZone", { zone: timeZone }));
    }
    const feature = new FlumeConfig(
      {
        ...kit.settings,
        timeZone: timeZone && isValidTimeZone(timeZone) ? timeZone : undefined,
        credentials: kit.credentials,
      },
      {
        defer: (work) => void kit.after(0, work),
        warn: (text) => kit.warn(text),
        say: (p) => kit.t(p.key, p.vars),
      },
    );
    accounts.set(kit.node, feature.account);
    const budget = feature.account.client.budget;
    kit.facts(() => ({ flumeCallsThisHour: budget.used(), flumeBudgetPerHour: budget.limit }));
    return { feature };
  },
});

export = function (RED: NodeAPI): void {
  flumeConfig(RED);
  registerLookup(
    RED,
    flumeDevicesLookup((deployed) => (typeof deployed === "object" && deployed ? accounts.get(deployed) : undefined)),
  );
};

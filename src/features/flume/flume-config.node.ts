import { resolveBaseUrl } from "../../shared/base-url";
import { FLUME_API, FlumeAccount, type FlumeCredentials } from "./client";
import { FLUME_ENV, flumeDevicesLookup } from "./flume-lookup";
import { registerLookup } from "../../runtime/lookup";
import { numberProp } from "../../runtime/props";
import type { Node, NodeAPI, NodeDef } from "../../runtime/types";

/**
 * The Flume account: credentials, base URL and call budget. It owns the one FlumeAccount (client,
 * token, budget, device list, polling plan) that every flume-flow node of this account shares, and it
 * serves the editor's sensor picker.
 */

interface FlumeConfigDef extends NodeDef {
  baseUrl?: string;
  budget?: string | number;
  /** Test-only: how much faster than real time budgets and intervals run (1 in flows). */
  timeScale?: string | number;
}

interface FlumeConfigCredentials {
  clientId?: string;
  clientSecret?: string;
  username?: string;
  password?: string;
}

interface FlumeConfigNode extends Node<FlumeConfigCredentials> {
  account: FlumeAccount;
  /** Says once, when the nodes of this account are first slowed down to fit the budget. */
  notePlanChanged(): void;
}

function credentialsOf(c: FlumeConfigCredentials | undefined): FlumeCredentials {
  return {
    clientId: c?.clientId ?? "",
    clientSecret: c?.clientSecret ?? "",
    username: c?.username ?? "",
    password: c?.password ?? "",
  };
}

export = function (RED: NodeAPI): void {
  function FlumeConfig(this: FlumeConfigNode, config: FlumeConfigDef): void {
    RED.nodes.createNode(this, config);
    const budget = Math.min(120, Math.max(1, Math.round(numberProp(config.budget, 100))));
    this.account = new FlumeAccount({
      baseUrl: resolveBaseUrl(config.baseUrl, FLUME_ENV, FLUME_API),
      credentials: credentialsOf(this.credentials),
      budgetPerHour: budget,
      timeScale: numberProp(config.timeScale, 1),
    });

    let warned = false;
    let pending: NodeJS.Timeout | undefined;
    // Deferred so that every node of a deploy has registered before the plan is judged.
    this.notePlanChanged = () => {
      if (pending || warned) return;
      pending = setTimeout(() => {
        pending = undefined;
        const plan = this.account.plan();
        if (plan.factor <= 1 || warned) return;
        warned = true;
        this.warn(
          `The Flume nodes of this account would make ${Math.round(plan.wanted)} calls an hour, more than the ${plan.available} the budget of ${budget} leaves for polling; every poll is spaced ${plan.factor.toFixed(1)}× further apart to stay within it. Set longer intervals, or raise the budget (Flume allows 120 an hour).`,
        );
      }, 0);
    };
    this.on("close", (_removed: boolean, done: () => void) => {
      if (pending) clearTimeout(pending);
      done();
    });
  }

  RED.nodes.registerType<FlumeConfigNode, FlumeConfigDef, unknown, FlumeConfigCredentials>(
    "flume-config",
    FlumeConfig,
    {
      credentials: {
        clientId: { type: "password" },
        clientSecret: { type: "password" },
        username: { type: "text" },
        password: { type: "password" },
      },
    },
  );

  registerLookup(RED, flumeDevicesLookup);
};

import { FlumeAccount, type FlumeCredentials } from "./client";
import type { PollPlan } from "./domain";
import { english, phrase, type Phrase } from "../../shared/errors";

/**
 * What a flume-config node shares with the flume-flow nodes of its account: the one FlumeAccount
 * (client, token, budget, device list, polling plan) and the warning, said once, that the account's
 * nodes are slowed down to fit the budget.
 */

export interface AccountOptions {
  baseUrl: string;
  credentials: Partial<FlumeCredentials>;
  /** Calls per hour for this account's nodes, 1 … 120. */
  budget: number;
  /** Test-only: how much faster than real time budgets and intervals run (1 in flows). */
  timeScale: number;
  /** The home's IANA zone, for accounts whose devices and locations carry none; blank = ask Flume. */
  timeZone?: string;
}

export interface ConfigHooks {
  /** Runs `work` once the current deploy has started every node. */
  defer(work: () => void): void;
  warn(text: string): void;
  /** Says a phrase in the runtime's language; English without one. */
  say?(p: Phrase): string;
}

export class FlumeConfig {
  readonly account: FlumeAccount;
  private warned = false;
  private pending = false;

  constructor(
    private readonly options: AccountOptions,
    private readonly hooks: ConfigHooks,
  ) {
    const c = options.credentials;
    this.account = new FlumeAccount({
      baseUrl: options.baseUrl,
      credentials: {
        clientId: c.clientId ?? "",
        clientSecret: c.clientSecret ?? "",
        username: c.username ?? "",
        password: c.password ?? "",
      },
      budgetPerHour: options.budget,
      timeScale: options.timeScale,
      timeZone: options.timeZone,
    });
    // A deploy of the account node is the user's "try again" for credentials Flume refused.
    this.account.client.retryLogin();
  }

  /** A node joined the polling plan: says once if the account's nodes are now slowed down. */
  notePlanChanged(): void {
    if (this.pending || this.warned) return;
    this.pending = true;
    // Deferred so that every node of a deploy has registered before the plan is judged.
    this.hooks.defer(() => {
      this.pending = false;
      const say = this.hooks.say ? (p: Phrase) => this.hooks.say!(p) : english;
      const text = planWarning(this.account.plan(), this.options.budget, say);
      if (!text || this.warned) return;
      this.warned = true;
      this.hooks.warn(text);
    });
  }
}

/** The sentence for a plan stretched beyond the budget; undefined while the polls fit. */
export function planWarning(plan: PollPlan, budget: number, say: (p: Phrase) => string = english): string | undefined {
  if (plan.factor <= 1) return undefined;
  return say(
    phrase(
      "flume-config:warn.planStretched",
      "The Flume nodes of this account would make __wanted__ calls an hour, more than the __available__ the budget of __budget__ leaves for polling; every poll is spaced __factor__× further apart to stay within it. Set longer intervals, or raise the budget (Flume allows 120 an hour).",
      { wanted: Math.round(plan.wanted), available: plan.available, budget, factor: plan.factor.toFixed(1) },
    ),
  );
}

/** The budget field as the editor stores it, kept within Flume's 120 calls an hour. */
export function budgetOf(value: number): number {
  return Math.min(120, Math.max(1, Math.round(value)));
}

import type { Request, Response } from "express";
import { resolveBaseUrl } from "../../shared/base-url";
import { FLUME_API, FlumeAccount, type Device, type FlumeCredentials } from "./client";
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

const PLACEHOLDER = "__PWRD__";
const FLUME_ENV = "FLUME_BASE_URL";

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

  // The editor's sensor picker. GET uses the deployed account; POST carries what is typed in a dialog
  // that may not be deployed yet, where untouched secret fields arrive as the __PWRD__ placeholder.
  const permission = RED.auth.needsPermission("flume-config.read");
  RED.httpAdmin.get("/flume-config/:id/devices", permission, (req: Request<{ id: string }>, res: Response) => {
    const deployed = RED.nodes.getNode(req.params.id) as FlumeConfigNode | null;
    const account = deployed?.account ?? accountFromForm(req.params.id, {});
    void answerDevices(account, res);
  });
  RED.httpAdmin.post("/flume-config/:id/devices", permission, (req: Request<{ id: string }>, res: Response) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    void answerDevices(accountFromForm(req.params.id, form), res);
  });

  function accountFromForm(id: string, form: Record<string, unknown>): FlumeAccount {
    const stored = credentialsOf(RED.nodes.getCredentials(id));
    const pick = (name: keyof FlumeCredentials): string => {
      const typed = form[name];
      return typeof typed === "string" && typed !== "" && typed !== PLACEHOLDER ? typed : stored[name];
    };
    const deployed = RED.nodes.getNode(id) as FlumeConfigNode | null;
    const credentials: FlumeCredentials = {
      clientId: pick("clientId"),
      clientSecret: pick("clientSecret"),
      username: pick("username"),
      password: pick("password"),
    };
    const baseUrl = resolveBaseUrl(typeof form.baseUrl === "string" ? form.baseUrl : undefined, FLUME_ENV, FLUME_API);
    // Unchanged settings of a deployed account: reuse it, so the look-up shares its token and budget.
    if (deployed && sameCredentials(credentials, stored) && deployed.account.client.baseUrl === baseUrl) {
      return deployed.account;
    }
    return new FlumeAccount({ baseUrl, credentials });
  }

  async function answerDevices(account: FlumeAccount, res: Response): Promise<void> {
    try {
      const sensors = await account.sensors(undefined, true);
      res.json({ devices: sensors.map(describe) });
    } catch (err) {
      // Our error messages never carry a credential, so they are safe to show in the dialog.
      const status = (err as { code?: string }).code === "AUTH" ? 401 : 502;
      res.status(status).json({ error: err instanceof Error ? err.message : String(err) });
    }
  }
};

function sameCredentials(a: FlumeCredentials, b: FlumeCredentials): boolean {
  return (
    a.clientId === b.clientId &&
    a.clientSecret === b.clientSecret &&
    a.username === b.username &&
    a.password === b.password
  );
}

function describe(d: Device): { id: string; label: string; location?: string; connected?: boolean } {
  const where = d.location?.name;
  return {
    id: d.id,
    label: `${where ? `${where} · ` : ""}sensor …${d.id.slice(-4)}${d.connected === false ? " (offline)" : ""}`,
    location: where,
    connected: d.connected,
  };
}

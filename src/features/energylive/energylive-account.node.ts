import { energyLiveDevicesLookup } from "./energylive-lookup";
import { defineNode } from "../../runtime/kernel";
import { accountFeature } from "../../runtime/account";
import { registerLookup } from "../../runtime/lookup";
import { textProp } from "../../shared/props";
import type { NodeAPI } from "../../runtime/types";

/**
 * Config node `energylive-account`: one energyLIVE API key and base URL, named by every energylive-reader
 * node, so the readers of several interfaces share one key. Its dialog lists the key's device UIDs.
 */

const energyLiveAccount = defineNode<{ baseUrl: string }, { apiKey: string }>({
  type: "energylive-account",
  credentials: { apiKey: { type: "password" } },
  settings: (config) => ({ baseUrl: textProp(config.baseUrl).trim() }),
  start: (kit) => ({ feature: accountFeature(kit) }),
});

export = function (RED: NodeAPI): void {
  energyLiveAccount(RED);
  registerLookup(RED, energyLiveDevicesLookup("energylive-account", "/energylive-account/:id/devices"));
};

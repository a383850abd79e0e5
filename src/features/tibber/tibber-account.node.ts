import { tibberHomesLookup } from "./tibber-lookup";
import { defineNode } from "../../runtime/kernel";
import { accountFeature } from "../../runtime/account";
import { registerLookup } from "../../runtime/lookup";
import { textProp } from "../../shared/props";
import type { NodeAPI } from "../../runtime/types";

/**
 * Config node `tibber-account`: one Tibber token and base URL, named by every tibber-prices and tibber-live
 * node of that account, so two nodes no longer mean pasting the token twice. Its dialog's "find homes"
 * asks Tibber with the token typed there (deployed or not).
 */

const tibberAccount = defineNode<{ baseUrl: string }, { token: string }>({
  type: "tibber-account",
  credentials: { token: { type: "password" } },
  settings: (config) => ({ baseUrl: textProp(config.baseUrl).trim() }),
  start: (kit) => ({ feature: accountFeature(kit) }),
});

export = function (RED: NodeAPI): void {
  tibberAccount(RED);
  registerLookup(RED, tibberHomesLookup("tibber-account", "/tibber-account/:id/homes"));
};

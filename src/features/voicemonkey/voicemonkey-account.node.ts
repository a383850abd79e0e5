import { isApiVersion } from "./client";
import { voiceMonkeyDevicesLookup } from "./voicemonkey-lookup";
import type { AnnounceSettings } from "./announcer";
import { defineNode } from "../../runtime/kernel";
import { accountFeature } from "../../runtime/account";
import { registerLookup } from "../../runtime/lookup";
import { textProp } from "../../shared/props";
import type { NodeAPI } from "../../runtime/types";

/**
 * Config node `voicemonkey-account`: one VoiceMonkey token with its API version and base URL, named by
 * every voicemonkey-announce node, so two Alexa nodes share one token. Its dialog lists the devices.
 */

const voiceMonkeyAccount = defineNode<{ apiVersion: "v2" | "v3"; baseUrl: string }, { token: string }>({
  type: "voicemonkey-account",
  credentials: { token: { type: "password" } },
  settings: (config) => ({
    apiVersion: isApiVersion(config.apiVersion) ? config.apiVersion : "v3",
    baseUrl: textProp(config.baseUrl).trim(),
  }),
  start: (kit) => ({ feature: accountFeature(kit) }),
});

export = function (RED: NodeAPI): void {
  voiceMonkeyAccount(RED);
  const timing = (RED.settings as unknown as { voicemonkeyAnnounce?: AnnounceSettings }).voicemonkeyAnnounce;
  registerLookup(
    RED,
    voiceMonkeyDevicesLookup(() => timing?.timeoutMs, "voicemonkey-account", "/voicemonkey-account/:id/devices"),
  );
};

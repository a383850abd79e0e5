import { resolveBaseUrl } from "../../shared/base-url";
import type { Lookup } from "../../shared/lookup";
import { BASE_URL_ENV, DEFAULT_BASE_URLS, VoiceMonkeyClient, isApiVersion, type ApiVersion } from "./client";

const apiVersionOf = (value: string): ApiVersion => (isApiVersion(value) ? value : "v3");

/**
 * The editor's device picker: the account's devices, speakers first (only they can announce).
 * `timeoutMs` reads the `voicemonkeyAnnounce.timeoutMs` setting at call time. Served for the
 * voicemonkey-account node and, for 0.1.0 nodes that still hold their own token, for voicemonkey-announce.
 */
export function voiceMonkeyDevicesLookup(
  timeoutMs: () => number | undefined,
  type = "voicemonkey-announce",
  path = "/voicemonkey-announce/devices",
): Lookup {
  return {
    type,
    path,
    service: "VoiceMonkey",
    settings: ["apiVersion", "baseUrl"],
    secrets: ["token"],
    // The default URL depends on the API version, so a changed version is a changed URL.
    baseUrl: (s) => resolveBaseUrl(s.baseUrl, BASE_URL_ENV, DEFAULT_BASE_URLS[apiVersionOf(s.apiVersion)]),
    async run({ settings, secrets, baseUrl, signal }) {
      const client = new VoiceMonkeyClient({
        apiVersion: apiVersionOf(settings.apiVersion),
        token: secrets.token,
        baseUrl,
        timeoutMs: timeoutMs() ?? 10_000,
      });
      const devices = await client.devices(signal);
      devices.sort((a, b) => Number(b.capability === "speakers") - Number(a.capability === "speakers"));
      return { devices };
    },
  };
}

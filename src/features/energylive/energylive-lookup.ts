import { resolveBaseUrl } from "../../shared/base-url";
import type { Lookup } from "../../shared/lookup";
import { DEFAULT_RETRY } from "../../shared/retry";
import { ENERGYLIVE_BASE_URL, ENERGYLIVE_BASE_URL_ENV, EnergyLiveClient } from "./client";

/**
 * The editor's "list devices" button: the device UIDs of the account's API key, for the energylive-account
 * node and, for 0.1.0 readers that still hold their own key, for energylive-reader.
 */
export const energyLiveDevicesLookup = (type: string, path: string): Lookup => ({
  type,
  path,
  service: "energyLIVE",
  settings: ["baseUrl"],
  secrets: ["apiKey"],
  baseUrl: (s) => resolveBaseUrl(s.baseUrl, ENERGYLIVE_BASE_URL_ENV, ENERGYLIVE_BASE_URL),
  async run({ baseUrl, secrets, signal }) {
    const client = new EnergyLiveClient({
      apiKey: secrets.apiKey,
      baseUrl,
      timeoutMs: 10_000,
      retry: { ...DEFAULT_RETRY, retries: 0 },
    });
    return { devices: await client.listDevices({ signal }) };
  },
});

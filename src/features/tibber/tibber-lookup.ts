import { resolveBaseUrl } from "../../shared/base-url";
import type { Lookup } from "../../shared/lookup";
import { TibberClient, TIBBER_ENV, TIBBER_URL } from "./client/client";

/**
 * The editor's "find homes" button: the account's homes, by id and name, for the dialog's token (or the
 * node's stored one, under the look-up policy). One try, no retries: the user is waiting. Served for the
 * tibber-account node and, for 0.1.0 nodes that still hold their own token, for tibber-prices.
 */
export const tibberHomesLookup = (type: string, path: string): Lookup => ({
  type,
  path,
  service: "Tibber",
  settings: ["baseUrl"],
  secrets: ["token"],
  baseUrl: (s) => resolveBaseUrl(s.baseUrl, TIBBER_ENV, TIBBER_URL),
  async run({ baseUrl, secrets, signal }) {
    const client = new TibberClient({
      baseUrl,
      token: secrets.token,
      retry: { retries: 0, baseMs: 1, maxMs: 1, maxRetryAfterMs: 0 },
    });
    const homes = await client.homes(signal);
    return {
      homes: homes.map((h) => ({
        id: h.id,
        nickname: h.nickname,
        address: h.address1,
        hasContract: h.hasSubscription,
      })),
    };
  },
});

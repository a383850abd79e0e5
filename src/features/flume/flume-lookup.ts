import { resolveBaseUrl } from "../../shared/base-url";
import type { Lookup } from "../../shared/lookup";
import { FLUME_API, FlumeAccount, type Device } from "./client";

export const FLUME_ENV = "FLUME_BASE_URL";

/**
 * The editor's sensor picker (account dialog and flume-flow). With the deployed account's own URL and
 * credentials it asks that account (`accountOf` finds it for the deployed node), so the look-up shares
 * its token and call budget.
 */
export const flumeDevicesLookup = (accountOf: (deployed: unknown) => FlumeAccount | undefined): Lookup => ({
  type: "flume-config",
  path: "/flume-config/:id/devices",
  service: "Flume",
  settings: ["baseUrl"],
  secrets: ["clientId", "clientSecret", "username", "password"],
  baseUrl: (s) => resolveBaseUrl(s.baseUrl, FLUME_ENV, FLUME_API),
  async run({ baseUrl, secrets, deployed, signal }) {
    const account =
      (deployed !== undefined ? accountOf(deployed) : undefined) ??
      new FlumeAccount({
        baseUrl,
        credentials: {
          clientId: secrets.clientId,
          clientSecret: secrets.clientSecret,
          username: secrets.username,
          password: secrets.password,
        },
      });
    // Pressing the button is the user's "try again", also for credentials the account holds back.
    account.client.retryLogin();
    const sensors = await account.sensors(signal, true);
    return { devices: sensors.map(describe) };
  },
});

function describe(d: Device): { id: string; label: string; location?: string; connected?: boolean } {
  const where = d.location?.name;
  return {
    id: d.id,
    label: `${where ? `${where} · ` : ""}sensor …${d.id.slice(-4)}${d.connected === false ? " (offline)" : ""}`,
    location: where,
    connected: d.connected,
  };
}

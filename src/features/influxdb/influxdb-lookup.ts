import type { Lookup } from "../../shared/lookup";
import { InfluxConnection } from "./client/client";

/** The https options of a deployed `tls-config` node by id, as the config node itself uses them. */
export type TlsOptionsOf = (id: string) => Record<string, unknown>;

/** What the editor's config-node picker sends for "none" or "add new…". */
const NO_TLS = new Set(["", "_ADD_"]);

/**
 * "Test connection" in the meter-influxdb dialog: server reachable, token and bucket accepted, over the
 * TLS configuration the dialog selected (so a self-signed server tests as the node will write to it).
 * The probe write is unparseable on purpose, so InfluxDB stores nothing.
 */
export function influxTestLookup(tlsOptionsOf: TlsOptionsOf): Lookup {
  return {
    type: "meter-influxdb",
    path: "/meter-influxdb/test",
    service: "InfluxDB",
    settings: ["url", "org", "bucket", "tls"],
    secrets: ["token"],
    optional: ["token"],
    baseUrl: (s) => s.url.trim().replace(/\/+$/, ""),
    async run({ settings, secrets, baseUrl, signal }) {
      const tls = NO_TLS.has(settings.tls) ? undefined : tlsOptionsOf(settings.tls);
      const connection = new InfluxConnection({
        url: baseUrl,
        org: settings.org,
        token: secrets.token,
        timeoutMs: 5000,
        tls,
      });
      return connection.check(settings.bucket, signal);
    },
  };
}

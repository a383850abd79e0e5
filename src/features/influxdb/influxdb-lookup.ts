import type { Lookup } from "../../shared/lookup";
import { InfluxConnection } from "./client/client";

/**
 * "Test connection" in the meter-influxdb dialog: server reachable, token and bucket accepted. The probe
 * write is unparseable on purpose, so InfluxDB stores nothing.
 */
export const influxTestLookup: Lookup = {
  type: "meter-influxdb",
  path: "/meter-influxdb/test",
  service: "InfluxDB",
  settings: ["url", "org", "bucket"],
  secrets: ["token"],
  optional: ["token"],
  baseUrl: (s) => s.url.trim().replace(/\/+$/, ""),
  async run({ settings, secrets, baseUrl, signal }) {
    const connection = new InfluxConnection({ url: baseUrl, org: settings.org, token: secrets.token, timeoutMs: 5000 });
    return connection.check(settings.bucket, signal);
  },
};

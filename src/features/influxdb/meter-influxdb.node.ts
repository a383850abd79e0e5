import { InfluxConnection } from "./client/client";
import { influxTestLookup } from "./influxdb-lookup";
import { missingUrlPhrase, type InfluxServer } from "./server";
import { defineNode } from "../../runtime/kernel";
import { registerLookup } from "../../runtime/lookup";
import { textProp } from "../../shared/props";
import { phrase, ValidationError } from "../../shared/errors";
import type { NodeAPI } from "../../runtime/types";

/**
 * Config node `meter-influxdb`: one InfluxDB server (URL, org, default bucket, token) and the one
 * connection every writer using it shares. `${ENV}` works in every field (Node-RED substitutes
 * whole-value `${X}` properties and credentials before the node starts).
 */

interface Settings {
  url: string;
  org: string;
  bucket: string;
  /** A core `tls-config` node, for https servers with their own CA or client certificates. */
  tls: string;
}

type Credentials = { token: string };

const meterInfluxdb = defineNode<Settings, Credentials>({
  type: "meter-influxdb",
  credentials: { token: { type: "password" } },
  settings: (config) => ({
    url: textProp(config.url),
    org: textProp(config.org),
    bucket: textProp(config.bucket).trim(),
    tls: textProp(config.tls),
  }),
  start(kit) {
    const server: InfluxServer = { bucket: kit.settings.bucket, missingUrl: missingUrl(kit.settings.url) };
    if (server.missingUrl) {
      server.setupError = new ValidationError(missingUrlPhrase(server.missingUrl));
      return { feature: server };
    }
    try {
      const tls = kit.tlsOptions(kit.settings.tls);
      server.connection = new InfluxConnection({ ...kit.settings, token: kit.credentials.token, tls });
    } catch (err) {
      server.setupError = err instanceof Error ? err : new Error(String(err));
    }
    return { feature: server };
  },
});

/** Node-RED leaves a whole-value `${VAR}` as it is when it has no such variable. */
function missingUrl(url: string): { variable?: string } | undefined {
  const unset = /^\$\{([^}]+)\}$/.exec(url.trim());
  if (unset) return { variable: unset[1] };
  return url.trim() ? undefined : {};
}

/** A deployed tls-config node's options, as `kit.tlsOptions` gives them to the node. */
function tlsOptionsOf(RED: NodeAPI, id: string): Record<string, unknown> {
  const tls = RED.nodes.getNode(id) as { addTLSOptions?: (o: object) => Record<string, unknown> } | null;
  if (!tls?.addTLSOptions)
    throw new ValidationError(
      phrase(
        "meter-influxdb:errors.tlsNotDeployed",
        "The TLS configuration __id__ is not deployed yet: deploy it, then test the connection again.",
        { id },
      ),
    );
  return tls.addTLSOptions({});
}

export = function (RED: NodeAPI): void {
  meterInfluxdb(RED);
  registerLookup(
    RED,
    influxTestLookup((id) => tlsOptionsOf(RED, id)),
  );
};

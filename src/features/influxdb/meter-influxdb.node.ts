import type { Request, Response } from "express";
import { InfluxConnection } from "./client/client";
import type { InfluxServer } from "./server";
import { defineNode } from "../../runtime/kernel";
import { textProp } from "../../runtime/props";
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
}

type Credentials = { token: string };

const PASSWORD_PLACEHOLDER = "__PWRD__";

const meterInfluxdb = defineNode<Settings, Credentials>({
  type: "meter-influxdb",
  credentials: { token: { type: "password" } },
  settings: (config) => ({
    url: textProp(config.url),
    org: textProp(config.org),
    bucket: textProp(config.bucket).trim(),
  }),
  start(kit) {
    const server: InfluxServer = { bucket: kit.settings.bucket };
    try {
      server.connection = new InfluxConnection({ ...kit.settings, token: kit.credentials.token });
    } catch (err) {
      server.setupError = err instanceof Error ? err : new Error(String(err));
    }
    return { feature: server };
  },
});

export = function (RED: NodeAPI): void {
  meterInfluxdb(RED);
  registerTestRoute(RED);
};

function registerTestRoute(RED: NodeAPI): void {
  // "Test connection" in the config dialog: works on the values in the form, which may not be deployed yet.
  RED.httpAdmin.post(
    "/meter-influxdb/test",
    RED.auth.needsPermission("meter-influxdb.read"),
    (req: Request, res: Response): void => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const text = (key: string): string => envValue(typeof body[key] === "string" ? body[key] : "");
      let token = typeof body.token === "string" ? body.token : "";
      if (token === PASSWORD_PLACEHOLDER || (token === "" && body.hasToken === true)) {
        // The dialog shows a placeholder for a stored password: use the stored one.
        const id = typeof body.id === "string" ? body.id : "";
        const stored = id ? (RED.nodes.getCredentials(id) as Partial<Credentials> | undefined) : undefined;
        token = stored?.token ?? "";
      }
      token = envValue(token);
      const secret = token;
      const reply = (status: number, result: { ok: boolean; message: string; version?: string }): void => {
        // Never send a secret back, even if a server echoed it in an error.
        const clean = secret ? result.message.split(secret).join("***") : result.message;
        res.status(status).json({ ...result, message: clean });
      };
      let connection: InfluxConnection;
      try {
        connection = new InfluxConnection({ url: text("url"), org: text("org"), token, timeoutMs: 5000 });
      } catch (err) {
        reply(400, { ok: false, message: err instanceof Error ? err.message : String(err) });
        return;
      }
      connection.probe(text("bucket")).then(
        (result) => reply(200, result),
        (err: unknown) => reply(200, { ok: false, message: err instanceof Error ? err.message : String(err) }),
      );
    },
  );
}

/** `${NAME}` as a whole value means the environment variable, as Node-RED does for deployed nodes. */
function envValue(value: string): string {
  const match = /^\$\{(\S+)\}$/.exec(value.trim());
  return match ? (process.env[match[1]] ?? "") : value.trim();
}

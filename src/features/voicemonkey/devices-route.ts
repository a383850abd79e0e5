import type { Request, Response } from "express";
import { VoiceMonkeyClient, isApiVersion, type ApiVersion } from "./client";
import { resolveEnvReference } from "./domain";
import { AuthError, QuotaError, RateLimitError, ValidationError } from "../../shared/errors";
import type { NodeAPI } from "../../runtime/types";

const TYPE = "voicemonkey-announce";
const PASSWORD_PLACEHOLDER = "__PWRD__";

/** Optional `voicemonkeyAnnounce` block of settings.js: how long to sit out a throttling lockout and to wait for an answer. */
export interface AnnounceSettings {
  maxThrottleWaitMs?: number;
  timeoutMs?: number;
  retryDelayMs?: number;
}

/**
 * The editor's device picker: `GET|POST voicemonkey-announce/devices` with `id`, `apiVersion`, `baseUrl`
 * and, when the dialog has a new one, `token`. Without a new token the stored one is used, and then only
 * with the deployed node's own base URL, so nobody can send a stored token to a URL of their choice.
 * The answer never contains the token. Errors use 400/429/502: a 401 would open the editor's login.
 */
export function registerDevicesRoute(RED: NodeAPI): void {
  const settings = (): AnnounceSettings => {
    const s = (RED.settings as unknown as Record<string, unknown>).voicemonkeyAnnounce;
    return s && typeof s === "object" ? s : {};
  };
  const handler = (req: Request, res: Response): void => {
    const params = { ...(req.query as Record<string, unknown>), ...((req.body ?? {}) as Record<string, unknown>) };
    const id = typeof params.id === "string" ? params.id : "";
    const apiVersion: ApiVersion = isApiVersion(params.apiVersion) ? params.apiVersion : "v3";
    let token = typeof params.token === "string" ? params.token.trim() : "";
    let baseUrl = typeof params.baseUrl === "string" ? params.baseUrl : "";
    if (!token || token === PASSWORD_PLACEHOLDER) {
      const deployed = id
        ? (RED.nodes.getNode(id) as { baseUrl?: string; credentials?: { token?: string } } | null)
        : null;
      const stored = id ? (RED.nodes.getCredentials(id) as { token?: string } | undefined) : undefined;
      token = deployed?.credentials?.token || resolveEnvReference(stored?.token);
      baseUrl = deployed?.baseUrl ?? "";
    }
    const secret = token;
    const client = new VoiceMonkeyClient({ apiVersion, token, baseUrl, timeoutMs: settings().timeoutMs ?? 10_000 });
    client.devices().then(
      (devices) => {
        // Speakers first: only they can announce.
        devices.sort((a, b) => Number(b.capability === "speakers") - Number(a.capability === "speakers"));
        res.json({ devices });
      },
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        const status =
          err instanceof RateLimitError || err instanceof QuotaError
            ? 429
            : err instanceof AuthError || err instanceof ValidationError
              ? 400
              : 502;
        res.status(status).json({ error: secret ? message.split(secret).join("***") : message });
      },
    );
  };
  RED.httpAdmin.get(`/${TYPE}/devices`, RED.auth.needsPermission(`${TYPE}.read`), handler);
  RED.httpAdmin.post(`/${TYPE}/devices`, RED.auth.needsPermission(`${TYPE}.read`), handler);
}

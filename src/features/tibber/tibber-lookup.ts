import type { Request, Response } from "express";
import { resolveBaseUrl } from "../../shared/base-url";
import { TibberClient, TIBBER_ENV, TIBBER_URL } from "./client/client";
import type { NodeAPI } from "../../runtime/types";

/**
 * The editor's "find homes" button: lists the account's homes for the token typed into the dialog (or,
 * when the dialog shows the stored-password placeholder, the token saved with the node). Answers carry
 * home ids and names only; the token never goes back to the browser.
 */
export function registerTibberAdminRoutes(RED: NodeAPI): void {
  RED.httpAdmin.post(
    "/tibber-prices/homes",
    RED.auth.needsPermission("tibber-prices.read"),
    (req: Request, res: Response) => {
      void listHomes(RED, req, res);
    },
  );
}

async function listHomes(RED: NodeAPI, req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as { id?: unknown; token?: unknown; baseUrl?: unknown };
  let token = typeof body.token === "string" ? body.token.trim() : "";
  if ((!token || token === "__PWRD__") && typeof body.id === "string") {
    const stored = RED.nodes.getCredentials(body.id) as { token?: string } | undefined;
    token = stored?.token?.trim() ?? "";
  }
  if (!token || token === "__PWRD__") {
    res.status(400).json({ error: "Paste a Tibber token first (developer.tibber.com/settings/access-token)." });
    return;
  }
  const baseUrl = resolveBaseUrl(typeof body.baseUrl === "string" ? body.baseUrl : "", TIBBER_ENV, TIBBER_URL);
  try {
    const client = new TibberClient({ baseUrl, token, retry: { retries: 0, baseMs: 1, maxMs: 1, maxRetryAfterMs: 0 } });
    const homes = await client.homes();
    res.json({
      homes: homes.map((h) => ({
        id: h.id,
        nickname: h.nickname,
        address: h.address1,
        hasContract: h.hasSubscription,
      })),
    });
  } catch (err) {
    const status = (err as { code?: string }).code === "AUTH" ? 401 : 502;
    res.status(status).json({ error: err instanceof Error ? err.message : String(err) });
  }
}

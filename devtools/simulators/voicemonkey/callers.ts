import type { SimRequest } from "../server";
import type { SpokenAnnouncement } from "./options";

/**
 * Where each API generation takes its token from (reference B2, B3): v3 a Bearer header, the body or
 * `token` in the query; v2 a raw `Authorization` header, the body or the query.
 */

export type Generation = "v3" | "v2";

export interface Caller {
  token: string;
  auth: SpokenAnnouncement["auth"];
  params: Record<string, unknown>;
}

export function str(value: unknown): string {
  return typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";
}

/** Query and body parameters together (body wins), without the token. */
function params(req: SimRequest): Record<string, unknown> {
  const out: Record<string, unknown> = Object.fromEntries(req.query);
  if (req.body && typeof req.body === "object") Object.assign(out, req.body as Record<string, unknown>);
  delete out.token;
  return out;
}

function bodyToken(req: SimRequest): string {
  return req.body && typeof req.body === "object" ? str((req.body as Record<string, unknown>).token) : "";
}

export function v3Caller(req: SimRequest): Caller {
  const header = req.headers.authorization ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? "";
  if (bearer) return { token: bearer, auth: "bearer", params: params(req) };
  if (bodyToken(req)) return { token: bodyToken(req), auth: "body", params: params(req) };
  return { token: req.query.get("token") ?? "", auth: "query", params: params(req) };
}

export function v2Token(req: SimRequest): string {
  return v2Caller(req).token;
}

export function v2Caller(req: SimRequest): Caller {
  const header = (req.headers.authorization ?? "").replace(/^Bearer\s+/i, "").trim();
  if (header) return { token: header, auth: "header", params: params(req) };
  if (bodyToken(req)) return { token: bodyToken(req), auth: "body", params: params(req) };
  return { token: req.query.get("token") ?? "", auth: "query", params: params(req) };
}

import type * as http from "node:http";
import type { Route, SimHandler, SimResponse } from "./types";

/** The HTTP plumbing under the simulator server: reading and parsing bodies, writing answers. */

export function matches(path: string, filter: string | RegExp | undefined): boolean {
  if (filter === undefined) return true;
  return typeof filter === "string" ? path === filter || path.endsWith(filter) : filter.test(path);
}

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(""));
  });
}

export function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export function send(res: http.ServerResponse, response: SimResponse): void {
  if (response.stream) {
    res.writeHead(response.status, response.headers);
    response.stream(res);
    return;
  }
  const headers: Record<string, string | number> = { ...response.headers };
  let payload: string | Buffer = "";
  if (Buffer.isBuffer(response.body) || typeof response.body === "string") payload = response.body;
  else if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
      headers["Content-Type"] = "application/json; charset=utf-8";
    }
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** A route's path as a pattern; `:name` segments become parameters. */
export function compileRoute(method: string, path: string, handler: SimHandler): Route {
  const names: string[] = [];
  const source = path
    .split("/")
    .map((part) => {
      if (part.startsWith(":")) {
        names.push(part.slice(1));
        return "([^/]+)";
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { method, pattern: new RegExp(`^${source}/?$`), names, handler };
}

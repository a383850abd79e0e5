import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { sleep } from "../../src/shared/sleep";
import { SimClock } from "./clock";
import { compileRoute, matches, parseBody, readBody, send } from "./server/http";
import type { ActiveFault, Fault, LoggedRequest, Route, SimHandler, SimResponse } from "./server/types";

export type { Fault, LoggedRequest, SimHandler, SimRequest, SimResponse } from "./server/types";

/**
 * The loopback HTTP server every service simulator is built on: routing, a request log with per-path
 * counters, a controllable clock, and fault switches that a test (or the demo) turns on and off.
 * A service subclass adds its routes and says how its own faults look on the wire (envelopes,
 * content types), because a faithful simulator answers a 429 the way that service does.
 */

export abstract class SimulatorServer {
  readonly clock = new SimClock();
  readonly log: LoggedRequest[] = [];
  /** When set, every credential the service knows is refused, as after a revocation. */
  revoked = false;

  private readonly routes: Route[] = [];
  private readonly faults: ActiveFault[] = [];
  private readonly sockets = new Set<Socket>();
  private server: http.Server | undefined;
  private baseUrl = "";

  /** A short name for logs ("flume", "tibber", ...). */
  abstract readonly name: string;

  /** Path prefix the service lives under, e.g. "/api/v1"; the reported URL includes it. */
  protected readonly basePath: string = "";

  get url(): string {
    return this.baseUrl;
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.dispatch(req, res));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, "127.0.0.1", () => resolve());
    });
    const { port: bound } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${bound}${this.basePath}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Turns a fault on for the next `times` matching requests (default: until cleared). */
  inject(fault: Fault): void {
    this.faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clearFaults(): void {
    this.faults.length = 0;
    this.revoked = false;
  }

  /** How many requests reached the server, optionally only those whose path matches. */
  count(path?: string | RegExp, method?: string): number {
    return this.log.filter((r) => matches(r.path, path) && (!method || r.method === method)).length;
  }

  /** Requests counted per path, for a quick look in a failing test. */
  counters(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.log) out[`${r.method} ${r.path}`] = (out[`${r.method} ${r.path}`] ?? 0) + 1;
    return out;
  }

  clearLog(): void {
    this.log.length = 0;
  }

  protected route(method: string, path: string, handler: SimHandler): void {
    this.routes.push(compileRoute(method, this.basePath + path, handler));
  }

  /** How this service answers an HTTP error status it was told to fake. */
  protected faultStatusResponse(status: number): SimResponse {
    return { status, body: { error: http.STATUS_CODES[status] ?? "Error", status } };
  }

  /** How this service answers when rate limited; the base adds the headers. */
  protected rateLimitResponse(retryAfterSeconds: number): SimResponse {
    return {
      status: 429,
      headers: { "Retry-After": retryAfterSeconds },
      body: { error: "Too Many Requests" },
    };
  }

  /** The limit headers a 429 fault carries; services with their own limiter override. */
  protected rateLimitHeaders(retryAfterSeconds: number): Record<string, string | number> {
    return {
      "X-RateLimit-Limit": 120,
      "X-RateLimit-Remaining": 0,
      "X-RateLimit-Reset": Math.ceil(this.clock.now() / 1000) + retryAfterSeconds,
    };
  }

  private takeFault(path: string): Fault | undefined {
    for (let i = 0; i < this.faults.length; i++) {
      const active = this.faults[i];
      if (active.fault.path && !path.includes(active.fault.path)) continue;
      active.remaining--;
      if (active.remaining <= 0) this.faults.splice(i, 1);
      return active.fault;
    }
    return undefined;
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    const rawBody = await readBody(req);
    const entry: LoggedRequest = { method, path: url.pathname, status: 0, at: this.clock.now() };
    // Conformance tests check what third-party clients send as themselves.
    if (typeof req.headers["user-agent"] === "string") entry.userAgent = req.headers["user-agent"];
    const isControl = url.pathname.startsWith("/__sim/");
    if (!isControl) this.log.push(entry);

    let response: SimResponse;
    try {
      const fault = isControl ? undefined : this.takeFault(url.pathname);
      if (fault) entry.fault = fault.kind;
      if (fault?.kind === "hang") return; // the socket stays open until the client gives up or we stop
      if (fault?.kind === "delay") await sleep(fault.ms);
      if (fault?.kind === "status") response = this.faultStatusResponse(fault.status);
      else if (fault?.kind === "rate-limit") {
        response = this.rateLimitResponse(fault.retryAfterSeconds);
        response.headers = { ...this.rateLimitHeaders(fault.retryAfterSeconds), ...response.headers };
      } else if (fault?.kind === "malformed") {
        response = { status: 200, headers: { "Content-Type": "application/json" }, body: '{"data": [ {"broken": ' };
      } else {
        response = await this.handle(method, url, req, rawBody);
      }
    } catch (err) {
      response = { status: 500, body: { error: "simulator failure", message: String(err) } };
    }
    entry.status = response.status;
    if (res.destroyed) return;
    send(res, response);
  }

  private async handle(method: string, url: URL, req: http.IncomingMessage, rawBody: string): Promise<SimResponse> {
    if (url.pathname === "/__sim/requests")
      return { status: 200, body: { requests: this.log, counters: this.counters() } };
    if (url.pathname === "/__sim/faults" && method === "POST") {
      const fault = parseBody(rawBody, req.headers["content-type"]) as Fault;
      this.inject(fault);
      return { status: 204 };
    }
    if (url.pathname === "/__sim/faults" && method === "DELETE") {
      this.clearFaults();
      return { status: 204 };
    }
    let pathKnown = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      pathKnown = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
      return route.handler({
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        params,
        rawBody,
        body: parseBody(rawBody, req.headers["content-type"]),
        ip: req.socket.remoteAddress ?? "127.0.0.1",
      });
    }
    return pathKnown ? this.methodNotAllowed() : this.notFound(url.pathname);
  }

  protected notFound(path: string): SimResponse {
    return { status: 404, body: { error: "Not Found", path } };
  }

  protected methodNotAllowed(): SimResponse {
    return { status: 405, body: { error: "Method Not Allowed" } };
  }
}

import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import type { SimClock } from "../clock";
import type { SimAccount, SimHome } from "./accounts";
import { execute, type GqlObject } from "./graphql/execute";
import { GraphQLFailure, type Operation, parseOperation } from "./graphql/parser";
import { measureAt, newPulse, type PulseState } from "./live-model";

/**
 * Tibber's real-time endpoint on loopback: the `graphql-transport-ws` protocol (graphql-ws PROTOCOL.md:
 * connection_init → connection_ack, subscribe → next… → complete, error, ping/pong, close codes 4400,
 * 4401, 4406, 4408, 4409) with Tibber's own answers: the token in the `connection_init` payload, 4403
 * "Invalid token" (home-assistant/core #168007), 4429 "Too many open connections on this server" at two
 * sockets per token (pyTibber #265, home-assistant/core #140590), "unable to start stream" as a `next`
 * with errors followed by `complete` (evcc #17925), 1001 on a server restart (reference A7).
 */

export const LIVE_PATH = "/v1-beta/gql/subscriptions";
const PROTOCOL = "graphql-transport-ws";

export interface LiveHost {
  readonly clock: SimClock;
  readonly accounts: SimAccount[];
  readonly revoked: boolean;
}

/** One socket as the test sees it afterwards. */
export interface LiveSocketLog {
  userAgent: string | undefined;
  protocol: string;
  openedAt: number;
  acked: boolean;
  closeCode?: number;
  closeReason?: string;
}

interface Subscription {
  operation: Operation;
  variables: Record<string, unknown>;
}

interface Peer {
  ws: WebSocket;
  log: LiveSocketLog;
  account?: SimAccount;
  subs: Map<string, Subscription>;
  timer?: NodeJS.Timeout;
}

export class TibberLiveServer {
  /** How often each subscription gets a measurement; a Pulse sends about every 2 s. */
  intervalMs = 2_000;
  /** Tibber allows two open real-time sockets per token (reference A6). */
  maxSocketsPerToken = 2;
  initTimeoutMs = 10_000;
  /** Fault: sockets stay open and acknowledged, but nothing is sent and pings go unanswered. */
  silent = false;
  /** Fault: the next N `connection_init` are answered with 4429 whatever the count. */
  refuseTooMany = 0;
  /** Fault: the next N `connection_init` are refused with 4403 Invalid token, as for a revoked token. */
  refuseToken = 0;
  /** Fault: the next N subscribes get "unable to start stream" and `complete`. */
  streamErrors = 0;
  /** Fault: the next N measurements are sent twice, as a feed that repeats itself. */
  repeats = 0;
  readonly sockets: LiveSocketLog[] = [];
  /** Measurements sent, over all sockets. */
  sent = 0;
  private readonly peers = new Set<Peer>();
  private readonly pulses = new Map<string, PulseState>();
  private readonly raw = new Set<Socket>();
  private server: http.Server | undefined;
  private wss: WebSocketServer | undefined;
  private baseUrl = "";

  constructor(private readonly host: LiveHost) {}

  get url(): string {
    return this.baseUrl;
  }

  /** Sockets that are open now. */
  get open(): number {
    return this.peers.size;
  }

  async start(port = 0): Promise<string> {
    const wss = (this.wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (protocols) => (protocols.has(PROTOCOL) ? PROTOCOL : false),
    }));
    const server = (this.server = http.createServer((_req, res) => {
      res.writeHead(426, { "Content-Type": "text/plain" }).end("Upgrade Required");
    }));
    server.on("connection", (s: Socket) => {
      this.raw.add(s);
      s.on("close", () => this.raw.delete(s));
    });
    server.on("upgrade", (req, socket, head) => {
      if (new URL(req.url ?? "/", "http://127.0.0.1").pathname !== LIVE_PATH) {
        socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.baseUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${LIVE_PATH}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const peer of this.peers) this.end(peer);
    for (const s of this.raw) s.destroy();
    this.wss?.close();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Fault: every open socket is cut without a close frame, as a network drop. */
  drop(): number {
    const n = this.peers.size;
    for (const peer of this.peers) {
      this.end(peer);
      peer.ws.terminate();
    }
    return n;
  }

  /** Tibber restarting: every socket is closed with 1001 Going Away. */
  goAway(): void {
    for (const peer of this.peers) peer.ws.close(1001, "Going away");
  }

  private accept(ws: WebSocket, req: http.IncomingMessage): void {
    const log: LiveSocketLog = {
      userAgent: req.headers["user-agent"],
      protocol: ws.protocol,
      openedAt: this.host.clock.now(),
      acked: false,
    };
    this.sockets.push(log);
    const peer: Peer = { ws, log, subs: new Map() };
    this.peers.add(peer);
    ws.on("close", (code, reason) => {
      log.closeCode = code;
      log.closeReason = reason.toString();
      this.end(peer);
    });
    ws.on("error", () => this.end(peer));
    if (ws.protocol !== PROTOCOL) {
      ws.close(4406, "Subprotocol not acceptable");
      return;
    }
    const initTimer = setTimeout(() => {
      if (!peer.account) ws.close(4408, "Connection initialisation timeout");
    }, this.initTimeoutMs);
    ws.on("close", () => clearTimeout(initTimer));
    ws.on("message", (data: RawData) => this.onMessage(peer, data, () => clearTimeout(initTimer)));
  }

  private onMessage(peer: Peer, data: RawData, initDone: () => void): void {
    let msg: { type?: unknown; id?: unknown; payload?: unknown };
    try {
      msg = JSON.parse(rawText(data)) as typeof msg;
    } catch {
      peer.ws.close(4400, "Invalid message received");
      return;
    }
    const { ws } = peer;
    switch (msg.type) {
      case "connection_init":
        initDone();
        this.init(peer, msg.payload);
        return;
      case "ping":
        if (!this.silent) ws.send(JSON.stringify({ type: "pong" }));
        return;
      case "pong":
        return;
      case "subscribe":
        if (!peer.account) ws.close(4401, "Unauthorized");
        else this.subscribe(peer, String(msg.id), msg.payload);
        return;
      case "complete":
        peer.subs.delete(String(msg.id));
        return;
      default:
        ws.close(4400, `Invalid message received`);
    }
  }

  private init(peer: Peer, payload: unknown): void {
    if (peer.account) {
      peer.ws.close(4429, "Too many initialisation requests");
      return;
    }
    const token = (payload as { token?: unknown } | undefined)?.token;
    const account = this.host.revoked ? undefined : this.host.accounts.find((a) => a.token === token);
    if (!account || this.refuseToken > 0) {
      if (this.refuseToken > 0) this.refuseToken--;
      peer.ws.close(4403, "Invalid token");
      return;
    }
    const open = [...this.peers].filter((p) => p !== peer && p.account?.token === account.token).length;
    if (this.refuseTooMany > 0 || open >= this.maxSocketsPerToken) {
      if (this.refuseTooMany > 0) this.refuseTooMany--;
      peer.ws.close(4429, `Too many open connections on this server; count ${Math.max(open, 2)};`);
      return;
    }
    peer.account = account;
    peer.log.acked = true;
    peer.ws.send(JSON.stringify({ type: "connection_ack" }));
    peer.timer = setInterval(() => this.tick(peer), this.intervalMs);
  }

  private subscribe(peer: Peer, id: string, payload: unknown): void {
    const { ws } = peer;
    if (peer.subs.has(id)) {
      ws.close(4409, `Subscriber for ${id} already exists`);
      return;
    }
    const p = (payload ?? {}) as { query?: unknown; variables?: unknown };
    try {
      if (typeof p.query !== "string") throw new GraphQLFailure("GraphQL queries must be strings.", "BAD_USER_INPUT");
      const operation = parseOperation(p.query);
      if (operation.type !== "subscription")
        throw new GraphQLFailure("Only subscriptions are served here.", "GRAPHQL_VALIDATION_FAILED");
      const sub: Subscription = { operation, variables: (p.variables ?? {}) as Record<string, unknown> };
      if (this.streamErrors > 0) {
        this.streamErrors--;
        const home = this.homeOf(peer.account!, sub);
        const message = `unable to start stream api:${home.replace(/-/g, "")} for device ${home}; userId ${peer.account!.token.slice(0, 8)}`;
        ws.send(JSON.stringify({ id, type: "next", payload: { errors: [{ message, path: ["liveMeasurement"] }] } }));
        ws.send(JSON.stringify({ id, type: "complete" }));
        return;
      }
      this.measure(peer, sub); // validates the home before the first tick
      peer.subs.set(id, sub);
    } catch (err) {
      const code = err instanceof GraphQLFailure ? err.code : "INTERNAL_SERVER_ERROR";
      const message = err instanceof Error ? err.message : String(err);
      ws.send(JSON.stringify({ id, type: "error", payload: [{ message, extensions: { code } }] }));
    }
  }

  private tick(peer: Peer): void {
    if (this.silent || peer.ws.readyState !== peer.ws.OPEN) return;
    for (const [id, sub] of peer.subs) {
      const data = this.measure(peer, sub);
      const copies = this.repeats > 0 ? 2 : 1;
      if (this.repeats > 0) this.repeats--;
      for (let i = 0; i < copies; i++) {
        peer.ws.send(JSON.stringify({ id, type: "next", payload: { data } }));
        this.sent++;
      }
    }
  }

  private measure(peer: Peer, sub: Subscription): Record<string, unknown> {
    const account = peer.account!;
    const root: GqlObject = {
      __typename: "Subscription",
      liveMeasurement: (args: Record<string, unknown>) => {
        const home = account.homes.find((h) => h.id === args.homeId);
        if (!home) throw new GraphQLFailure(`Could not find home with id ${String(args.homeId)}`, "BAD_USER_INPUT");
        if (!home.realTime) {
          throw new GraphQLFailure(`Home ${home.id} has no real-time meter (Pulse or Watty).`, "BAD_USER_INPUT");
        }
        return measureAt(home, this.pulse(home), this.measuredAt());
      },
    };
    return execute(sub.operation.selections, root, sub.variables);
  }

  private homeOf(account: SimAccount, sub: Subscription): string {
    const fromVars = sub.variables.homeId;
    return typeof fromVars === "string" ? fromVars : (account.homes.find((h) => h.realTime)?.id ?? "unknown");
  }

  /** Whole seconds at the Pulse's pace, milliseconds when a test runs it faster. */
  private measuredAt(): number {
    const now = this.host.clock.now();
    return this.intervalMs >= 1_000 ? Math.floor(now / 1_000) * 1_000 : now;
  }

  private pulse(home: SimHome): PulseState {
    let state = this.pulses.get(home.id);
    if (!state) this.pulses.set(home.id, (state = newPulse(home, this.measuredAt())));
    return state;
  }

  private end(peer: Peer): void {
    if (peer.timer) clearInterval(peer.timer);
    peer.timer = undefined;
    peer.subs.clear();
    this.peers.delete(peer);
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.from(data).toString("utf8");
}

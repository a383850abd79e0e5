import WebSocket from "ws";
import { USER_AGENT } from "../../../shared/http";

/**
 * The transport under tibber-live: graphql-ws's client (the `graphql-transport-ws` protocol Tibber
 * speaks since December 2022) on the `ws` package, whose sockets carry the User-Agent Tibber requires on
 * the WebSocket too (reference A1). Only the parts of graphql-ws this package uses are typed here.
 */

export interface CloseLike {
  code: number;
  reason: string;
}

export interface LiveSink {
  next(value: { data?: Record<string, unknown> | null; errors?: unknown[] }): void;
  error(err: unknown): void;
  complete(): void;
}

export interface GqlWsClient {
  subscribe(payload: { query: string; variables: Record<string, unknown> }, sink: LiveSink): () => void;
  on(event: "connected", listener: () => void): () => void;
  on(event: "closed", listener: (event: unknown) => void): () => void;
  dispose(): void | Promise<void>;
  terminate(): void;
}

export interface GqlWsOptions {
  url: string;
  connectionParams: Record<string, unknown>;
  lazy: boolean;
  retryAttempts: number;
  keepAlive: number;
  webSocketImpl: unknown;
}

// The client entry point: the package root also loads graphql-ws's server half, which needs `graphql`.
const { createClient } = require("graphql-ws/client") as { createClient: (options: GqlWsOptions) => GqlWsClient };

export const LIVE_USER_AGENT = `${USER_AGENT} (Node-RED; Node.js ${process.version})`;

/** A WebSocket class whose sockets send our User-Agent and give up a handshake after `handshakeMs`. */
function socketClass(handshakeMs: number): unknown {
  return class TibberSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { "User-Agent": LIVE_USER_AGENT }, handshakeTimeout: handshakeMs });
      // graphql-ws lets go of its listeners before it closes a socket; `ws` then reports a close during the
      // handshake (a redeploy while connecting) as an 'error' nobody listens to, which ends the process.
      // Failures reach graphql-ws as close events; this one only keeps the process alive.
      this.on("error", () => undefined);
    }
  };
}

/** One graphql-ws client for one socket; retries are ours (back-off, watchdog, Tibber's close codes). */
export function openClient(url: string, token: string, keepAliveMs: number, handshakeMs: number): GqlWsClient {
  return createClient({
    url,
    connectionParams: { token },
    lazy: true,
    retryAttempts: 0,
    keepAlive: keepAliveMs,
    webSocketImpl: socketClass(handshakeMs),
  });
}

export function isCloseLike(value: unknown): value is CloseLike {
  return typeof value === "object" && value !== null && "code" in value && "reason" in value;
}

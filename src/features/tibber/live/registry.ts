import { createHash } from "node:crypto";
import { DEFAULT_LIVE_TIMINGS, LiveConnection, type LiveListener, type LiveTimings } from "./connection";

/**
 * One live connection per base URL, token and home, shared by every node that subscribes to it: Tibber
 * counts sockets per token, so two nodes on one home must not open two. Keyed by a hash of the token,
 * never the token; the last node to leave ends the socket.
 */

const connections = new Map<string, LiveConnection>();

function keyOf(baseUrl: string, token: string, homeId: string): string {
  return `${baseUrl}|${createHash("sha256").update(token).digest("hex").slice(0, 16)}|${homeId}`;
}

export interface LiveHandle {
  connection: LiveConnection;
  release(): void;
}

export function subscribeLive(
  baseUrl: string,
  token: string,
  homeId: string,
  listener: LiveListener,
  timings: LiveTimings = DEFAULT_LIVE_TIMINGS,
): LiveHandle {
  const key = keyOf(baseUrl, token, homeId);
  let connection = connections.get(key);
  // A stopped connection (refused token, too many sockets) is replaced on the next deploy.
  if (connection && connection.state.kind === "stopped") {
    connection.stop();
    connection = undefined;
  }
  if (!connection) connections.set(key, (connection = new LiveConnection(baseUrl, token, homeId, timings)));
  const shared = connection;
  shared.add(listener);
  let released = false;
  return {
    connection: shared,
    release: () => {
      if (released) return;
      released = true;
      if (shared.remove(listener) === 0) {
        shared.stop();
        if (connections.get(key) === shared) connections.delete(key);
      }
    },
  };
}

/** Open shared connections, for tests and the soak. */
export function liveConnectionCount(): number {
  return connections.size;
}

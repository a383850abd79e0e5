import type { Node } from "./types";

/**
 * The status conventions of every node (DESIGN.md): green dot `ok · <value> · HH:MM`, yellow ring while
 * waiting or rate-limited, red ring with a short reason. The time is the runtime's local time.
 */

export function clock(date: Date = new Date()): string {
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

export function statusOk(node: Node, value: string, at: Date = new Date()): void {
  node.status({ fill: "green", shape: "dot", text: value ? `ok · ${value} · ${clock(at)}` : `ok · ${clock(at)}` });
}

export function statusWaiting(node: Node, text: string): void {
  node.status({ fill: "yellow", shape: "ring", text });
}

export function statusError(node: Node, reason: string): void {
  node.status({ fill: "red", shape: "ring", text: reason });
}

export function statusIdle(node: Node, text: string): void {
  node.status({ fill: "grey", shape: "ring", text });
}

export function statusClear(node: Node): void {
  node.status({});
}

/** A short reason for the status line: the first clause of the error message, at most 40 characters. */
export function shortReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const first = message.split(/[:;.]\s/)[0].trim();
  return first.length > 40 ? `${first.slice(0, 39)}…` : first;
}

import type { Node, NodeAPI, NodeMessage } from "./types";

/**
 * Typed-input evaluation through the callback form of evaluateNodeProperty: since Node-RED 4 the
 * synchronous form throws for JSONata, and persistent context stores need the callback anyway.
 */
export function evalProp(RED: NodeAPI, value: string, type: string, node: Node, msg: NodeMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    RED.util.evaluateNodeProperty(value, type, node, msg, (err: Error | null, result: unknown) =>
      err ? reject(err) : resolve(result),
    );
  });
}

/** A config node by id, or undefined when it is missing or disabled (getNode's typing hides the null). */
export function getConfigNode<T extends Node>(RED: NodeAPI, id: string | undefined): T | undefined {
  if (!id) return undefined;
  const node = RED.nodes.getNode(id) as T | null;
  return node ?? undefined;
}

/** A number property from the editor (which stores strings), with a default for blanks and junk. */
export function numberProp(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === "") return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}

/** A text property from the editor: strings as they are, numbers as text, anything else blank. */
export function textProp(value: unknown, fallback = ""): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return fallback;
}

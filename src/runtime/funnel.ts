import { AbortedError } from "../shared/sleep";
import type { DoneFn, FlowMessage, Node, NodeMessage, SendFn } from "./types";
import type { StatusLine } from "./status";

/**
 * The one error funnel: every failure of a node, from an input message or from background work, is
 * redacted of the node's secrets, shown in the status and handed to Node-RED so Catch nodes fire. It
 * never throws and never leaves a message without an answer, even when Node-RED cannot clone the message.
 */

export type ShowError = (err: Error) => void;

/** What the funnel needs of the kernel's kit. */
export interface FunnelHost {
  readonly node: Node<object>;
  readonly status: StatusLine;
  readonly closed: boolean;
  redactError<E extends Error>(err: E): E;
}

export function toError(err: unknown): Error {
  if (err instanceof Error) return err;
  if (typeof err === "object" && err !== null && typeof (err as { message?: unknown }).message === "string") {
    return new Error((err as { message: string }).message);
  }
  return new Error(String(err));
}

/** Registers the input handler; Node-RED counts the three parameters to know that it calls done(). */
export function funnelInput(
  host: FunnelHost,
  handler: (msg: FlowMessage, send: SendFn) => Promise<void>,
  showError?: ShowError,
): void {
  host.node.on("input", (msg: FlowMessage, send: SendFn, done: DoneFn) => {
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      if (!err) return complete(host.node, done, msg);
      const clean = host.redactError(err);
      show(host, clean, showError);
      completeWithError(host.node, done, clean, msg);
    };
    let running: Promise<void>;
    try {
      running = handler(msg, send);
    } catch (err) {
      running = Promise.reject(toError(err));
    }
    running.then(
      () => finish(),
      (err: unknown) => (err instanceof AbortedError || host.closed ? finish() : finish(toError(err))),
    );
  });
}

/** A failure without an input message (a poll, a flush): status plus an error Catch nodes receive. */
export function reportFailure(host: FunnelHost, err: Error, msg?: NodeMessage, showError?: ShowError): void {
  if (err instanceof AbortedError || host.closed) return;
  const clean = host.redactError(err);
  show(host, clean, showError);
  try {
    // The text, not the Error: Node-RED would prefix the class name ("AuthError: …") for Catch nodes.
    host.node.error(clean.message, msg ?? {});
  } catch {
    host.node.error(clean.message, {});
  }
}

function show(host: FunnelHost, err: Error, showError?: ShowError): void {
  try {
    if (showError) showError(err);
    else host.status.failed(err);
  } catch {
    host.status.failed(err);
  }
}

/**
 * `done()` and `done(err)` make Node-RED deep-copy the message for each Complete or Catch node; a message
 * with an exotic prototype, an own `hasOwnProperty` (JSON.parse of an HTTP body gives one), 10,000-deep
 * nesting or a typed-array look-alike makes that copy throw, synchronously, inside our promise callback,
 * where it would be an unhandled rejection and the message would reach neither node. Then the Complete or
 * Catch nodes get a shallow copy of the message's plain values instead.
 */
function complete(node: Node<object>, done: DoneFn, msg: FlowMessage): void {
  try {
    done();
  } catch {
    // done() got as far as Node-RED's hand-over to Complete nodes (metrics and hooks ran); redo only that.
    const flow = (node as unknown as { _flow?: { handleComplete?: (n: unknown, m: unknown) => void } })._flow;
    try {
      flow?.handleComplete?.(node, safeCopy(msg));
    } catch {
      // nothing left that could be told
    }
  }
}

function completeWithError(node: Node<object>, done: DoneFn, err: Error, msg: FlowMessage): void {
  try {
    // A message nested deeper than any flow builds would be copied level by level for each Catch node
    // (fuzzing saw 10,000 levels leave 37–110 MB of RSS behind): Catch nodes get its plain values instead.
    // What done(err) does, with the copy in place of the message.
    const internal = node as unknown as { _complete?: (m: NodeMessage, e: Error) => void };
    if (typeof internal._complete === "function" && nestedDeeperThan(msg, MAX_COPIED_DEPTH))
      return internal._complete(safeCopy(msg), err);
    done(err);
  } catch {
    try {
      node.error(err, safeCopy(msg));
    } catch {
      node.error(err.message, {});
    }
  }
}

/** The message's own properties with plain values (strings, finite numbers, booleans), nothing deeper. */
export function safeCopy(msg: unknown): NodeMessage {
  const copy: Record<string, unknown> = {};
  try {
    for (const key of Object.keys(msg as object)) {
      if (key === "__proto__") continue;
      const value = (msg as Record<string, unknown>)[key];
      if (typeof value === "string" || typeof value === "boolean" || Number.isFinite(value)) copy[key] = value;
    }
  } catch {
    // a getter or proxy that throws: keep what was copied
  }
  return copy;
}

/** Levels of nesting a message may have and still be copied whole for Catch nodes. */
const MAX_COPIED_DEPTH = 200;
/** The depth check looks at this many values at most, so a wide message costs little. */
const MAX_VISITED = 20_000;

/** True when `value` has a chain of objects more than `limit` levels deep (among the first values looked at). */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  let visited = 0;
  try {
    while (stack.length > 0 && visited++ < MAX_VISITED) {
      const [at, depth] = stack.pop() as [unknown, number];
      if (typeof at !== "object" || at === null || ArrayBuffer.isView(at)) continue;
      if (depth >= limit) return true;
      for (const key of Object.keys(at)) {
        if (stack.length >= MAX_VISITED) break;
        stack.push([(at as Record<string, unknown>)[key], depth + 1]);
      }
    }
  } catch {
    // a getter or proxy that throws: the copy would throw too, and the fallback handles that
  }
  return false;
}

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
      if (!err) return done();
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
 * `done(err)` makes Node-RED clone the message for Catch nodes; a message with an exotic prototype or
 * a self-made `hasOwnProperty` can make that throw. Then the error is reported without the message.
 */
function completeWithError(node: Node<object>, done: DoneFn, err: Error, msg: FlowMessage): void {
  try {
    done(err);
  } catch {
    try {
      node.error(err, { _msgid: typeof msg?._msgid === "string" ? msg._msgid : undefined });
    } catch {
      node.error(err.message, {});
    }
  }
}

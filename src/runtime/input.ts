import { AbortedError } from "../shared/sleep";
import { shortReason, statusError } from "./status";
import type { DoneFn, FlowMessage, Node, SendFn } from "./types";

export type InputHandler = (msg: FlowMessage, send: SendFn, done: DoneFn) => Promise<void>;

/**
 * The single error funnel of every node: the async handler's failures become a red status and
 * `done(err)`, so Catch nodes see them and no rejection escapes to crash Node-RED. A handler cut short
 * by the node closing ends quietly.
 */
export interface InputOptions {
  /** How a failure shows in the status (default: red ring with a short reason), e.g. yellow for a rate limit. */
  showError?: (err: Error) => void;
}

export function onInput(node: Node, handler: InputHandler, options: InputOptions = {}): void {
  const showError = options.showError ?? ((err: Error) => statusError(node, shortReason(err)));
  // Three named parameters: Node-RED counts them to know that this handler calls done().
  node.on("input", (msg, send, done) => {
    let settled = false;
    const finish: DoneFn = (err) => {
      if (settled) return;
      settled = true;
      if (err) showError(err);
      done(err);
    };
    handler(msg, send, finish).then(
      () => finish(),
      (err: unknown) => {
        if (err instanceof AbortedError) return finish();
        finish(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** Runs background work (a poll, a flush) with the same funnel, for work that has no input message. */
export function runGuarded(node: Node, work: () => Promise<void>, onError?: (err: Error) => void): void {
  work().catch((err: unknown) => {
    if (err instanceof AbortedError) return;
    const error = err instanceof Error ? err : new Error(String(err));
    statusError(node, shortReason(error));
    if (onError) onError(error);
    else node.error(error.message, {});
  });
}

import { shortReason } from "../shared/errors";

export { shortReason };

/**
 * The status conventions of every node (DESIGN.md): green dot `ok · <value> · HH:MM`, yellow ring while
 * waiting or rate-limited, red ring with a short reason. The time is the runtime's local time.
 */

export function clock(date: Date = new Date()): string {
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

export interface StatusShape {
  fill?: "red" | "green" | "yellow" | "blue" | "grey";
  shape?: "ring" | "dot";
  text?: string;
}

/** A node's status line in the package's conventions; `failed(err)` uses the error's own status text. */
export class StatusLine {
  constructor(private readonly show: (status: StatusShape) => void) {}

  /**
   * "ok" stays as it is in every language: Node-RED's own nodes show plain words in their status lines,
   * and German uses "ok" as English does; the value beside it is the node's, already in the runtime's language.
   */
  ok(value: string, at: Date | number = Date.now()): void {
    const when = clock(typeof at === "number" ? new Date(at) : at);
    this.show({ fill: "green", shape: "dot", text: value ? `ok · ${value} · ${when}` : `ok · ${when}` });
  }

  waiting(text: string): void {
    this.show({ fill: "yellow", shape: "ring", text });
  }

  /** Yellow dot: working, and something needs the user's attention (a leak running now). */
  attention(text: string): void {
    this.show({ fill: "yellow", shape: "dot", text });
  }

  error(reason: string): void {
    this.show({ fill: "red", shape: "ring", text: reason });
  }

  idle(text: string): void {
    this.show({ fill: "grey", shape: "ring", text });
  }

  clear(): void {
    this.show({});
  }

  /** Red ring with what the error class says; a rate limit is a wait, not a failure. */
  failed(err: Error): void {
    const text = statusTextOf(err);
    if ((err as { code?: string }).code === "RATE_LIMIT") this.waiting(text);
    else this.error(text);
  }
}

export function statusTextOf(err: unknown): string {
  const carried = (err as { statusText?: unknown } | null)?.statusText;
  return typeof carried === "string" && carried ? carried : shortReason(err);
}

import type { Request, Response } from "express";
import type { StatusShape } from "./status";
import type { NodeAPI } from "./types";

/**
 * The health view: per node of this package, its last success and its last error (with when), plus the
 * figures a node chooses to show (calls against a budget, a spool backlog). The kernel records from the
 * status line every node already keeps — a green status is a success, a red one an error — so a node
 * needs no extra calls, and every text here is the redacted status text: no secret can reach the view.
 */

export type Fact = number | string | boolean | null;
export type Facts = Record<string, Fact>;

export interface NodeHealth {
  id: string;
  type: string;
  name?: string;
  /** The current status text, already redacted. */
  status?: string;
  lastSuccessAt?: number;
  lastErrorAt?: number;
  lastError?: string;
  facts?: Facts;
}

interface Entry {
  health: NodeHealth;
  facts?: () => Facts;
}

const entries = new Map<string, Entry>();

/** The node's entry, created on first use; `forget` drops it on close. */
export function track(id: string, type: string, name?: string): NodeTracker {
  const entry: Entry = { health: { id, type, ...(name ? { name } : {}) } };
  entries.set(id, entry);
  return new NodeTracker(id, entry);
}

export class NodeTracker {
  constructor(
    private readonly id: string,
    private readonly entry: Entry,
  ) {}

  /** Called with every status the node shows (its text already redacted). */
  status(s: StatusShape, at: number): void {
    const h = this.entry.health;
    h.status = s.text;
    if (s.fill === "green") h.lastSuccessAt = at;
    else if (s.fill === "red") {
      h.lastErrorAt = at;
      h.lastError = s.text;
    }
  }

  /** A failure whose status the node shows its own way (or not at all). */
  error(text: string, at: number): void {
    this.entry.health.lastErrorAt = at;
    this.entry.health.lastError = text;
  }

  /** The figures this node reports in the view, read when the view is asked for. */
  facts(read: () => Facts): void {
    this.entry.facts = read;
  }

  forget(): void {
    if (entries.get(this.id) === this.entry) entries.delete(this.id);
  }
}

/** Every tracked node, with its figures read now; a figure that throws is left out. */
export function snapshot(): NodeHealth[] {
  return [...entries.values()]
    .map(({ health, facts }) => {
      let read: Facts | undefined;
      try {
        read = facts?.();
      } catch {
        read = undefined;
      }
      return read ? { ...health, facts: read } : { ...health };
    })
    .sort((a, b) => a.type.localeCompare(b.type) || a.id.localeCompare(b.id));
}

/** A count since local midnight from an ever-growing counter (Tibber's calls per account). */
export function perDay(counter: () => number, now: () => number): () => number {
  let day = "";
  let base = 0;
  return () => {
    const today = new Date(now()).toDateString();
    const value = counter();
    // The first day counts from 0 (the runtime started today); a later day from the count at its start.
    if (day === "") day = today;
    else if (today !== day || value < base) {
      day = today;
      base = value;
    }
    return value - base;
  };
}

const routed = new WeakSet<object>();

/** `GET /meterflow/health`, once per runtime, for users allowed to read this package's views. */
export function registerHealthRoute(RED: NodeAPI): void {
  const app = RED.httpAdmin as unknown as object | undefined;
  if (!app || routed.has(app)) return;
  routed.add(app);
  RED.httpAdmin.get("/meterflow/health", RED.auth.needsPermission("meterflow.read"), (_req: Request, res: Response) => {
    res.type("application/json").send(JSON.stringify({ at: Date.now(), nodes: snapshot() }));
  });
}

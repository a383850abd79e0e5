import type { Node } from "./types";

/**
 * A node's saved state, by key. Node-RED empties a node's context on every redeploy unless a context
 * store is configured, so the values also live in memory by node id: a redeploy keeps them, a
 * persistent context store keeps them across restarts, and deleting the node forgets them.
 */
export type CarriedStates = Map<string, Map<string, unknown>>;

export class NodeState {
  /** `carried` lives as long as the node type's registration: a redeploy keeps it, a restart does not. */
  constructor(
    private readonly node: Node<object>,
    private readonly carried: CarriedStates,
  ) {}

  get<T>(key: string): T | undefined {
    const memory = this.carried.get(this.node.id);
    if (memory?.has(key)) return memory.get(key) as T;
    try {
      return this.node.context().get(key) as T | undefined;
    } catch {
      return undefined; // an asynchronous context store: start afresh
    }
  }

  set(key: string, value: unknown): void {
    let memory = this.carried.get(this.node.id);
    if (!memory) this.carried.set(this.node.id, (memory = new Map<string, unknown>()));
    memory.set(key, value);
    try {
      this.node.context().set(key, value);
    } catch {
      // an asynchronous context store: the value lives in memory only
    }
  }

  forget(): void {
    this.carried.delete(this.node.id);
  }
}

import { clock } from "../shared/clock";
import { phrase, shortReason, ValidationError } from "../shared/errors";
import { Poller, type PollTask } from "../shared/poller";
import { Redactor } from "../shared/redact";
import { AbortedError } from "../shared/sleep";
import { registerHealthRoute, track, type Facts, type NodeTracker } from "./health";
import { localiseError, translate, type Vars } from "./i18n";
import { funnelInput, reportFailure, toError, type ShowError } from "./funnel";
import { NodeState, type CarriedStates } from "./state";
import { StatusLine } from "./status";
import type { DoneFn, FlowMessage, Node, NodeAPI, NodeDef, NodeMessage, SendFn } from "./types";

/**
 * `defineNode`: the one place that knows how a Node-RED node lives. A node file declares its type,
 * credentials and settings parser, and a `start` that wires its feature object to the kit; the kernel
 * owns the lifecycle (one AbortSignal, every timer and poller stopped on close), the error funnel for
 * input and background work alike, redaction of every credential of the node and of the config nodes
 * it uses, node-context state, warn-once and the clock.
 */

export interface CredentialSpec {
  type: "password" | "text";
}

export interface NodeBehaviour<Feature = unknown> {
  /** Handles one input message; a rejection becomes a red status and `done(err)` for Catch nodes. */
  input?: (msg: FlowMessage, send: SendFn) => Promise<void>;
  /** Runs on close after the kernel stopped its timers and aborted the signal. */
  close?: (removed: boolean) => Promise<void> | void;
  /** What other nodes get from `kit.configNode(id)`: a config node's shared object. */
  feature?: Feature;
  /** How a failure shows in the status; by default the error's own status text in a red ring. */
  showError?: ShowError;
}

export interface NodeSpec<Settings, Creds extends object> {
  type: string;
  credentials?: { [K in keyof Creds]-?: CredentialSpec };
  /** Parses the editor's properties; throwing here turns every input into that error. */
  settings: (config: NodeDef & Record<string, unknown>) => Settings;
  start: (kit: NodeKit<Settings, Creds>) => NodeBehaviour | void;
}

/** What the kernel keeps on the Node-RED node object. */
interface KernelNode extends Node<object> {
  _meterflow?: { feature: unknown; secrets: () => unknown[] };
}

export class NodeKit<Settings, Creds extends object> {
  readonly signal: AbortSignal;
  readonly status: StatusLine;
  readonly state: NodeState;
  private readonly health: NodeTracker;
  private readonly controller = new AbortController();
  private readonly pollers = new Set<Poller>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly warned = new Set<string>();
  private readonly linkedSecrets: Array<() => unknown[]> = [];
  private redactorCache: Redactor | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly RED: NodeAPI,
    readonly node: Node<object>,
    readonly settings: Settings,
    carried: CarriedStates,
  ) {
    this.signal = this.controller.signal;
    this.health = track(node.id, node.type, node.name);
    this.status = new StatusLine((s) => {
      const shown = { ...s, text: s.text && this.redact(s.text) };
      node.status(shown);
      this.health.status(shown, this.now());
    });
    this.state = new NodeState(node, carried);
  }

  get id(): string {
    return this.node.id;
  }

  get credentials(): Partial<Creds> {
    return this.node.credentials ?? {};
  }

  get closed(): boolean {
    return this.signal.aborted;
  }

  now(): number {
    return clock.now();
  }

  /** The shared object of a config node (its `feature`), whose credentials this node's texts then hide too. */
  configNode<Feature>(id: string | undefined): Feature | undefined {
    if (!id) return undefined;
    const other = this.RED.nodes.getNode(id) as KernelNode | null;
    const kernel = other?._meterflow;
    if (!kernel) return undefined;
    this.linkedSecrets.push(kernel.secrets);
    this.redactorCache = undefined;
    return kernel.feature as Feature;
  }

  /**
   * The TLS options of a core `tls-config` node (CA, client certificate and key, passphrase, "verify
   * server certificate" as rejectUnauthorized), for Node's https; undefined without one.
   */
  tlsOptions(id: string | undefined): Record<string, unknown> | undefined {
    if (!id) return undefined;
    const tls = this.RED.nodes.getNode(id) as { addTLSOptions?: (o: object) => Record<string, unknown> } | null;
    if (!tls?.addTLSOptions) {
      const missing = phrase(
        "shared.errors.tlsMissing",
        "The TLS configuration __id__ is missing; select another one.",
        {
          id,
        },
      );
      throw new ValidationError(missing);
    }
    return tls.addTLSOptions({});
  }

  /** The `settings.js` block of this package's nodes, e.g. `runtimeSetting("voicemonkeyAnnounce")`. */
  runtimeSetting<T extends object>(name: string): Partial<T> {
    const block = (this.RED.settings as unknown as Record<string, unknown>)[name];
    return block && typeof block === "object" ? block : {};
  }

  get userDir(): string | undefined {
    return (this.RED.settings as { userDir?: string }).userDir;
  }

  send(msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>): void {
    if (!this.closed) this.node.send(msg);
  }

  log(text: string): void {
    this.node.log(this.redact(text));
  }

  warn(text: string): void {
    this.node.warn(this.redact(text));
  }

  /** Warns the first time `key` is seen in this deploy, so a repeating condition is said once. */
  warnOnce(key: string, text: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(text);
  }

  /** Background failure: red status (or what `showError` says) and an error Catch nodes receive. */
  fail(err: unknown, msg?: NodeMessage, showError?: ShowError): void {
    if (!(err instanceof AbortedError) && !this.closed)
      this.health.error(this.redact(toError(err).message), this.now());
    reportFailure(this, toError(err), msg, showError);
  }

  /** Figures the health view shows for this node (calls against a budget, a backlog); no secrets. */
  facts(read: () => Facts): void {
    this.health.facts(read);
  }

  /** Background work under the funnel: an error is reported, a close ends it quietly. */
  run(work: (signal: AbortSignal) => Promise<void>, onError?: (err: Error) => void): void {
    work(this.signal).catch((err: unknown) => {
      if (err instanceof AbortedError || this.closed) return;
      if (onError) onError(this.redactError(toError(err)));
      else this.fail(err);
    });
  }

  /** A poller that the kernel stops on close; its failures go through `onError` or the funnel. */
  every(task: PollTask, onError?: (err: Error) => void): Poller {
    const poller = new Poller(task, (err) => (onError ? onError(this.redactError(err)) : this.fail(err)));
    // A closed node's poller never starts: nothing could stop it any more.
    if (this.closed) poller.start = () => undefined;
    else this.pollers.add(poller);
    return poller;
  }

  /** A one-shot timer cleared on close; returns a cancel function. */
  after(ms: number, work: () => void | Promise<void>): () => void {
    if (this.closed) return () => undefined; // a closed node starts nothing that could outlive it
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (!this.closed) this.run(async () => work());
      },
      Math.min(Math.max(0, ms), 2 ** 31 - 1),
    );
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Runs `work` after every earlier serial work of this node has settled. */
  serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A typed input's value, through the callback form (JSONata and async context stores need it). */
  evaluate(value: string, type: string, msg: NodeMessage): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.RED.util.evaluateNodeProperty(value, type, this.node, msg, (err: Error | null, result: unknown) =>
        err ? reject(err) : resolve(result),
      );
    });
  }

  /** A deep copy of a message, as Node-RED makes one for each extra send of the same message. */
  cloneMessage<T extends NodeMessage>(msg: T): T {
    return this.RED.util.cloneMessage(msg);
  }

  redact(text: string): string {
    return this.redactor().text(text);
  }

  /** An error as the user reads it: in the runtime's language when it carries catalog keys, then redacted. */
  redactError<E extends Error>(err: E): E {
    return this.redactor().error(localiseError(err, (key, vars) => this.text(key, vars)));
  }

  /** The one retry status: a yellow ring "retrying in N s · reason" in the runtime's language. */
  retrying(err: unknown, delayMs: number): void {
    const seconds = Math.max(1, Math.round(delayMs / 1000));
    this.status.waiting(this.t("shared.status.retrying", { seconds, reason: shortReason(err) }));
  }

  /**
   * A runtime text of this node set's catalog (`status.noToken`, or `<set>:<key>` for another set's) in the
   * runtime's language; `fallback` (else the key) when no catalog has it.
   */
  t(key: string, vars?: Vars, fallback?: string): string {
    return this.text(key, vars) ?? fallback ?? key;
  }

  private text(key: string, vars?: Vars): string | undefined {
    return translate((k, v) => this.RED._(k, v as Record<string, string>), this.node.type, key, vars);
  }

  /** Every credential value this node's texts must never show. */
  secrets(): unknown[] {
    const own: unknown[] = Object.values(this.node.credentials ?? {});
    return [...own, ...this.linkedSecrets.flatMap((of) => of())];
  }

  /** @internal Stops everything the kit started. */
  shutdown(): void {
    this.health.forget();
    this.controller.abort(new AbortedError());
    for (const poller of this.pollers) poller.stop();
    this.pollers.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private redactor(): Redactor {
    // Rebuilt on demand: credentials with `${ENV}` are resolved by Node-RED after the node exists.
    return (this.redactorCache ??= new Redactor(this.secrets()));
  }
}

export function defineNode<Settings, Creds extends object = Record<string, never>>(
  spec: NodeSpec<Settings, Creds>,
): (RED: NodeAPI) => void {
  return (RED) => {
    registerHealthRoute(RED);
    const carried: CarriedStates = new Map();
    function MeterflowNode(this: KernelNode, config: NodeDef & Record<string, unknown>): void {
      RED.nodes.createNode(this, config);
      let settings: Settings | undefined;
      let setupError: Error | undefined;
      try {
        settings = spec.settings(config);
      } catch (err) {
        setupError = toError(err);
      }
      const kit = new NodeKit<Settings, Creds>(RED, this, settings as Settings, carried);
      this._meterflow = { feature: undefined, secrets: () => kit.secrets() };
      let behaviour: NodeBehaviour | void = undefined;
      if (setupError) {
        kit.status.failed(kit.redactError(setupError));
      } else {
        try {
          behaviour = spec.start(kit);
        } catch (err) {
          // Shown in the status; every input then fails with it, so a Catch node sees it with its message.
          setupError = kit.redactError(toError(err));
          kit.status.failed(setupError);
        }
      }
      if (behaviour) this._meterflow.feature = behaviour.feature;
      const failedSetup = setupError;
      const input = failedSetup ? () => Promise.reject(failedSetup) : behaviour?.input;
      if (input) funnelInput(kit, input, behaviour ? behaviour.showError : undefined);
      const onClose = behaviour ? behaviour.close : undefined;
      this.on("close", (removed: boolean, done: DoneFn) => {
        kit.shutdown();
        if (removed) kit.state.forget();
        Promise.resolve()
          .then(() => onClose?.(removed))
          .catch((err: unknown) => kit.log(`closing: ${toError(err).message}`))
          .finally(() => done());
      });
    }
    RED.nodes.registerType(spec.type, MeterflowNode, spec.credentials ? { credentials: spec.credentials } : {});
  };
}

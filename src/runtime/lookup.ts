import type { Request, Response } from "express";
import { ApiError, AuthError, QuotaError, RateLimitError, ValidationError } from "../shared/errors";
import type { Lookup, LookupFields } from "../shared/lookup";
import type { NodeAPI } from "./types";

/**
 * The one policy of the editor's look-up routes. A stored secret is only ever sent to the stored base
 * URL of its own node: the request names the node, which must be of the route's type; a secret the
 * dialog did not retype is taken from that node only while the request's URL resolves to the node's.
 * Only JSON bodies are accepted, so a cross-site HTML form cannot reach a route. Answers are the result
 * or `{error}` with a short reason of ours: never a stack, never the remote server's words, never a 401
 * (the editor would open its login dialog), and never a secret.
 */

const PLACEHOLDER = "__PWRD__";
/** Longer values are no setting anyone types; refusing them keeps odd requests out of the clients. */
const MAX_FIELD = 2048;
const ENV_REFERENCE = /^\$\{([0-9A-Za-z_]+)\}$/;

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function registerLookup(RED: NodeAPI, spec: Lookup): void {
  // One look-up per node at a time: a read-only user cannot turn the button into a flood of calls
  // against the account's quota.
  const running = new Set<string>();
  RED.httpAdmin.post(spec.path, RED.auth.needsPermission(`${spec.type}.read`), (req: Request, res: Response) => {
    let secrets: string[] = [];
    const answer = (status: number, body: unknown): void => {
      res
        .status(status)
        .type("application/json")
        .send(redact(JSON.stringify(body), secrets));
    };
    const fail = (err: unknown): void => {
      const [status, error] = reasonFor(spec.service, err);
      answer(status, { error });
    };
    try {
      if (!req.is("application/json")) throw new Refusal(415, "Send the look-up as application/json.");
      const body = (req.body ?? {}) as Record<string, unknown>;
      const id = nodeId(req, body);
      const call = resolveCall(RED, spec, id, body);
      secrets = Object.values(call.secrets);
      if (running.has(id))
        throw new Refusal(429, "A look-up for this node is still running: try again in a few seconds.");
      running.add(id);
      const abort = new AbortController();
      res.on("close", () => abort.abort());
      spec
        .run({ ...call, signal: abort.signal })
        .then(
          (result) => answer(200, result ?? {}),
          (err: unknown) => fail(err),
        )
        .finally(() => running.delete(id));
    } catch (err) {
      fail(err);
    }
  });
}

function nodeId(req: Request, body: Record<string, unknown>): string {
  const fromPath = (req.params as Record<string, string | undefined>).id;
  const fromBody = body.id;
  if (fromPath !== undefined && fromBody !== undefined && fromBody !== fromPath)
    throw new Refusal(400, "The node id in the path and in the body differ.");
  const id = fromPath ?? fromBody;
  if (typeof id !== "string" || !id || id.length > 200) throw new Refusal(400, "Name the node: id is missing.");
  return id;
}

interface NodeConfig {
  type?: string;
  [key: string]: unknown;
}

/** The node's stored configuration as deployed, or undefined for a node that was never deployed. */
function storedConfig(RED: NodeAPI, id: string): NodeConfig | undefined {
  let found: NodeConfig | undefined;
  RED.nodes.eachNode((n) => {
    if (n.id === id) found = n as unknown as NodeConfig;
  });
  return found;
}

function resolveCall(RED: NodeAPI, spec: Lookup, id: string, body: Record<string, unknown>) {
  const settings = pick(body, spec.settings, "request");
  const typed = pick(body, spec.secrets, "request");
  const config = storedConfig(RED, id);
  if (config && config.type !== spec.type) throw new Refusal(404, `There is no ${spec.type} node with this id.`);
  const baseUrl = spec.baseUrl(withEnv(settings));
  const stored = config ? storedSecrets(RED, id, spec.secrets) : undefined;
  const storedUrl = config ? spec.baseUrl(withEnv(pick(config, spec.settings, "stored"))) : undefined;

  const secrets: Record<string, string> = {};
  let unchanged = storedUrl === baseUrl;
  for (const name of spec.secrets) {
    const value = typed[name];
    if (value && value !== PLACEHOLDER && !ENV_REFERENCE.test(value)) {
      secrets[name] = value;
      if (value !== stored?.resolved[name]) unchanged = false;
      continue;
    }
    // Blank, the placeholder, or a `${VAR}` reference: only what is stored with this node may be used.
    if (!stored || (ENV_REFERENCE.test(value) && value !== stored.raw[name])) {
      if (!value && !stored && spec.optional?.includes(name)) {
        secrets[name] = "";
        continue;
      }
      throw new Refusal(400, `Type the ${name} into the dialog: this node has no stored one to use.`);
    }
    if (storedUrl !== baseUrl) throw new Refusal(400, `The URL changed: type the secret again (${name}).`);
    secrets[name] = stored.resolved[name] ?? "";
  }
  const deployed = unchanged ? (RED.nodes.getNode(id) ?? undefined) : undefined;
  return { settings, secrets, baseUrl, deployed };
}

/** The declared fields as strings; anything else (objects, numbers, huge values) is refused. */
function pick(source: Record<string, unknown>, names: readonly string[], from: "request" | "stored") {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = source[name];
    if (value === undefined || value === null) out[name] = "";
    else if (typeof value === "string" && value.length <= MAX_FIELD) out[name] = value.trim();
    else if (from === "stored" && (typeof value === "number" || typeof value === "boolean")) out[name] = String(value);
    else if (from === "stored") out[name] = "";
    else throw new Refusal(400, `The field ${name} must be a short text.`);
  }
  return out;
}

/** Node-RED replaces a whole-value `${VAR}` in deployed settings and credentials; so do we here. */
function withEnv(fields: LookupFields): LookupFields {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) out[name] = envValue(value);
  return out;
}

function envValue(value: string): string {
  const match = ENV_REFERENCE.exec(value);
  return match ? (process.env[match[1]]?.trim() ?? "") : value;
}

function storedSecrets(RED: NodeAPI, id: string, names: readonly string[]) {
  const creds = (RED.nodes.getCredentials(id) ?? {}) as Record<string, unknown>;
  const raw: Record<string, string> = {};
  const resolved: Record<string, string> = {};
  for (const name of names) {
    raw[name] = typeof creds[name] === "string" ? creds[name] : "";
    resolved[name] = envValue(raw[name].trim());
  }
  return { raw, resolved };
}

/** Our own short reason for a failure, by error class; a remote server's text never gets through. */
function reasonFor(service: string, err: unknown): [number, string] {
  if (err instanceof Refusal) return [err.status, err.message];
  if (err instanceof AuthError) return [400, `${service} refused the credentials.`];
  if (err instanceof RateLimitError) {
    const seconds = Math.max(1, Math.ceil(err.retryAfterMs / 1000));
    return [429, `${service} asks to wait: try again in ${seconds} s.`];
  }
  if (err instanceof QuotaError) return [429, `The ${service} allowance is used up: try again when it renews.`];
  if (err instanceof ValidationError) return [400, err.message];
  if (err instanceof ApiError && err.status > 0) return [502, `${service} answered HTTP ${err.status}.`];
  return [502, `${service} could not be reached.`];
}

/** Every secret involved, replaced wherever it might appear in the answer. */
function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) out = out.split(form).join("***");
  }
  return out;
}

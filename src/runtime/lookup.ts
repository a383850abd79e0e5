import type { Request, Response } from "express";
import {
  ApiError,
  AuthError,
  interpolate,
  phrase,
  QuotaError,
  RateLimitError,
  ValidationError,
  type ErrorTexts,
  type Phrase,
} from "../shared/errors";
import { fullKey } from "./i18n";
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
    readonly said: Phrase,
  ) {
    super(interpolate(said.english, said.vars));
  }
}

const say = (key: string, english: string, vars?: Phrase["vars"]): Phrase =>
  phrase(`shared.lookup.${key}`, english, vars);

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
      const [status, texts] = reasonFor(spec.service, err, spec.type);
      answer(status, texts);
    };
    try {
      if (!req.is("application/json")) throw new Refusal(415, say("json", "Send the look-up as application/json."));
      const body = (req.body ?? {}) as Record<string, unknown>;
      const id = nodeId(req, body);
      const call = resolveCall(RED, spec, id, body);
      secrets = Object.values(call.secrets);
      if (running.has(id))
        throw new Refusal(429, say("running", "A look-up for this node is still running: try again in a few seconds."));
      running.add(id);
      const abort = new AbortController();
      res.on("close", () => abort.abort());
      spec
        .run({ ...call, signal: abort.signal })
        .then(
          (result) => answer(200, withMessageKey(result ?? {}, spec.type)),
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
    throw new Refusal(400, say("idsDiffer", "The node id in the path and in the body differ."));
  const id = fromPath ?? fromBody;
  if (typeof id !== "string" || !id || id.length > 200)
    throw new Refusal(400, say("noId", "Name the node: id is missing."));
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
  if (config && config.type !== spec.type)
    throw new Refusal(404, say("noSuchNode", "There is no __type__ node with this id.", { type: spec.type }));
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
      throw new Refusal(
        400,
        say("typeSecret", "Type the __name__ into the dialog: this node has no stored one to use.", { name }),
      );
    }
    if (storedUrl !== baseUrl)
      throw new Refusal(400, say("urlChanged", "The URL changed: type the secret again (__name__).", { name }));
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
    else throw new Refusal(400, say("shortText", "The field __name__ must be a short text.", { name }));
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

/**
 * Our own short reason for a failure, by error class; a remote server's text never gets through. The
 * answer carries the English and, for the editor to show in its own language, the full catalog key.
 */
function reasonFor(service: string, err: unknown, type: string): [number, Record<string, unknown>] {
  const reason = (status: number, said: Phrase | ErrorTexts, english: string) => {
    const texts: Record<string, unknown> = { error: english, errorKey: fullKey(type, said.key) };
    // the editor fills in text: a nested phrase goes as its English
    if (said.vars)
      texts.errorVars = Object.fromEntries(
        Object.entries(said.vars).map(([k, v]) => [k, typeof v === "object" ? interpolate(v.english, v.vars) : v]),
      );
    return [status, texts] as [number, Record<string, unknown>];
  };
  const ours = (status: number, p: Phrase) => reason(status, p, interpolate(p.english, p.vars));
  if (err instanceof Refusal) return ours(err.status, err.said);
  if (err instanceof AuthError) return ours(400, say("refused", "__service__ refused the credentials.", { service }));
  if (err instanceof RateLimitError) {
    const seconds = Math.max(1, Math.ceil(err.retryAfterMs / 1000));
    return ours(429, say("wait", "__service__ asks to wait: try again in __seconds__ s.", { service, seconds }));
  }
  if (err instanceof QuotaError)
    return ours(429, say("allowance", "The __service__ allowance is used up: try again when it renews.", { service }));
  if (err instanceof ValidationError)
    return err.i18n ? reason(400, err.i18n, err.message) : [400, { error: err.message }];
  if (err instanceof ApiError && err.status > 0)
    return ours(502, say("http", "__service__ answered HTTP __status__.", { service, status: err.status }));
  return ours(502, say("unreachable", "__service__ could not be reached.", { service }));
}

/** A result's `said` phrase becomes the key and vars the editor translates `message` with. */
function withMessageKey(result: object, type: string): object {
  const { said, ...rest } = result as { said?: Phrase };
  if (!said || typeof said !== "object") return result;
  return { ...rest, messageKey: fullKey(type, said.key), ...(said.vars ? { messageVars: said.vars } : {}) };
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

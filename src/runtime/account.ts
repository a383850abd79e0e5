import type { NodeKit } from "./kernel";
import type { TypedProp } from "../shared/props";
import { phrase, ValidationError } from "../shared/errors";
import type { NodeMessage } from "./types";

/**
 * Accounts once, not per node: a service's config node (`tibber-account`, `voicemonkey-account`,
 * `energylive-account`) holds the secret and the base URL, and every node of that service names it.
 * A 0.1.0 flow still has the secret in the node itself: that node keeps working with its own
 * credentials and base URL, and says once how to move them to an account node.
 */

/** What an account config node shares: its stored settings and its credentials, read when asked. */
export interface ServiceAccount<Creds> {
  readonly baseUrl: string;
  readonly credentials: Partial<Creds>;
}

/** The settings every account-using node has: the account node's id and its own (0.1.0) base URL. */
export interface AccountSettings {
  account: string;
  baseUrl: string;
}

/** The feature of an account config node: its settings, and its credentials as Node-RED resolved them. */
export function accountFeature<S extends object, C extends object>(kit: NodeKit<S, C>): S & ServiceAccount<C> {
  return Object.defineProperty({ ...kit.settings }, "credentials", {
    enumerable: true,
    get: () => kit.credentials,
  }) as S & ServiceAccount<C>;
}

/**
 * The settings and credentials a node works with: its own when it still carries credentials (with a
 * warning once, in the runtime's language, naming `accountType`), else its account node's. `own` is what
 * the node's own properties say (its base URL, for VoiceMonkey its API version); the account's replace them.
 */
export function useAccount<S extends AccountSettings, C extends object, A extends object>(
  kit: NodeKit<S, C>,
  accountType: string,
  own: A,
): A & { credentials: Partial<C> } {
  const mine = kit.credentials;
  const account = kit.configNode<A & ServiceAccount<C>>(kit.settings.account);
  if (Object.values(mine).some((v) => typeof v === "string" && v.trim() !== "")) {
    kit.warnOnce("own-credentials", kit.t("shared.account.ownCredentials", { account: accountType }));
    return { ...own, credentials: mine };
  }
  if (!account) return { ...own, credentials: {} };
  const shared: Partial<A> = {};
  for (const key of Object.keys(own) as Array<keyof A>) shared[key] = (account as A)[key] ?? own[key];
  return { ...own, ...shared, credentials: account.credentials };
}

/**
 * A TypedInput target (a home, a device): the text as typed, or `msg.x`, flow / global context or an
 * environment variable, read for this message. Undefined when it gives nothing, so the node's default
 * (the only home, the only sensor) applies.
 */
export async function typedTarget<S, C extends object>(
  kit: NodeKit<S, C>,
  prop: TypedProp,
  msg: NodeMessage = {},
): Promise<string | undefined> {
  const value = prop.type === "str" ? prop.value : await kit.evaluate(prop.value, prop.type, msg);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" && typeof value !== "number") {
    const vars = { source: `${prop.type}.${prop.value}`, type: typeof value };
    throw new ValidationError(
      phrase("shared.errors.targetNotText", "__source__ must be text (an id or a name), not __type__.", vars),
      { statusText: phrase("shared.status.targetNotText", "__source__ is not text", vars) },
    );
  }
  return String(value).trim() || undefined;
}

import * as fs from "node:fs";
import * as path from "node:path";
import { interpolate, type ErrorTexts, type Vars } from "../shared/errors";

/**
 * Runtime texts in the runtime's language (`settings.lang`, else the process locale): a key of the node
 * set's catalog goes through Node-RED's `RED._`. When Node-RED does not know the key (the test helper's
 * `RED._` knows no catalog, a set may be disabled), the English catalog shipped beside the code answers,
 * then the caller's English fallback, so a missing translation never shows a bare key.
 */

export const MODULE = "@meterflow/node-red";
/** Texts every service shares (`shared.*`: unreachable, timeout) live once, in this set's catalog. */
export const SHARED_HOME = "meter-interpolate";

export type { Vars };
export type Translate = (key: string, vars?: object) => unknown;

const english = new Map<string, Record<string, unknown> | null>();

function englishCatalog(set: string): Record<string, unknown> | null {
  if (!english.has(set)) {
    // Bundled into dist/nodes/<set>.js (locales beside it), or compiled to dist/runtime/i18n.js.
    const dirs = [path.join(__dirname, "locales"), path.join(__dirname, "..", "nodes", "locales")];
    english.set(set, null);
    for (const dir of dirs) {
      try {
        const all = JSON.parse(fs.readFileSync(path.join(dir, "en-US", `${set}.json`), "utf8")) as Record<
          string,
          unknown
        >;
        english.set(set, (all[set] as Record<string, unknown>) ?? null);
        break;
      } catch {
        // not in this layout
      }
    }
  }
  return english.get(set) ?? null;
}

function lookup(catalog: Record<string, unknown> | null, dotted: string): string | undefined {
  let at: unknown = catalog;
  for (const part of dotted.split("."))
    at = at && typeof at === "object" ? (at as Record<string, unknown>)[part] : undefined;
  return typeof at === "string" ? at : undefined;
}

export { interpolate };

/** `key` is `<path>` in `set`'s catalog or `<set>:<path>` in another set's; returns undefined if none has it. */
/** Where a key lives: its catalog (set) and its path there. */
function ownerOf(set: string, key: string): { owner: string; dotted: string } {
  const colon = key.indexOf(":");
  const owner = colon > 0 ? key.slice(0, colon) : key.startsWith("shared.") ? SHARED_HOME : set;
  return { owner, dotted: colon > 0 ? key.slice(colon + 1) : key };
}

/**
 * A key as `RED._` knows it, in the runtime and in the editor alike: a catalog nests its keys under the
 * set name (`@meterflow/node-red/tibber-prices:tibber-prices.status.noToken`).
 */
export function fullKey(set: string, key: string): string {
  const { owner, dotted } = ownerOf(set, key);
  return `${MODULE}/${owner}:${owner}.${dotted}`;
}

export function translate(RED: Translate | undefined, set: string, key: string, vars?: Vars): string | undefined {
  const { owner, dotted } = ownerOf(set, key);
  const full = fullKey(set, key);
  vars = sayNested(RED, set, vars);
  try {
    const text = RED?.(full, vars);
    if (typeof text === "string" && text && text !== full && !full.endsWith(`:${text}`)) return text;
  } catch {
    // an i18n that throws is an i18n that does not know the key
  }
  const fallback = lookup(englishCatalog(owner), dotted);
  return fallback === undefined ? undefined : interpolate(fallback, vars);
}

/** Phrase vars (a reason inside a wrapper's text) said first, in the same language; the rest as they are. */
function sayNested(RED: Translate | undefined, set: string, vars?: Vars): Record<string, string | number> | undefined {
  if (!vars) return undefined;
  let out: Record<string, string | number> | undefined;
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value !== "object") continue;
    out ??= { ...(vars as Record<string, string | number>) };
    out[name] = translate(RED, set, value.key, value.vars) ?? interpolate(value.english, value.vars);
  }
  return out ?? (vars as Record<string, string | number>);
}

/** Translates an error that carries catalog keys, in place (the kernel owns the errors it reports). */
export function localiseError<E extends Error>(err: E, t: (key: string, vars?: Vars) => string | undefined): E {
  const texts = (err as { i18n?: ErrorTexts }).i18n;
  if (!texts || (err as { localised?: boolean }).localised) return err;
  const message = t(texts.key, texts.vars);
  if (message) err.message = message;
  const status = texts.statusKey ? t(texts.statusKey, texts.vars) : undefined;
  if (status) (err as { statusText?: string }).statusText = status;
  Object.defineProperty(err, "localised", { value: true });
  return err;
}

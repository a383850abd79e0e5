/**
 * Removes credential values from text that users, logs or Catch nodes will see. Proxies and gateways in
 * debug mode echo the request, `Authorization` header included, into their error bodies, so any error
 * text that quotes a remote answer can carry a token.
 */

export const MASK = "***";
/** Shorter values are left alone: masking them would mangle ordinary words ("Influ***DB"). */
const MIN_SECRET_LENGTH = 6;

export class Redactor {
  private readonly needles: string[];

  constructor(secrets: Iterable<unknown>) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (typeof secret !== "string") continue;
      const value = secret.trim();
      if (value.length < MIN_SECRET_LENGTH || value === "__PWRD__") continue;
      // The forms a secret takes when a server echoes a request: as sent, URL-encoded, JSON-escaped.
      forms.add(value);
      forms.add(encodeURIComponent(value));
      forms.add(JSON.stringify(value).slice(1, -1));
    }
    // Longest first, so a secret that contains another is masked whole.
    this.needles = [...forms].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.needles.length === 0;
  }

  text(value: string): string {
    let out = value;
    for (const needle of this.needles) if (out.includes(needle)) out = out.split(needle).join(MASK);
    return out;
  }

  /** Any value: strings are masked, objects are copied with their strings masked (cycles and depth bounded). */
  value<T>(value: T, depth = 0, seen = new WeakSet<object>()): T {
    if (this.empty) return value;
    if (typeof value === "string") return this.text(value) as T;
    if (typeof value !== "object" || value === null || depth > 8) return value;
    if (value instanceof Error) return this.error(value);
    if (seen.has(value)) return value;
    seen.add(value);
    if (!this.contains(value, depth, new WeakSet())) return value;
    if (Array.isArray(value)) return value.map((item: unknown) => this.value(item, depth + 1, seen)) as T;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      copy[key] = this.value(item, depth + 1, seen);
    }
    return copy as T;
  }

  /**
   * Masks an error in place (message, stack, an echoed `body`, its catalog vars, and its `cause` chain): it is ours to
   * pass on, and code further down may still hold the same object.
   */
  error<E extends Error>(err: E): E {
    if (this.empty) return err;
    const seen = new Set<Error>([err]);
    let current: Error & { body?: unknown; i18n?: { vars?: object } } = err;
    for (;;) {
      current.message = this.text(current.message);
      if (typeof current.stack === "string") current.stack = this.text(current.stack);
      if (typeof current.body === "string") current.body = this.text(current.body);
      // The catalog vars of a translatable error can quote the remote answer as the message does.
      if (current.i18n?.vars) current.i18n.vars = this.value(current.i18n.vars);
      const cause = current.cause;
      if (cause instanceof Error && !seen.has(cause)) {
        seen.add(cause);
        current = cause;
        continue;
      }
      if (cause !== undefined && !(cause instanceof Error)) current.cause = this.value(cause);
      break;
    }
    return err;
  }

  private contains(value: unknown, depth: number, seen: WeakSet<object>): boolean {
    if (typeof value === "string") return this.needles.some((needle) => value.includes(needle));
    if (typeof value !== "object" || value === null || depth > 8 || seen.has(value)) return false;
    seen.add(value);
    return Object.values(value as Record<string, unknown>).some((item) => this.contains(item, depth + 1, seen));
  }
}

/**
 * The typed errors every client throws. Their messages are written for the person who reads them in a
 * Debug or Catch node: they say what went wrong and what to do about it, and never contain a secret.
 */

export type ErrorCode = "AUTH" | "RATE_LIMIT" | "API" | "VALIDATION" | "TIMEOUT" | "NETWORK" | "QUOTA";

/** A var may itself be a phrase (a reason inside a wrapper's text): it is said in the same language. */
export type Vars = Record<string, string | number | Phrase>;

/**
 * A text the user reads, with its catalog key (`<set>:<path>` or `shared.<path>`) and its English as the
 * en-US catalog has it, `__name__` placeholders and all: thrown as an error's message, the English is what
 * it says without a runtime, and the kernel says it in the runtime's language.
 */
export interface Phrase {
  key: string;
  english: string;
  vars?: Vars;
}

export function phrase(key: string, english: string, vars?: Vars): Phrase {
  return vars ? { key, english, vars } : { key, english };
}

/** Node-RED's `__name__` placeholders filled in; a phrase var in English. */
export function interpolate(text: string, vars?: Vars): string {
  return vars
    ? text.replace(/__([A-Za-z0-9_]+?)__/g, (all, name: string) => (name in vars ? said(vars[name]) : all))
    : text;
}

function said(value: string | number | Phrase): string {
  return typeof value === "object" ? english(value) : String(value);
}

/** A phrase in English, where no runtime translates it (feature objects without a node, unit tests). */
export function english(p: Phrase): string {
  return interpolate(p.english, p.vars);
}

/** An error's text as a phrase, to say it again elsewhere (a warning, a reason); undefined without a key. */
export function phraseOf(err: unknown): Phrase | undefined {
  const texts = err instanceof MeterflowError ? err.i18n : undefined;
  return texts && { key: texts.key, english: err instanceof Error ? err.message : "", vars: texts.vars };
}

/** What an error is made with: its English message, or a phrase that also carries its catalog key. */
export type Message = string | Phrase;

export interface ErrorOptions {
  cause?: unknown;
  /** The few words a node's status line shows for this error; without it, the message's first clause. */
  statusText?: string | Phrase;
  /** The texts in the user's language: catalog keys (`<key>` of the node's set, or `<set>:<key>`) and their vars. */
  i18n?: ErrorTexts;
}

export interface ErrorTexts {
  key: string;
  statusKey?: string;
  vars?: Vars;
}

export class MeterflowError extends Error {
  readonly code: ErrorCode;
  statusText?: string;
  /** Beside the English message: what the kernel translates it from (the English stays the fallback). */
  readonly i18n?: ErrorTexts;
  constructor(code: ErrorCode, message: Message, options?: ErrorOptions) {
    super(
      typeof message === "string" ? message : english(message),
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.name = new.target.name;
    const status = options?.statusText;
    if (status) this.statusText = typeof status === "string" ? status : english(status);
    if (options?.i18n) this.i18n = options.i18n;
    else if (typeof message !== "string") {
      const statusKey = typeof status === "object" ? { statusKey: status.key } : {};
      const vars = { ...message.vars, ...(typeof status === "object" ? status.vars : {}) };
      this.i18n = { key: message.key, ...statusKey, ...(Object.keys(vars).length ? { vars } : {}) };
    }
  }
}

/** Credentials were refused: retrying will not help until the user fixes them. */
export class AuthError extends MeterflowError {
  readonly status?: number;
  constructor(message: Message, status?: number, options?: ErrorOptions) {
    super("AUTH", message, options);
    this.status = status;
  }
}

/** The service asked us to slow down; `retryAfterMs` is how long it wants us to wait. */
export class RateLimitError extends MeterflowError {
  readonly retryAfterMs: number;
  readonly status: number;
  constructor(message: Message, retryAfterMs: number, status = 429, options?: ErrorOptions) {
    super("RATE_LIMIT", message, options);
    this.retryAfterMs = retryAfterMs;
    this.status = status;
  }
}

/** A monthly or daily allowance is used up: nothing more until it renews. */
export class QuotaError extends MeterflowError {
  readonly status?: number;
  constructor(message: Message, status?: number, options?: ErrorOptions) {
    super("QUOTA", message, options);
    this.status = status;
  }
}

/** The service answered with an error status, or with a body we could not understand. */
export class ApiError extends MeterflowError {
  readonly status: number;
  readonly body?: string;
  constructor(message: Message, status: number, body?: string, options?: ErrorOptions) {
    super("API", message, options);
    this.status = status;
    this.body = body;
  }
  /** 5xx and unparseable answers are worth another try; 4xx are not. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 0;
  }
}

/** The request did not finish within the client's timeout. */
export class TimeoutError extends MeterflowError {
  readonly timeoutMs: number;
  constructor(message: Message, timeoutMs: number, options?: ErrorOptions) {
    super("TIMEOUT", message, options);
    this.timeoutMs = timeoutMs;
  }
}

/** The service could not be reached at all (refused, reset, DNS). */
export class NetworkError extends MeterflowError {
  constructor(message: Message, options?: ErrorOptions) {
    super("NETWORK", message, options);
  }
}

/** The input or configuration is wrong; the message names the offending value. */
export class ValidationError extends MeterflowError {
  constructor(message: Message, options?: ErrorOptions) {
    super("VALIDATION", message, options);
  }
}

/** True for errors where waiting and trying again may succeed. */
export function isTransient(err: unknown): boolean {
  if (err instanceof RateLimitError || err instanceof TimeoutError || err instanceof NetworkError) return true;
  if (err instanceof ApiError) return err.retryable;
  return false;
}

/** A short reason for the status line: the first clause of the error message, at most 40 characters. */
export function shortReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const first = message.split(/[:;.]\s/)[0].trim();
  return first.length > 40 ? `${first.slice(0, 39)}…` : first;
}

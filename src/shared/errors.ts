/**
 * The typed errors every client throws. Their messages are written for the person who reads them in a
 * Debug or Catch node: they say what went wrong and what to do about it, and never contain a secret.
 */

export type ErrorCode = "AUTH" | "RATE_LIMIT" | "API" | "VALIDATION" | "TIMEOUT" | "NETWORK" | "QUOTA";

export interface ErrorOptions {
  cause?: unknown;
  /** The few words a node's status line shows for this error; without it, the message's first clause. */
  statusText?: string;
  /** The texts in the user's language: catalog keys (`<key>` of the node's set, or `<set>:<key>`) and their vars. */
  i18n?: ErrorTexts;
}

export interface ErrorTexts {
  key: string;
  statusKey?: string;
  vars?: Record<string, string | number>;
}

export class MeterflowError extends Error {
  readonly code: ErrorCode;
  statusText?: string;
  /** Beside the English message: what the kernel translates it from (the English stays the fallback). */
  readonly i18n?: ErrorTexts;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
    if (options?.statusText) this.statusText = options.statusText;
    if (options?.i18n) this.i18n = options.i18n;
  }
}

/** Credentials were refused: retrying will not help until the user fixes them. */
export class AuthError extends MeterflowError {
  readonly status?: number;
  constructor(message: string, status?: number, options?: ErrorOptions) {
    super("AUTH", message, options);
    this.status = status;
  }
}

/** The service asked us to slow down; `retryAfterMs` is how long it wants us to wait. */
export class RateLimitError extends MeterflowError {
  readonly retryAfterMs: number;
  readonly status: number;
  constructor(message: string, retryAfterMs: number, status = 429, options?: ErrorOptions) {
    super("RATE_LIMIT", message, options);
    this.retryAfterMs = retryAfterMs;
    this.status = status;
  }
}

/** A monthly or daily allowance is used up: nothing more until it renews. */
export class QuotaError extends MeterflowError {
  readonly status?: number;
  constructor(message: string, status?: number, options?: ErrorOptions) {
    super("QUOTA", message, options);
    this.status = status;
  }
}

/** The service answered with an error status, or with a body we could not understand. */
export class ApiError extends MeterflowError {
  readonly status: number;
  readonly body?: string;
  constructor(message: string, status: number, body?: string, options?: ErrorOptions) {
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
  constructor(message: string, timeoutMs: number, options?: ErrorOptions) {
    super("TIMEOUT", message, options);
    this.timeoutMs = timeoutMs;
  }
}

/** The service could not be reached at all (refused, reset, DNS). */
export class NetworkError extends MeterflowError {
  constructor(message: string, options?: ErrorOptions) {
    super("NETWORK", message, options);
  }
}

/** The input or configuration is wrong; the message names the offending value. */
export class ValidationError extends MeterflowError {
  constructor(message: string, options?: ErrorOptions) {
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

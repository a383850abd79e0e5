import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from "axios";
import { ApiError, NetworkError, TimeoutError } from "./errors";
import { AbortedError } from "./sleep";

/**
 * The HTTP plumbing every service client shares: one axios instance per client that never throws on a
 * status (each client maps statuses to its service's meaning), bodies kept as text so that a malformed
 * answer is reported as such, and transport failures turned into typed errors.
 */

export const PACKAGE_VERSION: string = (require("../../package.json") as { version: string }).version;
export const USER_AGENT = `meterflow-node-red/${PACKAGE_VERSION}`;

export interface HttpOptions {
  baseUrl: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export interface TextResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class HttpTransport {
  readonly timeoutMs: number;
  private readonly axios: AxiosInstance;

  constructor(
    readonly service: string,
    options: HttpOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.axios = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ""),
      timeout: this.timeoutMs,
      headers: { "User-Agent": USER_AGENT, Accept: "application/json", ...options.headers },
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
      proxy: false,
    });
  }

  /** Sends a request; resolves with any HTTP status, throws only for transport failures. */
  async request(config: AxiosRequestConfig & { signal?: AbortSignal }): Promise<TextResponse> {
    let res: AxiosResponse<string>;
    try {
      res = await this.axios.request<string>(config);
    } catch (err) {
      throw this.transportError(err, config.signal);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
    return { status: res.status, headers, body: typeof res.data === "string" ? res.data : String(res.data ?? "") };
  }

  /** Parses a JSON body, or throws an ApiError that says the service sent something unreadable. */
  json<T = unknown>(res: TextResponse): T {
    try {
      return JSON.parse(res.body) as T;
    } catch {
      throw new ApiError(
        `${this.service} sent an answer that is not valid JSON (HTTP ${res.status}); this is usually a passing fault on their side, the next poll retries.`,
        res.status >= 500 ? res.status : 0,
        excerpt(res.body),
        { i18n: { key: "shared.errors.notJson", vars: { service: this.service, status: res.status } } },
      );
    }
  }

  private transportError(err: unknown, signal?: AbortSignal): Error {
    if (signal?.aborted) return new AbortedError();
    if (axios.isCancel(err)) return new AbortedError();
    const e = err as AxiosError;
    if (e.code === "ECONNABORTED" || e.code === "ETIMEDOUT" || /timeout/i.test(e.message ?? "")) {
      return new TimeoutError(
        `${this.service} did not answer within ${Math.round(this.timeoutMs / 1000)} s; will retry.`,
        this.timeoutMs,
        {
          cause: safeCause(err),
          i18n: {
            key: "shared.errors.timeout",
            vars: { service: this.service, seconds: Math.round(this.timeoutMs / 1000) },
          },
        },
      );
    }
    return new NetworkError(
      `Cannot reach ${this.service} (${e.code ?? e.message}); check the base URL and the network.`,
      {
        cause: safeCause(err),
        i18n: { key: "shared.errors.unreachable", vars: { service: this.service, code: String(e.code ?? e.message) } },
      },
    );
  }
}

/**
 * The transport failure without axios' request config: that carries the request body and headers
 * (passwords, tokens), and Node-RED copies an error's `cause` into the message a Catch node sends on.
 */
function safeCause(err: unknown): Error {
  const e = err as { message?: unknown; code?: unknown };
  const cause = new Error(typeof e?.message === "string" ? e.message : "transport failure");
  if (typeof e?.code === "string") (cause as Error & { code?: string }).code = e.code;
  return cause;
}

/**
 * How long the service asked us to wait: `Retry-After` (seconds or an HTTP date), else
 * `X-RateLimit-Reset` (epoch seconds), else undefined.
 */
export function retryAfterMs(headers: Record<string, string>, now: number = Date.now()): number | undefined {
  const retryAfter = headers["retry-after"];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = Number(headers["x-ratelimit-reset"]);
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  return undefined;
}

/** Lines of an echoed request that carry a credential (a debugging proxy copies the headers into its answer). */
const CREDENTIAL_HEADER =
  /^\s*"?(authorization|proxy-authorization|x-api-key|api-key|cookie|set-cookie)"?\s*[:=].*$/gim;
/** `token=…`-style parameters of an echoed URL or form body. */
const CREDENTIAL_PARAM = /\b(token|access_token|refresh_token|password|client_secret|api_?key)=[^&\s"]*/gi;

/**
 * The part of a remote answer that an error message may quote: credential lines dropped before the
 * text is cut, so a cut can never leave the first half of a token behind.
 */
export function excerpt(body: string, max = 200): string {
  const text = body
    .replace(CREDENTIAL_HEADER, "[credential header removed]")
    .replace(CREDENTIAL_PARAM, "$1=***")
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

import type * as http from "node:http";

/** What a simulator route receives and answers, the faults a test can switch on, and the request log. */

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  params: Record<string, string>;
  rawBody: string;
  /** The body parsed as JSON or as a form, when it was one; undefined otherwise. */
  body: unknown;
  ip: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string | number>;
  /** Objects are sent as JSON; strings and buffers as they are. */
  body?: unknown;
  /** A streamed answer (server-sent events): called after the head is written, owns the response. */
  stream?: (res: import("node:http").ServerResponse) => void;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export type Fault =
  /** Answer with this HTTP status (5xx by default); the service chooses the body. */
  | { kind: "status"; status: number; times?: number; path?: string }
  /** Answer 429 with Retry-After and X-RateLimit-* headers. */
  | { kind: "rate-limit"; retryAfterSeconds: number; times?: number; path?: string }
  /** Answer after this many milliseconds (past the client's timeout, to test timeouts). */
  | { kind: "delay"; ms: number; times?: number; path?: string }
  /** Never answer; the socket is destroyed when the server stops. */
  | { kind: "hang"; times?: number; path?: string }
  /** Answer 200 with a body that is not valid JSON. */
  | { kind: "malformed"; times?: number; path?: string };

export interface ActiveFault {
  fault: Fault;
  remaining: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  at: number;
  fault?: Fault["kind"];
  userAgent?: string;
}

export interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: SimHandler;
}

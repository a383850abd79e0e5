import { STATUS_CODES } from "node:http";
import type { SimRequest, SimResponse } from "../server";

/**
 * Flume's answer envelope (reference A2): `success`, Flume's own `code` and `message`, the HTTP status
 * repeated, `detailed`, `data` always a list, `count` and relative `pagination` links.
 */

export type Json = Record<string, unknown>;

export class Envelope {
  /** `miscount`: send a `count` that disagrees with `data.length`, as in some captures. */
  constructor(private readonly miscount: () => boolean) {}

  ok(
    data: unknown[],
    extra: { code?: number; message?: string; pagination?: unknown; total?: number } = {},
  ): SimResponse {
    const count = extra.total ?? data.length;
    return {
      status: 200,
      body: {
        success: true,
        code: extra.code ?? 602,
        message: extra.message ?? "Request OK",
        http_code: 200,
        http_message: "OK",
        detailed: null,
        data,
        count: this.miscount() ? count + 1 : count,
        pagination: extra.pagination ?? null,
      },
    };
  }

  /** The one record found, or 404 code 610. */
  okOr(record: Json | undefined): SimResponse {
    return record ? this.ok([record]) : notFound();
  }

  /** `limit`/`offset` paging with a relative `pagination.next`, as Flume sends it. */
  page(req: SimRequest, items: Json[], path: string): SimResponse {
    const limit = req.query.get("limit") === null ? 50 : Number(req.query.get("limit"));
    const offset = req.query.get("offset") === null ? 0 : Number(req.query.get("offset"));
    if (!Number.isInteger(limit) || limit < 1) return invalid("Provide a positive limit");
    if (!Number.isInteger(offset) || offset < 0) return invalid("Provide a positive offset");
    const slice = items.slice(offset, offset + limit);
    const prefix = req.params.userId !== undefined ? `/users/${req.params.userId}` : "/me";
    const link = (at: number): string => {
      const params = new URLSearchParams(req.query);
      params.set("offset", String(at));
      params.set("limit", String(limit));
      return `${prefix}${path}?${params.toString()}`;
    };
    const next = offset + limit < items.length ? link(offset + limit) : null;
    // `prev` points back a page once offset > 0 (pyflume fixtures usage.json/notification.json carry both keys).
    const prev = offset > 0 ? link(Math.max(0, offset - limit)) : null;
    const pagination = next || prev ? { next, prev } : null;
    // `count` is the total records of the route, not the page size (pyflume usage.json: count 122, 50 items).
    return this.ok(slice, { pagination, total: items.length });
  }
}

export function fail(
  status: number,
  message: string,
  detailed: string[] | null,
  code?: number,
  data: unknown[] = [],
): SimResponse {
  return {
    status,
    body: {
      success: false,
      ...(code !== undefined ? { code } : {}),
      message,
      http_code: status,
      http_message: STATUS_CODES[status] ?? "Error",
      detailed,
      data,
      count: data.length,
      pagination: null,
    },
  };
}

/** 400 with Flume's validation code 94. */
export const invalid = (detail: string): SimResponse =>
  fail(400, "A provided parameter failed validation", [detail], 94);

/** 404 with Flume's "record not found" code 610. */
export const notFound = (): SimResponse => fail(404, "Record could not be found", null, 610);

export function sortBy(items: Json[], field: string, direction: string | null): Json[] {
  const sorted = [...items].sort((a, b) => {
    const x = a[field] as string | number;
    const y = b[field] as string | number;
    return x < y ? -1 : x > y ? 1 : Number(a.id) - Number(b.id);
  });
  return direction === "DESC" ? sorted.reverse() : sorted;
}

/** A request field as text; objects and absent fields give `fallback`. */
export const text = (v: unknown, fallback = ""): string =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : fallback;

export const round = (v: number): number => Math.round(v * 1e6) / 1e6;

export const MINUTE = 60_000;
export const HOUR = 3_600_000;

/** Flume's 429: the envelope with its message and a Retry-After. */
export function tooManyRequests(retryAfterSeconds: number): SimResponse {
  const res = fail(429, "Too many requests, please try again later.", null);
  res.headers = { "Retry-After": retryAfterSeconds };
  return res;
}

import { HttpError, InfluxDB, RequestTimedOutError } from "@influxdata/influxdb-client";
import {
  ApiError,
  AuthError,
  interpolate,
  NetworkError,
  phrase,
  RateLimitError,
  TimeoutError,
  ValidationError,
  type Phrase,
} from "../../../shared/errors";
import { AbortedError } from "../../../shared/sleep";
import { excerpt } from "../../../shared/http";

/**
 * One connection to an InfluxDB server (2.x/3.x `/api/v2/write`, or 1.8+ with the token `user:password`
 * and the bucket `db/rp`), owned by a `meter-influxdb` config node and shared by its writers.
 *
 * Why batches are POSTed through the client's transport instead of a WriteApi: a WriteApi sends full
 * batches on its own and its `flush()`/`close()` do not wait for those, and it keeps
 * its own retry buffer that can drop lines. We must know, per batch, that InfluxDB answered 204 before
 * deleting the batch from the spool, so each batch is exactly one awaited request, and retries are ours.
 */

/** Bodies above this are gzipped, as the client's WriteApi does by default (not to a loopback server). */
const GZIP_THRESHOLD = 1000;

/**
 * Whether a server on this URL is on this machine. Gzip there saves no network time, yet costs CPU
 * twice on the same machine (we compress, InfluxDB decompresses): measured, it was most of our CPU per
 * batch and slowed InfluxDB's ingest. Over a real network it pays off, so only loopback skips it.
 */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === "[::1]" ||
    host === "[::ffff:127.0.0.1]" ||
    host === "[::ffff:7f00:1]"
  );
}

export interface InfluxSettings {
  url: string;
  /** API token; for InfluxDB 1.8 `user:password`; blank for a server without authentication. */
  token?: string;
  org?: string;
  timeoutMs?: number;
  /** Node https options from a `tls-config` node: ca, cert, key, passphrase, rejectUnauthorized. */
  tls?: Record<string, unknown>;
}

export interface ProbeResult {
  ok: boolean;
  /** What the server reported in `X-Influxdb-Version`, when it did. */
  version?: string;
  message: string;
  /** The message with its catalog key, for the editor's language (the look-up route hands it on). */
  said?: Phrase;
}

function probed(version: string | undefined, said: Phrase): ProbeResult & { ok: true } {
  return { ok: true, version, message: interpolate(said.english, said.vars), said };
}

/**
 * A signal of its own for one request, aborted with `outer`: the transport adds an abort listener to the
 * signal it is given and never removes it, so on a node's long-lived signal every request left one behind
 * (6.7 KB of heap a query in the fuzz run). `release` drops our one listener when the request is over.
 */
function ownSignal(outer: AbortSignal | undefined): { signal: AbortSignal; release: () => void } {
  const own = new AbortController();
  const forward = (): void => own.abort();
  if (outer?.aborted) own.abort();
  else outer?.addEventListener("abort", forward, { once: true });
  return { signal: own.signal, release: () => outer?.removeEventListener("abort", forward) };
}

export class InfluxConnection {
  readonly url: string;
  readonly org: string;
  /** Batches are gzipped unless the server is on loopback (see isLoopbackUrl). */
  readonly gzip: boolean;
  private readonly influx: InfluxDB;

  constructor(settings: InfluxSettings) {
    const url = settings.url?.trim().replace(/\/+$/, "");
    if (!url)
      throw new ValidationError(
        phrase("meter-influxdb:errors.setUrl", "Set the URL of the InfluxDB server in the meter-influxdb config node."),
      );
    if (!/^https?:\/\/[^/]/i.test(url))
      throw new ValidationError(
        phrase(
          "meter-influxdb:errors.badUrl",
          'The InfluxDB URL must start with http:// or https:// (got "__url__").',
          { url: safeUrl(url) },
        ),
      );
    this.url = url;
    this.org = settings.org?.trim() ?? "";
    this.gzip = !isLoopbackUrl(url);
    this.influx = new InfluxDB({
      url,
      token: settings.token?.trim() || undefined,
      timeout: settings.timeoutMs ?? 10_000,
      transportOptions: settings.tls,
    });
  }

  /** Where we write, without any user:password part, for messages. */
  get displayUrl(): string {
    return safeUrl(this.url);
  }

  /**
   * Writes line protocol (millisecond timestamps) to `bucket` in one request; resolves only when
   * InfluxDB confirmed it. Throws typed errors whose messages say what to do.
   */
  async write(bucket: string, lines: readonly string[], signal?: AbortSignal): Promise<void> {
    if (lines.length === 0) return;
    if (!bucket)
      throw new ValidationError(
        phrase(
          "meter-influxdb-write:errors.setBucket",
          "Set a bucket on the meter-influxdb config node or on the write node.",
        ),
      );
    const path =
      `/api/v2/write?org=${encodeURIComponent(this.org)}&bucket=${encodeURIComponent(bucket)}` + `&precision=ms`;
    if (signal?.aborted) throw new AbortedError();
    const request = ownSignal(signal);
    try {
      await this.influx.transport.request(path, lines.join("\n"), {
        method: "POST",
        headers: { "content-type": "text/plain; charset=utf-8" },
        gzipThreshold: this.gzip ? GZIP_THRESHOLD : Infinity,
        signal: request.signal,
      });
    } catch (err) {
      throw this.translate(err, bucket, signal);
    } finally {
      request.release();
    }
  }

  /**
   * Checks the server from the config dialog: reachable (`/ping`), and the token and bucket accepted (an
   * empty write, which stores nothing: 204 or a 400 about the empty body both mean "accepted").
   */
  async probe(bucket: string): Promise<ProbeResult> {
    try {
      return await this.check(bucket);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, message: message.replace(/ The points are kept and retried\.$/, "") };
    }
  }

  /** As `probe`, but a failure is thrown as the typed error, for callers that answer by error class. */
  async check(bucket: string, signal?: AbortSignal): Promise<ProbeResult & { ok: true }> {
    let version: string | undefined;
    try {
      await this.influx.transport.request("/ping", "", { method: "GET", signal }, (headers) => {
        const v = headers["x-influxdb-version"];
        if (v) version = String(v);
      });
    } catch (err) {
      throw this.translate(err, bucket, signal);
    }
    const server = version ? `InfluxDB ${version}` : "InfluxDB";
    if (!bucket)
      return probed(
        version,
        phrase("meter-influxdb:test.reached", "Reached __server__; no bucket set to check.", { server }),
      );
    try {
      await this.write(bucket, ["meterflow_probe"], signal); // unparseable on purpose: InfluxDB stores nothing
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 400)) throw err;
    }
    return probed(
      version,
      phrase("meter-influxdb:test.connected", 'Connected to __server__; bucket "__bucket__" accepts writes.', {
        server,
        bucket,
      }),
    );
  }

  /**
   * The body of one request, chunk by chunk as it arrives (the next chunk is read only when the caller
   * asks for it, so a slow consumer slows the server instead of filling memory). Failures are thrown as
   * the transport's own errors; the query client turns them into sentences about queries.
   */
  stream(path: string, body: string, contentType: string, signal?: AbortSignal): AsyncIterableIterator<Uint8Array> {
    const request = ownSignal(signal);
    const chunks = this.influx.transport.iterate(path, body, {
      method: "POST",
      headers: { "content-type": contentType, accept: "application/json" },
      gzipThreshold: Infinity,
      signal: request.signal,
    });
    return (async function* released(): AsyncGenerator<Uint8Array> {
      try {
        yield* chunks;
      } finally {
        request.release();
      }
    })();
  }

  private translate(err: unknown, bucket: string, signal?: AbortSignal): Error {
    if (signal?.aborted || (err instanceof Error && err.name === "AbortError")) return new AbortedError();
    const url = this.displayUrl;
    if (err instanceof HttpError) {
      const said = serverMessage(err);
      const vars = { url, status: err.statusCode, said: said ? `: ${said}` : "", bucket };
      switch (err.statusCode) {
        case 401:
        case 403:
          return new AuthError(
            phrase(
              "meter-influxdb-write:errors.tokenRefused",
              "InfluxDB at __url__ refused the token (HTTP __status____said__); check the token of the meter-influxdb config node (InfluxDB 1.8: user:password). The points are kept and retried.",
              vars,
            ),
            err.statusCode,
          );
        case 404:
          return new ApiError(
            phrase(
              "meter-influxdb-write:errors.noBucket404",
              'InfluxDB at __url__ has no bucket "__bucket__" (HTTP 404__said__); create it or fix the bucket name (InfluxDB 1.x: database/retention-policy). The points are kept and retried.',
              vars,
            ),
            404,
            err.body,
          );
        case 413:
          return new ApiError(
            phrase(
              "meter-influxdb-write:errors.tooLarge",
              "InfluxDB at __url__ refused a batch as too large (HTTP 413); lower the batch size.",
              vars,
            ),
            413,
            err.body,
          );
        case 429:
          return new RateLimitError(
            phrase(
              "meter-influxdb-write:errors.slowDown",
              "InfluxDB at __url__ asked us to slow down (HTTP 429); retrying later.",
              vars,
            ),
            err.retryAfter() * 1000,
          );
        default:
          return new ApiError(
            err.statusCode >= 500
              ? phrase(
                  "meter-influxdb-write:errors.httpRetrying",
                  "InfluxDB at __url__ answered HTTP __status____said__; retrying.",
                  vars,
                )
              : phrase(
                  "meter-influxdb-write:errors.http",
                  "InfluxDB at __url__ answered HTTP __status____said__.",
                  vars,
                ),
            err.statusCode,
            err.body,
          );
      }
    }
    if (err instanceof RequestTimedOutError)
      return new TimeoutError(
        phrase("meter-influxdb-write:errors.timeout", "InfluxDB at __url__ did not answer in time; retrying.", { url }),
        10_000,
        { cause: err },
      );
    const code = (err as { code?: string } | undefined)?.code;
    const text = err instanceof Error ? err.message : String(err);
    if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))
      return new NetworkError(
        phrase(
          "meter-influxdb-write:errors.untrusted",
          'InfluxDB at __url__ has a certificate this node does not trust (__code__); retrying. For a self-signed server select a TLS configuration with its CA certificate (or turn off "Verify server certificate").',
          { url, code },
        ),
        {
          cause: err,
          statusText: phrase("meter-influxdb-write:status.untrusted", "certificate not trusted"),
        },
      );
    return new NetworkError(
      phrase(
        "meter-influxdb-write:errors.unreachable",
        "Cannot reach InfluxDB at __url__ (__code__); retrying. Check the URL and that InfluxDB runs.",
        { url, code: code ?? text },
      ),
      { cause: err },
    );
  }
}

function serverMessage(err: HttpError): string {
  const json = err.json as { message?: unknown; error?: unknown } | undefined;
  const said = json?.message ?? json?.error;
  const text = typeof said === "string" ? said : (err.body ?? "");
  return excerpt(text);
}

/** The URL without a user:password part. */
export function safeUrl(url: string): string {
  return url.replace(/^(https?:\/\/)[^@/]*@/i, "$1");
}

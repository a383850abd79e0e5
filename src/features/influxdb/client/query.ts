import { HttpError, RequestTimedOutError } from "@influxdata/influxdb-client";
import type { InfluxConnection } from "./client";
import { ApiError, AuthError, NetworkError, phrase, TimeoutError } from "../../../shared/errors";
import { excerpt } from "../../../shared/http";
import { AbortedError } from "../../../shared/sleep";

/**
 * InfluxQL over `/query` with `chunked=true`: InfluxDB streams one JSON object per chunk, each on a line of
 * its own (1.x encodes every chunk with a trailing newline; a JSON text has no raw newline inside), and a
 * series longer than a chunk arrives in pieces marked `partial`. Each piece is handed on and dropped, so a
 * result is never held as text and as objects at once.
 */

export interface QueryRequest {
  /** Database (1.x, 3.x) or bucket mapped by DBRP (2.x); `db/rp` names a retention policy too. */
  database: string;
  query: string;
  /** Rows per chunk InfluxDB sends. */
  chunkSize?: number;
  signal?: AbortSignal;
}

/** One piece of one series: `partial` when the next piece continues the same series. */
export interface SeriesPiece {
  statement: number;
  name: string;
  tags: Record<string, string>;
  columns: string[];
  values: unknown[][];
  partial: boolean;
}

interface ChunkJson {
  error?: string;
  results?: Array<{ statement_id?: number; error?: string; series?: Array<Partial<SeriesPiece>>; partial?: boolean }>;
}

export const DEFAULT_CHUNK_SIZE = 10_000;

/** Splits `db/rp` into the database and retention policy `/query` takes. */
export function databaseParams(database: string): { db: string; rp?: string } {
  const [db, ...rest] = database.split("/");
  const rp = rest.join("/");
  return rp ? { db, rp } : { db };
}

export async function* queryPieces(connection: InfluxConnection, req: QueryRequest): AsyncGenerator<SeriesPiece> {
  const { db, rp } = databaseParams(req.database.trim());
  if (!db)
    throw new ApiError(
      phrase(
        "meter-influxdb-query:errors.noDatabase",
        "Set the database or bucket to read from, on this node or its meter-influxdb config node.",
      ),
      0,
    );
  const params = new URLSearchParams({ db, epoch: "ms", chunked: "true" });
  if (rp) params.set("rp", rp);
  params.set("chunk_size", String(Math.max(1, Math.round(req.chunkSize ?? DEFAULT_CHUNK_SIZE))));
  const body = new URLSearchParams({ q: req.query }).toString();
  const where = connection.displayUrl;
  const decoder = new TextDecoder();
  let pending = "";
  try {
    const chunks = connection.stream(`/query?${params}`, body, "application/x-www-form-urlencoded", req.signal);
    for await (const chunk of chunks) {
      pending += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.trim()) yield* piecesOf(line, where, req.database);
      }
    }
  } catch (err) {
    throw translate(err, where, req);
  }
  pending += decoder.decode();
  if (pending.trim()) yield* piecesOf(pending, where, req.database);
}

function* piecesOf(line: string, where: string, database: string): Generator<SeriesPiece> {
  let json: ChunkJson;
  try {
    json = JSON.parse(line) as ChunkJson;
  } catch {
    throw new ApiError(
      phrase(
        "meter-influxdb-query:errors.notJson",
        "InfluxDB at __url__ sent a query answer that is not JSON: __text__",
        {
          url: where,
          text: excerpt(line),
        },
      ),
      0,
      excerpt(line),
    );
  }
  if (json.error) throw statementError(json.error, where, database);
  for (const result of json.results ?? []) {
    if (result.error) throw statementError(result.error, where, database);
    for (const s of result.series ?? []) {
      yield {
        statement: result.statement_id ?? 0,
        name: s.name ?? "",
        tags: s.tags ?? {},
        columns: s.columns ?? [],
        values: s.values ?? [],
        partial: s.partial === true,
      };
    }
  }
}

/** Marks errors already translated, so the catch around the stream leaves them as they are. */
class QueryError extends ApiError {}

function statementError(said: string, where: string, database: string): ApiError {
  const text = excerpt(said);
  if (/database not found|no dbrp mapping|bucket .*not found/i.test(said))
    return new QueryError(
      phrase(
        "meter-influxdb-query:errors.noSuchDatabase",
        'InfluxDB at __url__ has no database "__database__" (__text__); create it, fix the database name on the node or its config node, or on InfluxDB 2.x map the bucket with a DBRP mapping (influx v1 dbrp create).',
        { url: where, database, text },
      ),
      404,
      text,
      { statusText: phrase("meter-influxdb-query:status.noSuchDatabase", "database not found") },
    );
  return new QueryError(
    phrase("meter-influxdb-query:errors.refused", "InfluxDB at __url__ refused the query: __text__. Fix the query.", {
      url: where,
      text,
    }),
    400,
    text,
    { statusText: phrase("meter-influxdb-query:status.refused", "query refused") },
  );
}

function translate(err: unknown, where: string, req: QueryRequest): Error {
  if (err instanceof QueryError || err instanceof AbortedError) return err;
  if (req.signal?.aborted || (err instanceof Error && err.name === "AbortError")) return new AbortedError();
  if (err instanceof HttpError) {
    const json = err.json as { error?: unknown; message?: unknown } | undefined;
    const saidRaw = json?.error ?? json?.message;
    const said = typeof saidRaw === "string" ? saidRaw : (err.body ?? "");
    switch (err.statusCode) {
      case 401:
      case 403:
        return new AuthError(
          phrase(
            "meter-influxdb-query:errors.tokenRefused",
            "InfluxDB at __url__ refused the token (HTTP __status____said__); check the token of the meter-influxdb config node (it needs read access; InfluxDB 1.8: user:password).",
            { url: where, status: err.statusCode, said: said ? `: ${excerpt(said)}` : "" },
          ),
          err.statusCode,
          { statusText: phrase("meter-influxdb-query:status.tokenRefused", "token refused") },
        );
      case 404:
        return statementError(said || "database not found", where, req.database);
      case 400:
        return statementError(said || "bad request", where, req.database);
      default:
        return new ApiError(
          phrase(
            "meter-influxdb-query:errors.http",
            "InfluxDB at __url__ answered HTTP __status____said__; try again later.",
            {
              url: where,
              status: err.statusCode,
              said: said ? `: ${excerpt(said)}` : "",
            },
          ),
          err.statusCode,
          excerpt(said),
        );
    }
  }
  if (err instanceof RequestTimedOutError)
    return new TimeoutError(
      phrase(
        "meter-influxdb-query:errors.timeout",
        "InfluxDB at __url__ did not answer the query in time; try a shorter time range.",
        { url: where },
      ),
      0,
      { cause: err },
    );
  if (err instanceof ApiError) return err;
  const code = (err as { code?: string } | undefined)?.code;
  const text = err instanceof Error ? err.message : String(err);
  return new NetworkError(
    phrase(
      "meter-influxdb-query:errors.unreachable",
      "Cannot reach InfluxDB at __url__ (__code__); check the URL and that InfluxDB runs.",
      { url: where, code: code ?? text },
    ),
    { statusText: phrase("meter-influxdb-query:status.unreachable", "unreachable") },
  );
}

/**
 * What a feature declares for one of the editor's look-up buttons (find homes, list devices, test the
 * connection). The route policy in src/runtime/lookup.ts decides which secrets may be used where; the
 * feature only says which fields it reads, how its base URL is resolved and what the look-up does.
 */

/** Plain (non-secret) values, each a string; absent fields are "". */
export type LookupFields = Readonly<Record<string, string>>;

export interface LookupCall {
  /** The declared settings as the request sent them (for a stored-secret call, equal in URL to the node's). */
  settings: LookupFields;
  /** Every declared credential field: typed in the dialog, or the node's stored value. */
  secrets: LookupFields;
  /** The effective base URL, as `baseUrl(settings)` resolved it. */
  baseUrl: string;
  /**
   * The deployed node itself, only when the call uses exactly its stored URL and credentials, so a
   * look-up can share the node's client (token, budget) instead of making another one.
   */
  deployed?: unknown;
  /** Aborted when the editor gives up on the request. */
  signal: AbortSignal;
}

export interface Lookup {
  /** The node type whose stored settings and credentials the route may use; also `<type>.read`. */
  type: string;
  /** Admin path; may contain `:id` for the node id, otherwise the id comes from the JSON body. */
  path: string;
  /** The service as users know it, for the short reasons: "Tibber", "InfluxDB". */
  service: string;
  /** Settings read from the request (and from the stored node, for the URL comparison). */
  settings: readonly string[];
  /** Credential fields; a typed value is used as typed, a blank or `__PWRD__` one means the stored value. */
  secrets: readonly string[];
  /** Credential fields that may stay blank (an InfluxDB without authentication). */
  optional?: readonly string[];
  /** The effective base URL for a set of settings: the request's or the stored node's. */
  baseUrl(settings: LookupFields): string;
  /** The look-up itself; its result is answered as JSON (with every secret redacted). */
  run(call: LookupCall): Promise<unknown>;
}

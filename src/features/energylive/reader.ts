import { AuthError, english, phrase, ValidationError, type Phrase } from "../../shared/errors";
import { DEFAULT_RETRY } from "../../shared/retry";
import {
  EnergyLiveClient,
  NewReadingFilter,
  powerSummary,
  toReaderOutput,
  type LatestReadings,
  type ReaderOutput,
} from "./client";

/** energyLIVE records a value about every 20–30 s; polling faster only fetches the same values again. */
export const USEFUL_INTERVAL_S = 30;
/** A reading older than this (or three intervals) means the interface stopped reporting. */
const STALE_MS = 15 * 60_000;

export interface ReaderOptions {
  apiKey: string;
  baseUrl?: string;
  timeoutMs: number;
  intervalS: number;
  onlyNew: boolean;
  /** Says a phrase in the runtime's language; English without one. */
  say?: Say;
}

export type Say = (p: Phrase) => string;

/** What one read found, for the node to show and send. */
export interface ReadResult {
  /** Undefined when there is nothing (new) to send. */
  output?: ReaderOutput;
  status: { kind: "ok"; power: string; at: number } | { kind: "stale"; since: number } | { kind: "empty"; uid: string };
  /** Values energyLIVE sent that could not be read: key (to warn once) and sentence. */
  skipped: Array<{ key: string; text: string }>;
}

/** One energyLIVE interface as a reader node sees it: fetch, name, filter to new readings, judge staleness. */
export class EnergyLiveReader {
  private readonly client?: EnergyLiveClient;
  private readonly setupError?: Error;
  private readonly filter = new NewReadingFilter();
  private readonly staleMs: number;

  constructor(private readonly options: ReaderOptions) {
    this.staleMs = Math.max(STALE_MS, 3 * options.intervalS * 1000);
    try {
      this.client = new EnergyLiveClient({
        apiKey: options.apiKey,
        baseUrl: options.baseUrl,
        timeoutMs: options.timeoutMs,
        retry: DEFAULT_RETRY,
      });
    } catch (err) {
      this.setupError = err as Error;
    }
  }

  /** Why the reader cannot work at all (no key, bad base URL), or undefined. */
  get problem(): Error | undefined {
    return this.setupError;
  }

  async read(
    deviceUid: string,
    signal: AbortSignal,
    onRetry: (err: unknown, delayMs: number) => void,
    now: number,
  ): Promise<ReadResult> {
    if (!this.client)
      throw (
        this.setupError ?? new AuthError(phrase("energylive-reader:errors.noKeyShort", "No energyLIVE API key is set."))
      );
    const latest = await this.client.latest(deviceUid, { signal, onRetry });
    const skipped = skippedValues(latest, this.options.say ?? english);
    const output = toReaderOutput(latest);
    if (!output) {
      return { skipped, status: { kind: "empty", uid: latest.deviceUid } };
    }
    const isNew = this.filter.admit(latest);
    const status: ReadResult["status"] =
      now - output.timestamp > this.staleMs
        ? { kind: "stale", since: output.timestamp }
        : { kind: "ok", power: powerSummary(output.payload), at: output.timestamp };
    return { output: this.options.onlyNew && !isNew ? undefined : output, status, skipped };
  }
}

function skippedValues(latest: LatestReadings, say: Say): ReadResult["skipped"] {
  return latest.skipped.map((s) => ({
    key: `${s.key}:${s.reason}`,
    text: say(
      phrase(
        "energylive-reader:warnings.skipped",
        "energyLIVE sent no usable value for __key__ (__reason__); it is left out of the output.",
        { key: s.key, reason: say(s.said) },
      ),
    ),
  }));
}

/** Polling needs a device UID. */
export function uidMissing(): ValidationError {
  return new ValidationError(phrase("energylive-reader:errors.setUid", "Set the device UID to poll."));
}

/** A warning when the polling interval is shorter than energyLIVE's own recording interval. */
export function pollingTooFast(intervalS: number, say: Say = english): string | undefined {
  if (intervalS >= USEFUL_INTERVAL_S) return undefined;
  return say(
    phrase(
      "energylive-reader:warnings.tooFast",
      "Polling every __interval__ s: energyLIVE records a new value only about every 20–30 s, so faster polling fetches the same values again. __useful__ s or more is enough.",
      { interval: intervalS, useful: USEFUL_INTERVAL_S },
    ),
  );
}

/** The slowest retry of a refused key (20 polling intervals, at most this). */
const REFUSED_RETRY_MAX_MS = 15 * 60_000;

/**
 * A refused key may be restored in the portal: the poller keeps asking, slowly, reports the refusal once
 * and says when the key works again.
 */
export class KeyRefusals {
  private refused = false;
  private readonly retryMs: number;

  constructor(
    intervalS: number,
    private readonly say: Say = english,
  ) {
    this.retryMs = Math.min(REFUSED_RETRY_MAX_MS, intervalS * 1000 * 20);
  }

  /** For a refused key: whether it is the first refusal, the status, and when to ask again. */
  failed(err: unknown): { first: boolean; status: string; retryMs: number } | undefined {
    if (!(err instanceof AuthError)) return undefined;
    const first = !this.refused;
    this.refused = true;
    const s = Math.ceil(this.retryMs / 1000);
    return {
      first,
      status: this.say(
        s < 60
          ? phrase("energylive-reader:status.keyRefusedSeconds", "API key refused · retry in __n__ s", { n: s })
          : phrase("energylive-reader:status.keyRefusedMinutes", "API key refused · retry in __n__ min", {
              n: Math.ceil(s / 60),
            }),
      ),
      retryMs: this.retryMs,
    };
  }

  /** True when this success ends a refusal. */
  succeeded(): boolean {
    const was = this.refused;
    this.refused = false;
    return was;
  }
}

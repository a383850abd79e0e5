import { ApiError, AuthError, phrase, RateLimitError, type Phrase } from "../../../shared/errors";
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from "../../../shared/retry";
import { resolveBaseUrl } from "../../../shared/base-url";
import { excerpt, HttpTransport, retryAfterMs, type TextResponse } from "../../../shared/http";
import { parseLatest, type ParsedLatest } from "./parse";
import { normalizeDeviceUid } from "./uid";

export const ENERGYLIVE_BASE_URL = "https://backend.energylive.e-steiermark.com/api/v1";
export const ENERGYLIVE_BASE_URL_ENV = "ENERGYLIVE_BASE_URL";
const SERVICE = "energyLIVE";

export interface EnergyLiveOptions {
  apiKey: string;
  /** Blank: ENERGYLIVE_BASE_URL from the environment, else the real service. */
  baseUrl?: string;
  timeoutMs?: number;
  retry?: RetryPolicy;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Called before each retry wait, e.g. to show a yellow status. */
  onRetry?: (err: unknown, delayMs: number, attempt: number) => void;
}

export interface LatestReadings extends ParsedLatest {
  deviceUid: string;
  receivedAt: number;
}

/**
 * The energyLIVE REST API (reference D2–D3): the device list and the latest measurements of a device,
 * with the API key in `X-API-KEY` on every request, retries for passing faults, and statuses mapped to
 * errors that say what to do.
 */
export class EnergyLiveClient {
  readonly baseUrl: string;
  private readonly http: HttpTransport;
  private readonly retry: RetryPolicy;

  constructor(options: EnergyLiveOptions) {
    if (!options.apiKey?.trim()) {
      throw new AuthError(
        phrase(
          "energylive-reader:errors.noKey",
          "No energyLIVE API key is set: create one in the smartENERGY customer portal (energyLIVE → API KEY VERWALTEN) and paste it into the energyLIVE account the reader uses.",
        ),
      );
    }
    this.baseUrl = resolveBaseUrl(options.baseUrl, ENERGYLIVE_BASE_URL_ENV, ENERGYLIVE_BASE_URL);
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.http = new HttpTransport(SERVICE, {
      baseUrl: this.baseUrl,
      timeoutMs: options.timeoutMs,
      headers: { "X-API-KEY": options.apiKey.trim() },
    });
  }

  /** The UIDs of the devices this key may read (interfaces `I-…`, gateways `G-…`). */
  async listDevices(options: CallOptions = {}): Promise<string[]> {
    const body = await this.getJson("/devices", options);
    if (!Array.isArray(body))
      throw unexpectedShape(
        phrase(
          "energylive-reader:errors.unexpectedDevices",
          "energyLIVE sent an unexpected answer to /devices (expected a list of device UIDs); the next poll tries again.",
        ),
      );
    return body
      .map((d: unknown) => (typeof d === "string" ? d : (d as { id?: unknown } | null)?.id))
      .filter((d): d is string => typeof d === "string" && d !== "");
  }

  /** The values the device recorded last, each with its own timestamp. */
  async latest(deviceUid: string, options: CallOptions = {}): Promise<LatestReadings> {
    const uid = normalizeDeviceUid(deviceUid);
    const body = await this.getJson(`/devices/${encodeURIComponent(uid)}/measurements/latest`, options, uid);
    if (!Array.isArray(body))
      throw unexpectedShape(
        phrase(
          "energylive-reader:errors.unexpectedLatest",
          "energyLIVE sent an unexpected answer to measurements/latest (expected a list of measurements); the next poll tries again.",
        ),
      );
    const receivedAt = Date.now();
    return { deviceUid: uid, receivedAt, ...parseLatest(body as unknown[], receivedAt) };
  }

  private getJson(path: string, options: CallOptions, uid?: string): Promise<unknown> {
    return withRetry(
      async () => {
        const res = await this.http.request({ method: "GET", url: path, signal: options.signal });
        if (res.status !== 200) throw this.statusError(res, uid);
        return this.http.json(res);
      },
      this.retry,
      { signal: options.signal, onRetry: options.onRetry },
    );
  }

  private statusError(res: TextResponse, uid?: string): Error {
    const { status } = res;
    if (status === 401 || status === 403) {
      return new AuthError(
        phrase(
          "energylive-reader:errors.keyRejected",
          "energyLIVE rejected the API key: HTTP __status__, it may be mistyped or revoked; create a new key in the smartENERGY customer portal (energyLIVE → API KEY VERWALTEN) and paste it into the energyLIVE account the reader uses.",
          { status },
        ),
        status,
      );
    }
    if (status === 404) {
      return new ApiError(
        uid
          ? phrase(
              "energylive-reader:errors.unknownUid",
              "energyLIVE device UID not found: __uid__; check the UID under ENERGYLIVE VERWALTEN in the customer portal (it must belong to this API key).",
              { uid },
            )
          : phrase(
              "energylive-reader:errors.notFound",
              "energyLIVE answered 404 Not Found; check the base URL (__url__).",
              { url: this.baseUrl },
            ),
        404,
        excerpt(res.body),
      );
    }
    if (status === 429) {
      const wait = retryAfterMs(res.headers) ?? 60_000;
      return new RateLimitError(
        phrase(
          "energylive-reader:errors.slowDown",
          "energyLIVE asks to slow down (HTTP 429); retrying in __seconds__ s. Raise the polling interval if this repeats.",
          { seconds: Math.ceil(wait / 1000) },
        ),
        wait,
      );
    }
    if (status >= 500) {
      return new ApiError(
        phrase(
          "energylive-reader:errors.serverTrouble",
          "energyLIVE is having trouble (HTTP __status__); this is on their side and passes, the node retries.",
          { status },
        ),
        status,
        excerpt(res.body),
      );
    }
    return new ApiError(
      phrase("energylive-reader:errors.refused", "energyLIVE refused the request (HTTP __status__).", { status }),
      status,
      excerpt(res.body),
    );
  }
}

function unexpectedShape(message: Phrase): ApiError {
  return new ApiError(message, 0);
}

import { ApiError, MeterflowError, NetworkError, phrase, TimeoutError, ValidationError } from "../../../shared/errors";
import { withRetry, type RetryPolicy } from "../../../shared/retry";
import { parseSlots, slotAt, type Resolution } from "../domain/slots";
import { isValidTimeZone } from "../../../shared/time/zone";
import { tryParseInstant } from "../../../shared/time/instant";
import { HttpTransport } from "../../../shared/http";
import { CONSUMPTION_QUERY, HOMES_QUERY, PRICES_QUERY, QUARTER_PRICES_QUERY } from "./queries";
import { readGraphQL } from "./responses";
import type { ConsumptionHour, HomePrices, TibberHome, WireHome } from "./models";

export const TIBBER_URL = "https://api.tibber.com/v1-beta/gql";
export const TIBBER_ENV = "TIBBER_BASE_URL";

export interface TibberClientOptions {
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  /** Retries of passing faults (5xx, timeouts) inside one call; rate limits are never retried here. */
  retry?: RetryPolicy;
  now?: () => number;
}

const DEFAULT_TIBBER_RETRY: RetryPolicy = { retries: 2, baseMs: 2_000, maxMs: 20_000, maxRetryAfterMs: 0 };

/** A typed client of Tibber's GraphQL API: one POST per question, answers parsed into our models. */
export class TibberClient {
  private readonly http: HttpTransport;
  private readonly retry: RetryPolicy;
  private readonly now: () => number;
  /** Kept out of enumerable fields so that logging the client cannot print it. */
  readonly #token: string;

  constructor(options: TibberClientOptions) {
    if (!options.token?.trim()) {
      throw new ValidationError(
        phrase(
          "tibber-prices:errors.noToken",
          "No Tibber token: choose a Tibber account in this node (with a token from developer.tibber.com/settings/access-token), then deploy.",
        ),
      );
    }
    this.#token = options.token.trim();
    this.http = new HttpTransport("Tibber", { baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 20_000 });
    this.retry = options.retry ?? DEFAULT_TIBBER_RETRY;
    this.now = options.now ?? Date.now;
  }

  async homes(signal?: AbortSignal): Promise<TibberHome[]> {
    const data = await this.query<{ viewer?: { homes?: (WireHome | null)[] } }>(HOMES_QUERY, {}, signal);
    return (data.viewer?.homes ?? []).filter((h): h is WireHome => !!h && typeof h.id === "string").map(toHome);
  }

  async prices(homeId: string, resolution: Resolution, signal?: AbortSignal): Promise<HomePrices> {
    const quarter = resolution === "QUARTER_HOURLY";
    const data = await this.query<{ viewer?: { home?: WireHome | null } }>(
      quarter ? QUARTER_PRICES_QUERY : PRICES_QUERY,
      quarter ? { homeId } : { homeId, resolution },
      signal,
    );
    const home = data.viewer?.home;
    if (!home)
      throw new ValidationError(
        phrase(
          "tibber-prices:errors.unknownHomeId",
          "Tibber knows no home with id __home__ on this account; pick one of the account's homes in the node.",
          { home: homeId },
        ),
      );
    const info = home.currentSubscription?.priceInfo;
    if (!home.currentSubscription || !info) {
      throw new ValidationError(
        phrase(
          "tibber-prices:errors.homeIdWithoutContract",
          "The Tibber home __home__ has no active power contract, so Tibber publishes no prices for it; pick a home with a contract.",
          { home: homeId },
        ),
      );
    }
    const today = parseSlots(info.today ?? [], resolution);
    const tomorrow = parseSlots(info.tomorrow ?? [], resolution);
    const timeZone = home.timeZone && isValidTimeZone(home.timeZone) ? home.timeZone : "Europe/Oslo";
    const currency = today[0]?.currency || info.current?.currency || "";
    const current = slotAt(today, this.now()) ?? parseSlots(info.current ? [info.current] : [], resolution)[0];
    const hourlyInfo = home.currentSubscription.hourly;
    const hourly = hourlyInfo
      ? {
          today: parseSlots(hourlyInfo.today ?? [], "HOURLY"),
          tomorrow: parseSlots(hourlyInfo.tomorrow ?? [], "HOURLY"),
        }
      : undefined;
    return {
      homeId: home.id,
      timeZone,
      resolution,
      currency: currency || hourly?.today[0]?.currency || "",
      current,
      today,
      tomorrow,
      ...(hourly ? { hourly } : {}),
    };
  }

  /** The last `hours` hourly consumption values; hours Tibber has no data for are left out. */
  async consumption(homeId: string, hours: number, signal?: AbortSignal): Promise<ConsumptionHour[]> {
    const last = Math.max(1, Math.min(744, Math.round(hours)));
    const data = await this.query<{ viewer?: { home?: WireHome | null } }>(CONSUMPTION_QUERY, { homeId, last }, signal);
    const connection = data.viewer?.home?.consumption;
    const currency = connection?.pageInfo?.currency ?? "";
    const out: ConsumptionHour[] = [];
    for (const node of connection?.nodes ?? []) {
      if (!node || typeof node.consumption !== "number") continue;
      const fromMs = tryParseInstant(node.from);
      if (fromMs === undefined) continue;
      out.push({
        fromMs,
        from: node.from,
        to: node.to,
        consumption: node.consumption,
        cost: node.cost ?? null,
        unitPrice: node.unitPrice ?? null,
        unitPriceVAT: node.unitPriceVAT ?? null,
        unit: node.consumptionUnit ?? "kWh",
        currency: node.currency ?? currency,
      });
    }
    return out;
  }

  /** One GraphQL POST, with retries of passing faults. */
  async query<T>(query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    return withRetry(
      async () => {
        const res = await this.http
          .request({
            method: "POST",
            url: "",
            data: { query, variables },
            headers: { Authorization: `Bearer ${this.#token}`, "Content-Type": "application/json" },
            signal,
          })
          .catch((err: unknown) => {
            throw withoutCause(err);
          });
        return readGraphQL<T>(this.http, res, this.now());
      },
      this.retry,
      { signal },
    );
  }
}

function toHome(h: WireHome): TibberHome {
  return {
    id: h.id,
    nickname: h.appNickname ?? null,
    address1: h.address?.address1 ?? null,
    timeZone: h.timeZone && isValidTimeZone(h.timeZone) ? h.timeZone : "Europe/Oslo",
    hasSubscription: !!h.currentSubscription,
  };
}

/**
 * Transport errors carry the axios error as `cause`, and that holds the request headers, token
 * included. Whoever logs our error with its properties must not see it, so the cause is dropped.
 */
function withoutCause(err: unknown): unknown {
  // The catalog keys stay, so that a timeout reads in the runtime's language like everywhere else.
  const texts = err instanceof MeterflowError && err.i18n ? { i18n: err.i18n } : undefined;
  if (err instanceof TimeoutError) return new TimeoutError(err.message, err.timeoutMs, texts);
  if (err instanceof NetworkError) return new NetworkError(err.message, texts);
  if (err instanceof ApiError) return new ApiError(err.message, err.status, err.body, texts);
  if (err instanceof MeterflowError || !(err instanceof Error)) return err;
  return err.name === "AbortedError"
    ? err
    : new NetworkError(
        phrase("tibber-prices:errors.unreachable", "Cannot reach Tibber: __detail__", { detail: err.message }),
      );
}

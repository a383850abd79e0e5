import { createHash } from "node:crypto";
import { phrase, ValidationError } from "../../../shared/errors";
import { withRetry, type RetryPolicy } from "../../../shared/retry";
import { TibberClient } from "../client/client";
import { label, noHomeMatches } from "../client/homes";

/**
 * Which home a tibber-live node means: the id, the app nickname or the first address line; blank picks
 * the only home with a real-time meter. A home whose `features.realTimeConsumptionEnabled` is false has
 * no Pulse or Watty, so Tibber has no live feed for it (reference A7, step 1).
 */

const LIVE_HOMES_QUERY = `query LiveHomes {
  viewer { homes { id appNickname address { address1 } features { realTimeConsumptionEnabled } } }
}`;

interface WireLiveHome {
  id?: unknown;
  appNickname?: string | null;
  address?: { address1?: string | null } | null;
  features?: { realTimeConsumptionEnabled?: boolean | null } | null;
}

export async function resolveLiveHome(client: TibberClient, wanted: string, signal?: AbortSignal): Promise<string> {
  const data = await client.query<{ viewer?: { homes?: (WireLiveHome | null)[] } }>(LIVE_HOMES_QUERY, {}, signal);
  const homes = (data.viewer?.homes ?? [])
    .filter((h): h is WireLiveHome & { id: string } => !!h && typeof h.id === "string")
    .map((h) => ({
      id: h.id,
      nickname: h.appNickname ?? null,
      address1: h.address?.address1 ?? null,
      timeZone: "UTC",
      hasSubscription: true,
      live: h.features?.realTimeConsumptionEnabled === true,
    }));
  const want = wanted.trim();
  const lower = want.toLowerCase();
  const home = want
    ? (homes.find((h) => h.id === want) ??
      homes.find((h) => h.nickname?.toLowerCase() === lower || h.address1?.toLowerCase() === lower))
    : undefined;
  const list = homes.map(label).join(", ") || "none";
  if (want && !home) throw new ValidationError(noHomeMatches(want, list));
  if (home && !home.live) {
    throw new ValidationError(
      phrase(
        "tibber-live:errors.homeWithoutMeter",
        "The Tibber home __home__ has no real-time meter (Pulse or Watty), so Tibber has no live feed for it.",
        { home: label(home) },
      ),
    );
  }
  if (home) return home.id;
  const live = homes.filter((h) => h.live);
  if (live.length === 1) return live[0].id;
  throw new ValidationError(
    live.length === 0
      ? phrase(
          "tibber-live:errors.noHomeWithMeter",
          "None of this account's Tibber homes has a real-time meter (Pulse or Watty): __homes__.",
          { homes: list },
        )
      : phrase(
          "tibber-live:errors.manyHomes",
          "This Tibber account has __count__ homes with a real-time meter; set Home to one of: __homes__.",
          { count: live.length, homes: live.map(label).join(", ") },
        ),
  );
}

/** Where a home once found is kept (node state), so a redeploy does not ask Tibber again. */
export interface HomeMemory {
  get(key: string): string | undefined;
  set(key: string, homeId: string): void;
}

export interface LiveHomeRequest {
  baseUrl: string;
  token: string;
  wanted: string;
  retry: RetryPolicy;
  signal: AbortSignal;
  onRetry: (err: unknown, delayMs: number) => void;
}

/**
 * The home's id, asked of Tibber (with retries) only when this account and choice have not been answered
 * before: 100 redeploys once cost 100 home look-ups on top of the sockets, against Tibber's 100 requests
 * per 5 minutes. The key holds a hash, never the token itself (node state may be a file on disk).
 */
export async function findLiveHome(req: LiveHomeRequest, memory: HomeMemory): Promise<string> {
  const key = createHash("sha256").update(`${req.baseUrl}\n${req.token}\n${req.wanted}`).digest("hex").slice(0, 32);
  const known = memory.get(key);
  if (known) return known;
  const client = new TibberClient({ baseUrl: req.baseUrl, token: req.token });
  const homeId = await withRetry(() => resolveLiveHome(client, req.wanted, req.signal), req.retry, {
    signal: req.signal,
    onRetry: req.onRetry,
  });
  memory.set(key, homeId);
  return homeId;
}

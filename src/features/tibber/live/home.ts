import { phrase, ValidationError } from "../../../shared/errors";
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

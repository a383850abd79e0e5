import { addDays, atLocalTime, localDateKey } from "../../../src/shared/time/calendar";
import type { SimClock } from "../clock";
import type { SimAccount, SimHome } from "./accounts";
import { consumption, type ConsumptionState } from "./consumption";
import { GraphQLFailure } from "./graphql/parser";
import type { GqlObject } from "./graphql/execute";
import { HOUR_MS, type PriceModel, QUARTER_MS } from "./prices";
import { PRICE_RESOLUTIONS, text } from "./wire";

/**
 * The object graph a query runs against (reference A2 schema subset): the viewer, its homes, their
 * subscription with `priceInfo` at either resolution, and hourly `consumption`.
 */

/** What the graph reads from the simulator at query time. */
export interface GraphState extends ConsumptionState {
  readonly clock: SimClock;
  readonly publishAtMinutes: number;
  readonly neverPublish: boolean;
  readonly websocketUrl: string;
}

export function viewerRoot(state: GraphState, prices: PriceModel, account: SimAccount): GqlObject {
  const homeObject = (home: SimHome): GqlObject => homeNode(state, prices, home);
  const viewer: GqlObject = {
    __typename: "Viewer",
    name: account.name,
    login: `${account.name.split(" ")[0].toLowerCase()}@winterfell.com`,
    userId: `user-${account.token.slice(0, 6)}`,
    accountType: ["tibber", "customer"],
    websocketSubscriptionUrl: state.websocketUrl,
    homes: () => account.homes.map((h) => homeObject(h)),
    home: (args: Record<string, unknown>) => {
      const home = account.homes.find((h) => h.id === args.id);
      if (!home) throw new GraphQLFailure(`Could not find home with id ${text(args.id)}`, "BAD_USER_INPUT");
      return homeObject(home);
    },
  };
  return { __typename: "Query", viewer };
}

function homeNode(state: GraphState, prices: PriceModel, home: SimHome): GqlObject {
  return {
    __typename: "Home",
    id: home.id,
    timeZone: home.timeZone,
    appNickname: home.appNickname,
    appAvatar: "FLOORHOUSE1",
    size: 120,
    type: "HOUSE",
    numberOfResidents: 4,
    primaryHeatingSource: "ELECTRICITY",
    hasVentilationSystem: false,
    mainFuseSize: 25,
    address: {
      __typename: "Address",
      address1: home.address1,
      address2: null,
      address3: null,
      city: home.city ?? null,
      postalCode: home.postalCode ?? null,
      country: home.country ?? null,
      latitude: null,
      longitude: null,
    },
    features: { __typename: "HomeFeatures", realTimeConsumptionEnabled: home.realTime ?? false },
    currentSubscription: home.subscription ? subscriptionNode(state, prices, home) : null,
    consumption: (args: Record<string, unknown>) => consumption(state, prices, home, args),
  };
}

function subscriptionNode(state: GraphState, prices: PriceModel, home: SimHome): GqlObject {
  return {
    __typename: "Subscription",
    id: `sub-${home.id.slice(0, 8)}`,
    status: "running",
    validFrom: "2021-01-01T00:00:00+01:00",
    validTo: null,
    priceInfo: (args: Record<string, unknown>) => {
      const resolution = text(args.resolution ?? "HOURLY");
      if (!PRICE_RESOLUTIONS.includes(resolution)) {
        throw new GraphQLFailure(
          `Value "${resolution}" does not exist in "PriceInfoResolution" enum.`,
          "GRAPHQL_VALIDATION_FAILED",
        );
      }
      return priceInfo(state, prices, home, resolution === "QUARTER_HOURLY" ? QUARTER_MS : HOUR_MS);
    },
  };
}

function priceInfo(state: GraphState, prices: PriceModel, home: SimHome, stepMs: number): GqlObject {
  const now = state.clock.now();
  const today = localDateKey(now, home.timeZone);
  const published = !state.neverPublish && now >= atLocalTime(today, state.publishAtMinutes, home.timeZone);
  return {
    __typename: "PriceInfo",
    current: () => prices.priceObject(home, Math.floor(now / stepMs) * stepMs, stepMs),
    today: () => prices.dayPrices(home, today, stepMs),
    tomorrow: () => (published ? prices.dayPrices(home, addDays(today, 1), stepMs) : []),
  };
}

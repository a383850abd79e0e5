import { addDays, atLocalTime, localDateKey } from "../../../src/shared/time/calendar";
import type { SimClock } from "../clock";
import type { SimAccount, SimHome } from "./accounts";
import { consumption, type ConsumptionState } from "./consumption";
import { GraphQLFailure } from "./graphql/parser";
import type { GqlObject } from "./graphql/execute";
import { HOUR_MS, type PriceModel, QUARTER_MS } from "./prices";
import { priceConnection } from "./ranges";
import { PRICE_RESOLUTIONS, text } from "./wire";

/**
 * The object graph a query runs against (reference A2 schema subset): the viewer, its homes with owner,
 * metering point and contracts (`currentSubscription`, `subscriptions`), `priceInfo` at either
 * resolution with the deprecated `range`, `priceInfoRange`, and `consumption`/`production` at every
 * resolution. The fields are those bisand/tibber-api 5.6.0 asks for (`lib/src/gql/*.gql.js`).
 */

/** What the graph reads from the simulator at query time. */
export interface GraphState extends ConsumptionState {
  readonly clock: SimClock;
  readonly publishAtMinutes: number;
  readonly neverPublish: boolean;
  /**
   * Local dates (YYYY-MM-DD) on which `priceInfo(resolution: QUARTER_HOURLY)` answers
   * `{"current": null, "today": [], "tomorrow": []}` while HOURLY still has its prices, as Tibber did on
   * 2026-05-17 for homes with a running contract (evcc-io/evcc#29947).
   */
  readonly emptyQuarterDays: ReadonlySet<string>;
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
    owner: legalEntity(home),
    meteringPointData: {
      __typename: "MeteringPointData",
      consumptionEan: `7070575000${String(home.seed).padStart(8, "0")}`,
      gridCompany: home.currency === "EUR" ? "Stromnetz Berlin" : "Elvia AS",
      gridAreaCode: home.currency === "EUR" ? "10YDE-VE-------2" : "10YNO-1--------2",
      priceAreaCode: home.currency === "EUR" ? "DE" : "NO1",
      productionEan: null,
      energyTaxType: "normal",
      vatType: "normal",
      estimatedAnnualConsumption: 16000,
    },
    features: { __typename: "HomeFeatures", realTimeConsumptionEnabled: home.realTime ?? false },
    currentSubscription: home.subscription ? subscriptionNode(state, prices, home) : null,
    // Past contracts are not modelled: the list is the running one, or empty for a home without one.
    subscriptions: home.subscription ? [subscriptionNode(state, prices, home)] : [],
    consumption: (args: Record<string, unknown>) => consumption(state, prices, home, args),
    production: (args: Record<string, unknown>) => consumption(state, prices, home, args, "production"),
  };
}

function legalEntity(home: SimHome): GqlObject {
  return {
    __typename: "LegalEntity",
    id: `owner-${home.id.slice(0, 8)}`,
    firstName: "Arya",
    isCompany: false,
    name: "Arya Stark",
    middleName: null,
    lastName: "Stark",
    organizationNo: null,
    language: "en-US",
    contactInfo: { __typename: "ContactInfo", email: "arya@winterfell.com", mobile: "+4799999999" },
    address: null,
  };
}

function subscriptionNode(state: GraphState, prices: PriceModel, home: SimHome): GqlObject {
  const published = (): boolean => isPublished(state, home);
  return {
    __typename: "Subscription",
    id: `sub-${home.id.slice(0, 8)}`,
    status: "running",
    validFrom: "2021-01-01T00:00:00+01:00",
    validTo: null,
    subscriber: legalEntity(home),
    priceInfoRange: (args: Record<string, unknown>) =>
      priceConnection(state.clock.now(), prices, home, args, ["DAILY", "HOURLY", "QUARTER_HOURLY"], published),
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

function isPublished(state: GraphState, home: SimHome): boolean {
  const now = state.clock.now();
  const today = localDateKey(now, home.timeZone);
  return !state.neverPublish && now >= atLocalTime(today, state.publishAtMinutes, home.timeZone);
}

function priceInfo(state: GraphState, prices: PriceModel, home: SimHome, stepMs: number): GqlObject {
  const now = state.clock.now();
  const today = localDateKey(now, home.timeZone);
  const published = isPublished(state, home);
  // The deprecated range never answers QUARTER_HOURLY (reference A2: `PriceResolution { HOURLY DAILY }`).
  const range = (args: Record<string, unknown>): GqlObject =>
    priceConnection(now, prices, home, args, ["HOURLY", "DAILY"], () => published, "PriceResolution");
  if (stepMs === QUARTER_MS && state.emptyQuarterDays.has(today)) {
    return { __typename: "PriceInfo", current: null, today: [], tomorrow: [], range };
  }
  return {
    __typename: "PriceInfo",
    current: () => prices.priceObject(home, Math.floor(now / stepMs) * stepMs, stepMs),
    today: () => prices.dayPrices(home, today, stepMs),
    tomorrow: () => (published ? prices.dayPrices(home, addDays(today, 1), stepMs) : []),
    range,
  };
}

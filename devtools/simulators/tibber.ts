import { addDays, atLocalTime, localDateKey, startOfLocalDay } from "../../src/shared/time/calendar";
import { formatLocalIso, localParts } from "../../src/shared/time/zone";
import { RollingWindow } from "./rate-window";
import { SimulatorServer, type SimRequest, type SimResponse } from "./server";
import { execute, GraphQLFailure, parseOperation, type GqlObject, type Operation } from "./tibber-graphql";

/**
 * A loopback Tibber GraphQL API (`POST /v1-beta/gql`) after Part A and E1 of the API reference:
 * deterministic prices for any date in each home's time zone at both resolutions (an hour is the mean
 * of its quarters, DST days have 92/100 quarters), tomorrow published at a settable local time, homes
 * with and without a contract, hourly consumption with a lag, Tibber's error shapes (UNAUTHENTICATED on
 * HTTP 200, 400 for bad queries, plain-text 429 with an IP ban), and its rate limit of 100 requests per
 * 5 minutes per IP.
 */

export const DEMO_TOKEN = "3A77EECF61BD445F47241A5A36202185C35AF3AF58609E19B53F3A8872AD7BE1-1";

/** What the demo writes into the `token` credential of every tibber-prices node. */
export const DEMO_CREDENTIALS = { token: DEMO_TOKEN };

export interface SimHome {
  id: string;
  appNickname: string | null;
  address1: string | null;
  postalCode?: string | null;
  city?: string | null;
  country?: string | null;
  timeZone: string;
  currency: "EUR" | "NOK" | "SEK";
  /** False: `currentSubscription` is null (no power contract). */
  subscription: boolean;
  realTime?: boolean;
  /** Varies the price curve between homes. */
  seed: number;
}

export interface SimAccount {
  token: string;
  name: string;
  homes: SimHome[];
}

export const WINTERFELL: SimHome = {
  id: "96a14971-525a-4420-aae9-e5aedaa129ff",
  appNickname: "Winterfell",
  address1: "Winterfell Castle 1",
  timeZone: "Europe/Oslo",
  currency: "NOK",
  subscription: true,
  realTime: true,
  seed: 1,
};

export const MAIN_STREET: SimHome = {
  id: "cc83e83e-8cbf-4595-9bf7-c3cf192f7d9c",
  appNickname: null,
  address1: "123 Main St",
  timeZone: "Europe/Oslo",
  currency: "NOK",
  subscription: false,
  realTime: false,
  seed: 2,
};

export const BERLIN_FLAT: SimHome = {
  id: "5b0f3c2e-1d4a-4e8b-9c7d-2a6f8e1b3c4d",
  appNickname: "Berlin",
  address1: "Torstraße 1",
  postalCode: "10119",
  city: "Berlin",
  country: "DE",
  timeZone: "Europe/Berlin",
  currency: "EUR",
  subscription: true,
  realTime: false,
  seed: 3,
};

export const CABIN: SimHome = {
  id: "0e6c9a4b-7f2d-4c1e-8a5b-3d9f6e2c1a7b",
  appNickname: "Hytta",
  address1: "Fjellveien 12",
  timeZone: "Europe/Oslo",
  currency: "NOK",
  subscription: true,
  realTime: false,
  seed: 4,
};

/** Demo token: Arya Stark with one home under contract and one without, like Tibber's demo account. */
export const DEMO_ACCOUNT: SimAccount = { token: DEMO_TOKEN, name: "Arya Stark", homes: [WINTERFELL, MAIN_STREET] };
/** An account with two homes under contract, where a blank Home is ambiguous. */
export const TWO_HOMES_TOKEN = "sim-two-homes-7c1f0a9e4b2d";
export const TWO_HOMES_ACCOUNT: SimAccount = {
  token: TWO_HOMES_TOKEN,
  name: "Ned Stark",
  homes: [BERLIN_FLAT, CABIN, MAIN_STREET],
};

export interface TibberSimOptions {
  accounts?: SimAccount[];
  /** Local time tomorrow's prices appear, minutes after midnight (default 13:00). */
  publishAtMinutes?: number;
  /** How many hours the latest consumption hour lags behind now (default 36). */
  consumptionLagHours?: number;
  rateLimit?: { limit: number; windowMs: number; banMs: number };
  /** HTTP status of the invalid-token answer: 200 since January 2025, 400 before. */
  authErrorStatus?: 200 | 400;
}

const BAN_TEXT = "Too many requests. Your IP is now temporarily banned for calling API for a few minutes.";
const QUARTER_MS = 15 * 60_000;
const HOUR_MS = 60 * 60_000;
const PRICE_RESOLUTIONS = ["HOURLY", "QUARTER_HOURLY"];
const ENERGY_RESOLUTIONS = ["HOURLY", "DAILY", "WEEKLY", "MONTHLY", "ANNUAL"];
const SCALE: Record<SimHome["currency"], number> = { EUR: 1, NOK: 11, SEK: 11.5 };

interface Quarter {
  energy: number;
  tax: number;
  total: number;
}

export class TibberSimulator extends SimulatorServer {
  readonly name = "tibber";
  protected override readonly basePath = "/v1-beta/gql";

  accounts: SimAccount[];
  publishAtMinutes: number;
  /** Scenario switch: tomorrow's prices never appear today. */
  neverPublish = false;
  consumptionLagHours: number;
  authErrorStatus: 200 | 400;
  /** The next N answers carry partial data and an INTERNAL_SERVER_ERROR, as when a resolver fails. */
  internalErrors = 0;
  /** Consumption hours (epoch ms of their start) that come back as null nodes. */
  readonly consumptionGaps = new Set<number>();
  readonly limiter: RollingWindow;
  private readonly banMs: number;
  private readonly bans = new Map<string, number>();
  private readonly quarterCache = new Map<string, Quarter>();

  constructor(options: TibberSimOptions = {}) {
    super();
    this.accounts = options.accounts ?? [DEMO_ACCOUNT, TWO_HOMES_ACCOUNT];
    this.publishAtMinutes = options.publishAtMinutes ?? 13 * 60;
    this.consumptionLagHours = options.consumptionLagHours ?? 36;
    this.authErrorStatus = options.authErrorStatus ?? 200;
    const rate = options.rateLimit ?? { limit: 100, windowMs: 5 * 60_000, banMs: 10 * 60_000 };
    this.limiter = new RollingWindow(this.clock, rate.limit, rate.windowMs);
    this.banMs = rate.banMs;
    this.route("POST", "", (req) => this.graphql(req));
  }

  /** Requests that reached the GraphQL endpoint. */
  get calls(): number {
    return this.count("/v1-beta/gql", "POST");
  }

  /** Lifts every IP ban and empties the rate window. */
  liftBans(): void {
    this.bans.clear();
    this.limiter.reset();
  }

  // ---- wire-level behaviour -------------------------------------------------------------------

  protected override faultStatusResponse(status: number): SimResponse {
    if (status === 429) return this.banned();
    if (status === 400) return errorBody(400, "Syntax Error: Unexpected <EOF>.", "GRAPHQL_PARSE_FAILED");
    if (status >= 500) {
      const text = `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status}</h1></center></body></html>`;
      return { status, headers: { "Content-Type": "text/html" }, body: text };
    }
    return errorBody(status, `HTTP ${status}`, "INTERNAL_SERVER_ERROR");
  }

  protected override rateLimitResponse(): SimResponse {
    return this.banned();
  }

  /** Tibber's 429 carries no Retry-After and no rate-limit headers. */
  protected override rateLimitHeaders(): Record<string, string | number> {
    return {};
  }

  private banned(): SimResponse {
    return { status: 429, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: BAN_TEXT };
  }

  private graphql(req: SimRequest): SimResponse {
    const now = this.clock.now();
    const bannedUntil = this.bans.get(req.ip) ?? 0;
    if (bannedUntil > now) {
      this.bans.set(req.ip, now + this.banMs); // traffic during a ban renews it
      return this.banned();
    }
    if (!this.limiter.hit(req.ip).allowed) {
      this.bans.set(req.ip, now + this.banMs);
      return this.banned();
    }
    const body = (req.body ?? {}) as { query?: unknown; variables?: unknown };
    if (typeof body.query !== "string") {
      return {
        status: 400,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
        body: "GraphQL queries must be strings.",
      };
    }
    const account = this.accountFor(req.headers.authorization);
    if (!account) {
      return errorBody(this.authErrorStatus, "Context creation failed: invalid token", "UNAUTHENTICATED");
    }
    let variables: Record<string, unknown> = {};
    if (typeof body.variables === "string" && body.variables)
      variables = JSON.parse(body.variables) as Record<string, unknown>;
    else if (body.variables && typeof body.variables === "object")
      variables = body.variables as Record<string, unknown>;
    let operation: Operation;
    try {
      operation = parseOperation(body.query);
    } catch (err) {
      return failureResponse(err);
    }
    if (operation.type !== "query") {
      return {
        status: 200,
        body: {
          data: null,
          errors: [{ message: "operation not allowed for demo user", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
        },
      };
    }
    if (this.internalErrors > 0) {
      this.internalErrors--;
      return {
        status: 200,
        body: {
          data: { viewer: null },
          errors: [
            {
              message: "Internal server error",
              locations: [{ line: 2, column: 3 }],
              path: ["viewer"],
              extensions: { code: "INTERNAL_SERVER_ERROR" },
            },
          ],
        },
      };
    }
    try {
      const vars = this.coerceVariables(operation, variables);
      return { status: 200, body: { data: execute(operation.selections, this.viewerRoot(account), vars) } };
    } catch (err) {
      return failureResponse(err);
    }
  }

  private accountFor(authorization: string | undefined): SimAccount | undefined {
    if (this.revoked) return undefined;
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim();
    return token ? this.accounts.find((a) => a.token === token) : undefined;
  }

  private coerceVariables(operation: Operation, given: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const def of operation.variables) {
      let value = given[def.name];
      if (value === undefined && def.defaultValue)
        value = def.defaultValue.kind === "var" ? undefined : literalOf(def.defaultValue);
      if (value === undefined && def.type.endsWith("!")) {
        throw new GraphQLFailure(
          `Variable "$${def.name}" of required type "${def.type}" was not provided.`,
          "BAD_USER_INPUT",
        );
      }
      const base = def.type.replace(/[![\]]/g, "");
      const allowed =
        base === "PriceInfoResolution"
          ? PRICE_RESOLUTIONS
          : base === "EnergyResolution"
            ? ENERGY_RESOLUTIONS
            : undefined;
      if (allowed && value !== undefined && !allowed.includes(text(value))) {
        throw new GraphQLFailure(
          `Variable "$${def.name}" got invalid value "${text(value)}"; Value "${text(value)}" does not exist in "${base}" enum.`,
          "BAD_USER_INPUT",
        );
      }
      out[def.name] = value;
    }
    return out;
  }

  // ---- the object graph ------------------------------------------------------------------------

  private viewerRoot(account: SimAccount): GqlObject {
    const viewer: GqlObject = {
      __typename: "Viewer",
      name: account.name,
      login: `${account.name.split(" ")[0].toLowerCase()}@winterfell.com`,
      userId: `user-${account.token.slice(0, 6)}`,
      accountType: ["tibber", "customer"],
      websocketSubscriptionUrl: "wss://websocket-api.tibber.com/v1-beta/gql/subscriptions",
      homes: () => account.homes.map((h) => this.homeObject(h)),
      home: (args: Record<string, unknown>) => {
        const home = account.homes.find((h) => h.id === args.id);
        if (!home) throw new GraphQLFailure(`Could not find home with id ${text(args.id)}`, "BAD_USER_INPUT");
        return this.homeObject(home);
      },
    };
    return { __typename: "Query", viewer };
  }

  private homeObject(home: SimHome): GqlObject {
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
      currentSubscription: home.subscription ? this.subscriptionObject(home) : null,
      consumption: (args: Record<string, unknown>) => this.consumption(home, args),
    };
  }

  private subscriptionObject(home: SimHome): GqlObject {
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
        return this.priceInfo(home, resolution === "QUARTER_HOURLY" ? QUARTER_MS : HOUR_MS);
      },
    };
  }

  private priceInfo(home: SimHome, stepMs: number): GqlObject {
    const now = this.clock.now();
    const today = localDateKey(now, home.timeZone);
    const published = !this.neverPublish && now >= atLocalTime(today, this.publishAtMinutes, home.timeZone);
    return {
      __typename: "PriceInfo",
      current: () => this.priceObject(home, Math.floor(now / stepMs) * stepMs, stepMs),
      today: () => this.dayPrices(home, today, stepMs),
      tomorrow: () => (published ? this.dayPrices(home, addDays(today, 1), stepMs) : []),
    };
  }

  /** One local day, generated by stepping through UTC instants so DST days come out 23 or 25 hours. */
  dayPrices(home: SimHome, dateKey: string, stepMs: number): GqlObject[] {
    const start = startOfLocalDay(dateKey, home.timeZone);
    const end = startOfLocalDay(addDays(dateKey, 1), home.timeZone);
    const out: GqlObject[] = [];
    for (let t = start; t < end; t += stepMs) out.push(this.priceObject(home, t, stepMs));
    return out;
  }

  private priceObject(home: SimHome, startMs: number, stepMs: number): GqlObject {
    const p = this.slotPrice(home, startMs, stepMs);
    return {
      __typename: "Price",
      total: p.total,
      energy: p.energy,
      tax: p.tax,
      startsAt: formatLocalIso(startMs, home.timeZone),
      currency: home.currency,
      level: this.level(home, startMs, p.total),
    };
  }

  /** A quarter's price, or an hour's as the mean of its four quarters. */
  slotPrice(home: SimHome, startMs: number, stepMs: number): Quarter {
    if (stepMs === QUARTER_MS) return this.quarter(home, startMs);
    const quarters = [0, 1, 2, 3].map((i) => this.quarter(home, startMs + i * QUARTER_MS));
    const energy = quarters.reduce((a, q) => a + q.energy, 0) / 4;
    const tax = quarters.reduce((a, q) => a + q.tax, 0) / 4;
    return { energy: round4(energy), tax: round4(tax), total: round4(quarters.reduce((a, q) => a + q.total, 0) / 4) };
  }

  /** Deterministic spot price with morning and evening peaks, a midday dip (negative on sunny days). */
  private quarter(home: SimHome, startMs: number): Quarter {
    const key = `${home.seed}|${home.currency}|${startMs}`;
    const cached = this.quarterCache.get(key);
    if (cached) return cached;
    const local = localParts(startMs, home.timeZone);
    const hour = local.hour + local.minute / 60;
    const day = localDateKey(startMs, home.timeZone);
    const dayLevel = 0.07 + 0.07 * hash01(`${home.seed}|${day}`);
    const sunny = hash01(`${home.seed}|sun|${day}`) < 0.25;
    const bump = (centre: number, width: number): number => Math.exp(-((hour - centre) ** 2) / (2 * width * width));
    const spot =
      dayLevel +
      0.06 * bump(8, 1.5) +
      0.09 * bump(18.5, 2) -
      (sunny ? 0.16 : 0.04) * bump(13, 1.8) +
      (hash01(`${home.seed}|${startMs}`) - 0.5) * 0.02;
    const scale = SCALE[home.currency];
    const energy = round4(spot * scale);
    const tax = round4((0.05 + 0.25 * Math.max(spot, 0)) * scale);
    const q = { energy, tax, total: round4(energy + tax) };
    this.quarterCache.set(key, q);
    return q;
  }

  /** Tibber's level: the price against the trailing 24-hour average (A4 thresholds). */
  private level(home: SimHome, startMs: number, total: number): string {
    let sum = 0;
    for (let i = 1; i <= 96; i++) sum += this.quarter(home, startMs - i * QUARTER_MS).total;
    const ratio = total / (sum / 96);
    if (ratio <= 0.6) return "VERY_CHEAP";
    if (ratio < 0.9) return "CHEAP";
    if (ratio < 1.15) return "NORMAL";
    if (ratio < 1.4) return "EXPENSIVE";
    return "VERY_EXPENSIVE";
  }

  private consumption(home: SimHome, args: Record<string, unknown>): GqlObject {
    const resolution = text(args.resolution ?? "");
    if (!ENERGY_RESOLUTIONS.includes(resolution)) {
      throw new GraphQLFailure(
        `Value "${resolution}" does not exist in "EnergyResolution" enum.`,
        "GRAPHQL_VALIDATION_FAILED",
      );
    }
    if (resolution !== "HOURLY") {
      throw new GraphQLFailure(
        `The simulator answers HOURLY consumption only, not ${resolution}.`,
        "GRAPHQL_VALIDATION_FAILED",
      );
    }
    const count = Math.min(744, Math.max(0, Number(args.last ?? args.first ?? 0)));
    const lastEnd = Math.floor(this.clock.now() / HOUR_MS) * HOUR_MS - this.consumptionLagHours * HOUR_MS;
    const nodes: (GqlObject | null)[] = [];
    let totalCost = 0;
    let totalConsumption = 0;
    for (let i = count; i >= 1; i--) {
      const from = lastEnd - i * HOUR_MS;
      const kWh = this.consumptionGaps.has(from)
        ? null
        : round4(0.3 + 1.6 * hash01(`${home.seed}|kwh|${from}`) * hourProfile(localParts(from, home.timeZone).hour));
      const unitPrice = this.slotPrice(home, from, HOUR_MS).total;
      const cost = kWh === null ? null : Math.round(kWh * unitPrice * 1e7) / 1e7;
      totalCost += cost ?? 0;
      totalConsumption += kWh ?? 0;
      nodes.push({
        __typename: "Consumption",
        from: formatLocalIso(from, home.timeZone),
        to: formatLocalIso(from + HOUR_MS, home.timeZone),
        consumption: kWh,
        consumptionUnit: "kWh",
        cost,
        unitPrice: kWh === null ? null : unitPrice,
        unitPriceVAT: kWh === null ? null : round4(unitPrice * 0.2),
        currency: home.currency,
      });
    }
    return {
      __typename: "HomeConsumptionConnection",
      nodes,
      pageInfo: {
        __typename: "HomeConsumptionPageInfo",
        count: nodes.length,
        currency: home.currency,
        totalCost: Math.round(totalCost * 1e4) / 1e4,
        totalConsumption: Math.round(totalConsumption * 1e4) / 1e4,
        filtered: 0,
        hasNextPage: false,
        hasPreviousPage: true,
        startCursor: nodes.length
          ? Buffer.from(formatLocalIso(lastEnd - count * HOUR_MS, home.timeZone)).toString("base64")
          : null,
        endCursor: nodes.length
          ? Buffer.from(formatLocalIso(lastEnd - HOUR_MS, home.timeZone)).toString("base64")
          : null,
      },
    };
  }
}

/**
 * The `npm start` scenario: the demo account (Winterfell, Oslo), real "now", tomorrow published at
 * 13:00 local, and Tibber's own rate limit.
 */
export function demoSimulator(): TibberSimulator {
  return new TibberSimulator({ publishAtMinutes: 13 * 60 });
}

function errorBody(status: number, message: string, code: string): SimResponse {
  return { status, body: { errors: [{ message, extensions: { code } }] } };
}

function failureResponse(err: unknown): SimResponse {
  if (err instanceof GraphQLFailure) {
    return {
      status: 400,
      body: {
        errors: [
          { message: err.message, locations: [{ line: err.line, column: err.column }], extensions: { code: err.code } },
        ],
      },
    };
  }
  throw err;
}

function literalOf(value: { kind: string; value?: unknown }): unknown {
  return value.value;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function hourProfile(hour: number): number {
  if (hour < 6) return 0.4;
  if (hour < 9) return 1;
  if (hour < 16) return 0.6;
  if (hour < 22) return 1.2;
  return 0.6;
}

/** A stable pseudo-random number in [0, 1) for a text (FNV-1a). */
function hash01(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 0) % 1_000_003) / 1_000_003;
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

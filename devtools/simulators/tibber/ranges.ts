import { addDays, localDateKey, startOfLocalDay } from "../../../src/shared/time/calendar";
import { tryParseInstant } from "../../../src/shared/time/instant";
import { formatLocalIso } from "../../../src/shared/time/zone";
import type { SimHome } from "./accounts";
import type { GqlObject } from "./graphql/execute";
import { GraphQLFailure } from "./graphql/parser";
import { HOUR_MS, type PriceModel, QUARTER_MS, round4 } from "./prices";
import { text } from "./wire";

/**
 * Price history as a connection (reference A2 `SubscriptionPriceConnection`, A3 "Historical and range
 * prices"): `Subscription.priceInfoRange(resolution: DAILY|HOURLY|QUARTER_HOURLY)` and the deprecated
 * `PriceInfo.range(resolution: HOURLY|DAILY)`. Cursors are Base64 of the slot's ISO `startsAt`
 * (TeslaMateAgile#12); `first` counts forward from `after`, `last` back from `before` (default: the end
 * of what is published); results are capped silently at 672 quarters, 744 hours or 31 days (SKILL.md).
 */

const CAPS: Record<string, number> = { QUARTER_HOURLY: 672, HOURLY: 744, DAILY: 31 };

export function priceConnection(
  now: number,
  prices: PriceModel,
  home: SimHome,
  args: Record<string, unknown>,
  allowed: string[],
  published: () => boolean,
  enumName = "PriceInfoRangeResolution",
): GqlObject {
  const resolution = text(args.resolution ?? "");
  if (!allowed.includes(resolution)) {
    throw new GraphQLFailure(
      `Value "${resolution}" does not exist in "${enumName}" enum.`,
      "GRAPHQL_VALIDATION_FAILED",
    );
  }
  if (args.first !== undefined && args.last !== undefined)
    throw new GraphQLFailure("Cannot combine first and last", "BAD_USER_INPUT");
  if (args.before !== undefined && args.after !== undefined)
    throw new GraphQLFailure("Cannot combine before and after", "BAD_USER_INPUT");
  const tz = home.timeZone;
  const today = localDateKey(now, tz);
  const end = startOfLocalDay(addDays(today, published() ? 2 : 1), tz);
  const cap = CAPS[resolution];
  const starts: number[] = [];
  const step = (t: number, dir: 1 | -1): number => {
    if (resolution === "QUARTER_HOURLY") return t + dir * QUARTER_MS;
    if (resolution === "HOURLY") return t + dir * HOUR_MS;
    return startOfLocalDay(addDays(localDateKey(t, tz), dir), tz);
  };
  const align = (t: number): number => {
    if (resolution === "DAILY") return startOfLocalDay(localDateKey(t, tz), tz);
    const size = resolution === "HOURLY" ? HOUR_MS : QUARTER_MS;
    return Math.floor(t / size) * size;
  };
  if (args.first !== undefined) {
    const count = Math.min(cap, Math.max(0, Number(args.first)));
    let t = args.after !== undefined ? step(align(decodeCursor(args.after)), 1) : align(now);
    while (starts.length < count && t < end) {
      starts.push(t);
      t = step(t, 1);
    }
  } else {
    const count = Math.min(cap, Math.max(0, Number(args.last ?? cap)));
    let t = step(args.before !== undefined ? Math.min(align(decodeCursor(args.before)), end) : end, -1);
    while (starts.length < count) {
      starts.unshift(t);
      t = step(t, -1);
    }
  }
  const nodes = starts.map((t) => priceNode(prices, home, t, resolution, step));
  const cursor = (t: number): string => Buffer.from(formatLocalIso(t, tz)).toString("base64");
  const totals = nodes.map((n) => n.total as number);
  const energies = nodes.map((n) => n.energy as number);
  return {
    __typename: "SubscriptionPriceConnection",
    nodes,
    edges: nodes.map((node, i) => ({ __typename: "SubscriptionPriceEdge", cursor: cursor(starts[i]), node })),
    pageInfo: {
      __typename: "SubscriptionPriceConnectionPageInfo",
      count: nodes.length,
      resolution,
      currency: home.currency,
      precision: resolution === "DAILY" ? "daily" : resolution === "HOURLY" ? "hourly" : "quarterhourly",
      startCursor: starts.length ? cursor(starts[0]) : null,
      endCursor: starts.length ? cursor(starts[starts.length - 1]) : null,
      hasPreviousPage: true,
      hasNextPage: starts.length > 0 && step(starts[starts.length - 1], 1) < end,
      minEnergy: energies.length ? Math.min(...energies) : null,
      maxEnergy: energies.length ? Math.max(...energies) : null,
      minTotal: totals.length ? Math.min(...totals) : null,
      maxTotal: totals.length ? Math.max(...totals) : null,
    },
  };
}

function priceNode(
  prices: PriceModel,
  home: SimHome,
  start: number,
  resolution: string,
  step: (t: number, dir: 1 | -1) => number,
): GqlObject {
  if (resolution !== "DAILY") return prices.priceObject(home, start, resolution === "HOURLY" ? HOUR_MS : QUARTER_MS);
  // A day is the mean of its hours, like an hour is the mean of its quarters.
  const hours: GqlObject[] = [];
  for (let t = start; t < step(start, 1); t += HOUR_MS) hours.push(prices.priceObject(home, t, HOUR_MS));
  const mean = (key: string): number => round4(hours.reduce((s, h) => s + (h[key] as number), 0) / hours.length);
  return {
    __typename: "Price",
    total: mean("total"),
    energy: mean("energy"),
    tax: mean("tax"),
    startsAt: formatLocalIso(start, home.timeZone),
    currency: home.currency,
    // The level of the day's noon hour: the schema's 30-day trailing average for days is not modelled.
    level: hours[12]?.level ?? "NORMAL",
  };
}

function decodeCursor(value: unknown): number {
  const iso = Buffer.from(text(value), "base64").toString("utf8");
  const ms = tryParseInstant(iso);
  if (ms === undefined) throw new GraphQLFailure(`Invalid cursor "${text(value)}"`, "BAD_USER_INPUT");
  return ms;
}

import { addDays, localDateKey, startOfLocalDay } from "../../../src/shared/time/calendar";
import { formatLocalIso, localParts } from "../../../src/shared/time/zone";
import type { SimClock } from "../clock";
import type { SimHome } from "./accounts";
import type { GqlObject } from "./graphql/execute";
import { GraphQLFailure } from "./graphql/parser";
import { hash01, HOUR_MS, type PriceModel, round4 } from "./prices";
import { ENERGY_RESOLUTIONS, text } from "./wire";

/**
 * A home's consumption and production (reference A2 `Home.consumption`/`production`, A3, A4
 * "Consumption quirks", E1) at every `EnergyResolution`: hourly nodes that end a configurable lag before
 * the last full hour, days, ISO weeks, months and years of the home's calendar summed from those hours,
 * `last`/`first` capped silently (HOURLY 744, DAILY 31, WEEKLY 52, MONTHLY 12, ANNUAL 1, reference A3),
 * null nodes for gaps, `pageInfo` totals, `edges` with Base64 cursors, and the deprecated
 * `totalCost`/`unitCost` that tibber-api still asks for (its `consumption.gql`).
 */

/** What consumption reads from the simulator at query time. */
export interface ConsumptionState {
  readonly clock: SimClock;
  readonly consumptionLagHours: number;
  readonly consumptionGaps: ReadonlySet<number>;
}

const CAPS: Record<string, number> = { HOURLY: 744, DAILY: 31, WEEKLY: 52, MONTHLY: 12, ANNUAL: 1 };

interface Period {
  from: number;
  to: number;
}

export function consumption(
  state: ConsumptionState,
  prices: PriceModel,
  home: SimHome,
  args: Record<string, unknown>,
  kind: "consumption" | "production" = "consumption",
): GqlObject {
  const resolution = text(args.resolution ?? "");
  if (!ENERGY_RESOLUTIONS.includes(resolution)) {
    throw new GraphQLFailure(
      `Value "${resolution}" does not exist in "EnergyResolution" enum.`,
      "GRAPHQL_VALIDATION_FAILED",
    );
  }
  const count = Math.min(CAPS[resolution], Math.max(0, Number(args.last ?? args.first ?? 0)));
  const lastEnd = Math.floor(state.clock.now() / HOUR_MS) * HOUR_MS - state.consumptionLagHours * HOUR_MS;
  const periods = lastPeriods(resolution, lastEnd, count, home.timeZone);
  const nodes: GqlObject[] = [];
  let totalCost = 0;
  let totalEnergy = 0;
  for (const period of periods) {
    const node = periodNode(state, prices, home, period, kind);
    totalCost += (node.cost as number | null) ?? (node.profit as number | null) ?? 0;
    totalEnergy += (node[kind] as number | null) ?? 0;
    nodes.push(node);
  }
  const cursor = (ms: number): string => Buffer.from(formatLocalIso(ms, home.timeZone)).toString("base64");
  const filter = args.filterEmptyNodes === true;
  const empty = (n: GqlObject): boolean => n[kind] === null;
  const kept = filter ? nodes.filter((n) => !empty(n)) : nodes;
  return {
    __typename: kind === "consumption" ? "HomeConsumptionConnection" : "HomeProductionConnection",
    nodes: kept,
    edges: periods
      .map((p, i) => ({ period: p, node: nodes[i] }))
      .filter((e) => !filter || !empty(e.node))
      .map((e) => ({
        __typename: kind === "consumption" ? "HomeConsumptionEdge" : "HomeProductionEdge",
        cursor: cursor(e.period.from),
        node: e.node,
      })),
    pageInfo: {
      __typename: kind === "consumption" ? "HomeConsumptionPageInfo" : "HomeProductionPageInfo",
      count: kept.length,
      currency: home.currency,
      [kind === "consumption" ? "totalCost" : "totalProfit"]: Math.round(totalCost * 1e4) / 1e4,
      [kind === "consumption" ? "totalConsumption" : "totalProduction"]: Math.round(totalEnergy * 1e4) / 1e4,
      filtered: nodes.length - kept.length,
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: periods.length ? cursor(periods[0].from) : null,
      endCursor: periods.length ? cursor(periods[periods.length - 1].from) : null,
    },
  };
}

/** The last `count` whole periods of the home's calendar that end at or before `lastEnd`. */
function lastPeriods(resolution: string, lastEnd: number, count: number, tz: string): Period[] {
  if (resolution === "HOURLY") {
    const out: Period[] = [];
    for (let i = count; i >= 1; i--) out.push({ from: lastEnd - i * HOUR_MS, to: lastEnd - (i - 1) * HOUR_MS });
    return out;
  }
  // Walk back from the period that contains lastEnd; the first complete one ends at its start.
  const out: Period[] = [];
  let start = periodStart(resolution, localDateKey(lastEnd - 1, tz));
  let end = startOfLocalDay(nextPeriod(resolution, start), tz);
  if (end > lastEnd) {
    end = startOfLocalDay(start, tz);
    start = previousPeriod(resolution, start);
  }
  while (out.length < count) {
    out.unshift({ from: startOfLocalDay(start, tz), to: end });
    end = startOfLocalDay(start, tz);
    start = previousPeriod(resolution, start);
  }
  return out;
}

function periodStart(resolution: string, dateKey: string): string {
  const [y, m, d] = dateKey.split("-").map(Number);
  if (resolution === "DAILY") return dateKey;
  if (resolution === "WEEKLY") {
    const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday = 0 (ISO weeks)
    return addDays(dateKey, -weekday);
  }
  if (resolution === "MONTHLY") return `${y}-${String(m).padStart(2, "0")}-01`;
  return `${y}-01-01`;
}

function nextPeriod(resolution: string, startKey: string): string {
  const [y, m] = startKey.split("-").map(Number);
  if (resolution === "DAILY") return addDays(startKey, 1);
  if (resolution === "WEEKLY") return addDays(startKey, 7);
  if (resolution === "MONTHLY") return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
  return `${y + 1}-01-01`;
}

function previousPeriod(resolution: string, startKey: string): string {
  return periodStart(resolution, addDays(startKey, -1));
}

/** One node: the sum of the period's hours (gaps left out); null values when every hour is a gap. */
function periodNode(
  state: ConsumptionState,
  prices: PriceModel,
  home: SimHome,
  period: Period,
  kind: "consumption" | "production",
): GqlObject {
  let energy = 0;
  let money = 0;
  let known = 0;
  const hourly = period.to - period.from === HOUR_MS;
  for (let from = period.from; from < period.to; from += HOUR_MS) {
    if (state.consumptionGaps.has(from)) continue;
    const kWh = hourKwh(home, from, kind);
    // Coarse periods price each hour at its day's noon hour, to stay cheap over a year of hours.
    const unit = hourly ? prices.slotPrice(home, from, HOUR_MS).total : dayPrice(prices, home, from);
    energy += kWh;
    money += kWh * unit;
    known++;
  }
  if (known === 0) {
    return {
      __typename: kind === "consumption" ? "Consumption" : "Production",
      from: formatLocalIso(period.from, home.timeZone),
      to: formatLocalIso(period.to, home.timeZone),
      [kind]: null,
      [`${kind}Unit`]: "kWh",
      [kind === "consumption" ? "cost" : "profit"]: null,
      unitPrice: null,
      unitPriceVAT: null,
      ...deprecatedCost(kind, null),
      currency: home.currency,
    };
  }
  energy = round4(energy);
  const cost = Math.round(money * 1e7) / 1e7;
  const unitPrice = hourly
    ? prices.slotPrice(home, period.from, HOUR_MS).total
    : energy > 0
      ? round4(cost / energy)
      : 0;
  return {
    __typename: kind === "consumption" ? "Consumption" : "Production",
    from: formatLocalIso(period.from, home.timeZone),
    to: formatLocalIso(period.to, home.timeZone),
    [kind]: energy,
    [`${kind}Unit`]: "kWh",
    [kind === "consumption" ? "cost" : "profit"]: cost,
    unitPrice,
    unitPriceVAT: round4(unitPrice * 0.2),
    ...deprecatedCost(kind, cost),
    currency: home.currency,
  };
}

/** `totalCost`/`unitCost`: deprecated aliases of `cost` (reference A3), still in tibber-api's `consumption.gql`. */
function deprecatedCost(kind: "consumption" | "production", cost: number | null): Record<string, number | null> {
  return kind === "consumption" ? { totalCost: cost, unitCost: cost } : {};
}

function hourKwh(home: SimHome, from: number, kind: "consumption" | "production"): number {
  const hour = localParts(from, home.timeZone).hour;
  if (kind === "production") return hour < 7 || hour > 19 ? 0 : round4(2.5 * hash01(`${home.seed}|pv|${from}`));
  return round4(0.3 + 1.6 * hash01(`${home.seed}|kwh|${from}`) * hourProfile(hour));
}

function dayPrice(prices: PriceModel, home: SimHome, ms: number): number {
  const noon = startOfLocalDay(localDateKey(ms, home.timeZone), home.timeZone) + 12 * HOUR_MS;
  return prices.slotPrice(home, noon, HOUR_MS).total;
}

function hourProfile(hour: number): number {
  if (hour < 6) return 0.4;
  if (hour < 9) return 1;
  if (hour < 16) return 0.6;
  if (hour < 22) return 1.2;
  return 0.6;
}

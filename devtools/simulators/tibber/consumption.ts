import { formatLocalIso, localParts } from "../../../src/shared/time/zone";
import type { SimClock } from "../clock";
import type { SimHome } from "./accounts";
import type { GqlObject } from "./graphql/execute";
import { GraphQLFailure } from "./graphql/parser";
import { hash01, HOUR_MS, type PriceModel, round4 } from "./prices";
import { ENERGY_RESOLUTIONS, text } from "./wire";

/**
 * A home's hourly consumption (reference A4 "Consumption quirks", E1): nodes that end a configurable lag
 * before the last full hour, `last`/`first` capped at 744, null nodes for gaps, and `pageInfo` totals.
 */

/** What consumption reads from the simulator at query time. */
export interface ConsumptionState {
  readonly clock: SimClock;
  readonly consumptionLagHours: number;
  readonly consumptionGaps: ReadonlySet<number>;
}

export function consumption(
  state: ConsumptionState,
  prices: PriceModel,
  home: SimHome,
  args: Record<string, unknown>,
): GqlObject {
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
  const lastEnd = Math.floor(state.clock.now() / HOUR_MS) * HOUR_MS - state.consumptionLagHours * HOUR_MS;
  const nodes: (GqlObject | null)[] = [];
  let totalCost = 0;
  let totalConsumption = 0;
  for (let i = count; i >= 1; i--) {
    const from = lastEnd - i * HOUR_MS;
    const kWh = state.consumptionGaps.has(from)
      ? null
      : round4(0.3 + 1.6 * hash01(`${home.seed}|kwh|${from}`) * hourProfile(localParts(from, home.timeZone).hour));
    const unitPrice = prices.slotPrice(home, from, HOUR_MS).total;
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
      endCursor: nodes.length ? Buffer.from(formatLocalIso(lastEnd - HOUR_MS, home.timeZone)).toString("base64") : null,
    },
  };
}

function hourProfile(hour: number): number {
  if (hour < 6) return 0.4;
  if (hour < 9) return 1;
  if (hour < 16) return 0.6;
  if (hour < 22) return 1.2;
  return 0.6;
}

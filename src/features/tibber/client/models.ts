import type { PriceSlot, RawPrice, Resolution } from "../domain/slots";

/** What the client hands out, already parsed; the wire shapes stay in this file too. */

export interface TibberHome {
  id: string;
  nickname: string | null;
  address1: string | null;
  timeZone: string;
  /** False when the home has no active power contract (Tibber then has no prices for it). */
  hasSubscription: boolean;
}

export interface HomePrices {
  homeId: string;
  timeZone: string;
  resolution: Resolution;
  currency: string;
  current: PriceSlot | undefined;
  today: PriceSlot[];
  tomorrow: PriceSlot[];
  /** With a QUARTER_HOURLY request: the hourly prices asked for beside them (QUARTER_PRICES_QUERY). */
  hourly?: { today: PriceSlot[]; tomorrow: PriceSlot[] };
}

export interface ConsumptionHour {
  fromMs: number;
  from: string;
  to: string;
  consumption: number;
  cost: number | null;
  unitPrice: number | null;
  unitPriceVAT: number | null;
  unit: string;
  currency: string;
}

export interface WireHome {
  id: string;
  appNickname?: string | null;
  timeZone?: string | null;
  address?: { address1?: string | null } | null;
  currentSubscription?: {
    status?: string | null;
    priceInfo?: WirePriceInfo | null;
    hourly?: WirePriceInfo | null;
  } | null;
  consumption?: {
    pageInfo?: { currency?: string | null } | null;
    nodes?: (WireConsumption | null)[] | null;
  } | null;
}

export interface WirePriceInfo {
  current?: RawPrice | null;
  today?: (RawPrice | null)[];
  tomorrow?: (RawPrice | null)[];
}

export interface WireConsumption {
  from: string;
  to: string;
  consumption?: number | null;
  cost?: number | null;
  unitPrice?: number | null;
  unitPriceVAT?: number | null;
  consumptionUnit?: string | null;
  currency?: string | null;
}

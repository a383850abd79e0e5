/**
 * Tibber's accounts and homes (reference A2, E1): each token is one viewer with its homes, some under a
 * power contract (`currentSubscription`) and some without, in their own time zones and currencies.
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

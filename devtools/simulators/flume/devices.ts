import type { SimClock } from "../clock";
import type { SimRequest, SimResponse } from "../server";
import type { SimAccount } from "./auth";
import { type Json, notFound } from "./wire";

/**
 * Flume's devices and locations (reference A4 rows 3, 4, 8–10; A6): one bridge (type 1) and one sensor
 * (type 2) with 19-digit string ids, in a home whose `tz` every local time of the API is written in.
 */

export interface SimDevice {
  id: string;
  type: 1 | 2;
  locationId: number;
  bridgeId: string | null;
  batteryLevel?: string;
  product?: string;
  connected: boolean;
  /** Leave out `location` even when asked for, as some live answers do (HA #77739). */
  noLocation?: boolean;
}

export const HOME_LOCATION_ID = 44565;

export function homeLocation(userId: number, tz: string): Json {
  return {
    id: HOME_LOCATION_ID,
    user_id: userId,
    name: "Home",
    primary_location: true,
    address: "123 Fake Street",
    city: "Nowhere",
    state: "ZZ",
    postal_code: "12345",
    country: "United States",
    tz,
    installation: "DONE",
    building_type: "SINGLE_FAMILY_HOME",
    away_mode: false,
  };
}

export function bridgeAndSensor(): SimDevice[] {
  return [
    {
      id: "6782193059647718740",
      type: 1,
      locationId: HOME_LOCATION_ID,
      bridgeId: null,
      product: "flume2",
      connected: true,
    },
    {
      id: "6721255604737738501",
      type: 2,
      locationId: HOME_LOCATION_ID,
      bridgeId: "6782193059647718740",
      batteryLevel: "medium",
      product: "flume2",
      connected: true,
    },
  ];
}

/** Another sensor on the first bridge; `noLocation` also drops its battery and product fields. */
export function extraSensor(id: string, bridgeId: string, noLocation: boolean): SimDevice {
  return {
    id,
    type: 2,
    locationId: HOME_LOCATION_ID,
    bridgeId,
    batteryLevel: noLocation ? undefined : "high",
    product: noLocation ? undefined : "flume2",
    connected: true,
    noLocation,
  };
}

/** What the device routes read from the simulator. */
export interface DeviceState {
  readonly clock: SimClock;
  readonly accounts: SimAccount[];
  readonly devices: SimDevice[];
  readonly locations: Json[];
  /**
   * No device carries `location`, the bridge included, even with `location=true`: the home's zone is
   * then only in `/locations/{id}` (HA #116798 captured devices with just id, type, connected,
   * last_seen, location_id; HA #77739/#81438 crashed on the missing key).
   */
  readonly omitLocations: boolean;
}

/** Every device belongs to the first account; other accounts see none. */
export function deviceList(state: DeviceState, account: SimAccount, req: SimRequest): Json[] {
  const type = req.query.get("type");
  return state.devices
    .filter(() => account.userId === state.accounts[0].userId)
    .filter((d) => !type || String(d.type) === type)
    .map((d) => deviceJson(state, d, req));
}

export function deviceJson(state: DeviceState, d: SimDevice, req: SimRequest): Json {
  const json: Json = {
    id: d.id,
    type: d.type,
    location_id: d.locationId,
    user_id: state.accounts[0].userId,
    bridge_id: d.bridgeId,
    last_seen: new Date(state.clock.now() - 47_000).toISOString(),
    connected: d.connected,
  };
  if (d.type === 2) json.oriented = true;
  if (d.type === 1) json.supports_ap = true;
  if (d.batteryLevel && !d.noLocation) json.battery_level = d.batteryLevel;
  if (d.product && !d.noLocation) json.product = d.product;
  if (req.query.get("location") === "true" && !d.noLocation && !state.omitLocations) {
    json.location = state.locations.find((l) => l.id === d.locationId);
  }
  // `user=true` embeds the owner (reference A4 row 3; pyflume's devices.json fixture).
  if (req.query.get("user") === "true") json.user = userJson(state.accounts[0]);
  return json;
}

/** Runs `fn` with the device the path names, or answers 404 code 610. */
export function withDevice(
  state: DeviceState,
  req: SimRequest,
  account: SimAccount,
  fn: (d: SimDevice) => SimResponse,
): SimResponse {
  const d = state.devices.find((x) => x.id === req.params.deviceId);
  if (!d || account.userId !== state.accounts[0].userId) return notFound();
  return fn(d);
}

/** `GET /users/{id}` and the `user` a device embeds on `user=true` (reference A4 row 2). */
export function userJson(account: SimAccount): Json {
  return {
    id: account.userId,
    email_address: account.username,
    first_name: "Flume",
    last_name: "User",
    status: "Active",
    type: "USER",
  };
}

import type { SimRequest, SimResponse } from "../server";
import type { AlertBook } from "./alerts";
import type { SimAccount } from "./auth";
import { type DeviceState, deviceJson, deviceList, type SimDevice, userJson, withDevice } from "./devices";
import { activeFlow, usageQuery } from "./usage";
import { type Envelope, invalid, type Json, notFound } from "./wire";

/**
 * The routes under `/users/{user_id}` (reference A4 rows 2–11, 13, 14 and `leaks/active`), each
 * answered for the account of the bearer token; the simulator mounts them with auth and rate limit.
 */

export type UserHandler = (req: SimRequest, account: SimAccount) => SimResponse;

/** What the routes read from the simulator. */
export interface UserRouteState extends DeviceState {
  readonly tz: string;
  readonly notifications: Json[];
  flowAt(deviceId: string, ms: number): number;
}

export function userRoutes(sim: UserRouteState, wire: Envelope, alerts: AlertBook): [string, string, UserHandler][] {
  const device = (req: SimRequest, a: SimAccount, fn: (d: SimDevice) => SimResponse): SimResponse =>
    withDevice(sim, req, a, fn);
  const flowAt = (id: string, ms: number): number => sim.flowAt(id, ms);
  const location = (req: SimRequest): Json | undefined =>
    sim.locations.find((l) => String(l.id) === req.params.locationId);
  const updated = (): SimResponse => wire.ok([], { code: 612, message: "Record successfully updated" });
  return [
    ["GET", "", (_req, a) => wire.ok([userJson(a)])],
    ["GET", "/devices", (req, a) => wire.page(req, deviceList(sim, a, req), "/devices")],
    ["GET", "/devices/:deviceId", (req, a) => device(req, a, (d) => wire.ok([deviceJson(sim, d, req)]))],
    [
      "GET",
      "/devices/:deviceId/query/active",
      (req, a) => device(req, a, (d) => wire.ok([activeFlow(flowAt, d.id, sim.clock.now(), sim.tz)])),
    ],
    [
      "POST",
      "/devices/:deviceId/query",
      (req, a) =>
        device(req, a, (d) => usageQuery(flowAt, d.id, sim.clock.now(), sim.tz, req, (data) => wire.ok(data))),
    ],
    [
      "GET",
      "/devices/:deviceId/leaks/active",
      (req, a) => device(req, a, (d) => wire.ok([{ active: alerts.leakActive(d.id) }])),
    ],
    [
      "GET",
      "/devices/:deviceId/budgets",
      (req, a) =>
        device(req, a, () =>
          wire.ok([{ id: 3, name: "Daily", type: "DAILY", value: 300, thresholds: [50, 80, 100], actual: 120 }]),
        ),
    ],
    ["GET", "/locations", (req) => wire.page(req, sim.locations, "/locations")],
    ["GET", "/locations/:locationId", (req) => wire.okOr(location(req))],
    [
      "PATCH",
      "/locations/:locationId",
      (req) => {
        const loc = location(req);
        if (!loc) return notFound();
        const away = (req.body as Json | undefined)?.away_mode;
        if (typeof away !== "boolean") return invalid("away_mode must be a boolean");
        loc.away_mode = away;
        return updated();
      },
    ],
    ["GET", "/notifications", (req) => wire.page(req, alerts.filterNotifications(req), "/notifications")],
    [
      "PATCH",
      "/notifications/:id",
      (req) => {
        const n = sim.notifications.find((x) => String(x.id) === req.params.id);
        if (!n) return notFound();
        if ((req.body as Json | undefined)?.read === true) n.read = true;
        return updated();
      },
    ],
    ["GET", "/usage-alerts", (req) => wire.page(req, alerts.filterUsageAlerts(req), "/usage-alerts")],
  ];
}

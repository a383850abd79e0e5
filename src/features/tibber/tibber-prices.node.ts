import { RateLimitError, ValidationError } from "../../shared/errors";
import { cheapestWindow } from "./domain/cheapest";
import { EmitLog } from "./domain/emit-log";
import { nextBoundary, type PriceSlot, type Resolution } from "./domain/slots";
import { addDays, atLocalTime, formatLocalIso, localDateKey } from "./domain/time-zone";
import { AbortedError } from "../../shared/sleep";
import { resolveBaseUrl } from "../../shared/base-url";
import { clock as seam } from "../../shared/clock";
import { TIBBER_ENV, TIBBER_URL } from "./client/client";
import { acquireAccount, releaseAccount, type PriceView, type TibberAccount } from "./client/price-feed";
import type { TibberHome } from "./client/models";
import { consumptionReading, priceReading } from "./domain/readings";
import { onInput } from "../../runtime/input";
import { numberProp } from "../../runtime/props";
import { clock, shortReason, statusError, statusOk, statusWaiting } from "../../runtime/status";
import type { FlowMessage, Node, NodeAPI, NodeDef, NodeMessage, SendFn } from "../../runtime/types";
import { registerLookup } from "../../runtime/lookup";
import { tibberHomesLookup } from "./tibber-lookup";

interface TibberPricesDef extends NodeDef {
  baseUrl?: string;
  home?: string;
  resolution?: string;
  /** "input", "change" or "both". */
  emit?: string;
  cheapestMinutes?: string | number;
  cheapestContiguous?: boolean;
  consumptionHours?: string | number;
  consumptionDaily?: boolean;
}

interface Credentials {
  token?: string;
}

type TibberPricesNode = Node<Credentials>;

/** Local time of the daily consumption fetch: Tibber's hourly data is a day or more late anyway. */
const CONSUMPTION_AT_MINUTES = 6 * 60;
/** Wake a moment after a slot boundary, so "now" is inside the new slot. */
const AFTER_BOUNDARY_MS = 250;
/** Never sleep longer than this, so a host that slept or changed its clock catches up. */
const MAX_SLEEP_MS = 15 * 60_000;
const RETRY_WITHOUT_HOME_MS = 5 * 60_000;

export = function (RED: NodeAPI): void {
  function TibberPrices(this: TibberPricesNode, config: TibberPricesDef): void {
    RED.nodes.createNode(this, config);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the nested helpers need the node, not their own this
    const node = this;
    const baseUrl = resolveBaseUrl(config.baseUrl, TIBBER_ENV, TIBBER_URL);
    const resolution: Resolution = config.resolution === "QUARTER_HOURLY" ? "QUARTER_HOURLY" : "HOURLY";
    const emitMode = config.emit === "input" || config.emit === "change" ? config.emit : "both";
    const cheapestMinutes = Math.max(0, numberProp(config.cheapestMinutes, 0));
    const contiguous = config.cheapestContiguous !== false;
    const consumptionHours = Math.min(744, Math.max(1, numberProp(config.consumptionHours, 48)));
    const priceLog = new EmitLog();
    const consumptionLog = new EmitLog();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    let lastSent: { slotStartMs: number; known: number } | undefined;
    let consumptionDoneFor: string | undefined;
    let warnedBan = 0;

    let account: TibberAccount | undefined;
    const token = node.credentials?.token?.trim();
    if (token) account = acquireAccount(baseUrl, token);
    else statusError(node, "no token");

    function requireAccount(): TibberAccount {
      if (!account) {
        throw new ValidationError(
          "No Tibber token is set: create one at developer.tibber.com/settings/access-token and paste it into the node.",
        );
      }
      return account;
    }

    async function home(): Promise<TibberHome> {
      return requireAccount().resolveHome(config.home, controller.signal);
    }

    /** Output 1: the summary. Output 2: each price slot not sent before. `force` sends output 1 even if unchanged. */
    async function emitPrices(send: SendFn, base: NodeMessage | undefined, force: boolean): Promise<PriceView> {
      const view = await requireAccount().prices(await home(), resolution, controller.signal);
      const now = seam.now();
      if (!view.current) {
        throw new ValidationError(
          `Tibber sent no price for the current ${resolution === "HOURLY" ? "hour" : "quarter"}; the next refresh retries.`,
        );
      }
      const known = view.today.length + view.tomorrow.length;
      const changed = !lastSent || lastSent.slotStartMs !== view.current.startMs || lastSent.known !== known;
      const storage = freshSlots(view);
      if (force || changed) {
        const msg: NodeMessage = base ?? {};
        msg.payload = summary(view, now);
        send([msg, storage.length ? storage : null]);
        lastSent = { slotStartMs: view.current.startMs, known };
      } else if (storage.length) {
        send([null, storage]);
      }
      showPrice(view, now);
      return view;
    }

    function freshSlots(view: PriceView): NodeMessage[] {
      const out: NodeMessage[] = [];
      for (const slot of [...view.today, ...view.tomorrow]) {
        if (
          !priceLog.fresh(String(slot.startMs), slot.startMs, `${slot.total}|${slot.energy}|${slot.tax}|${slot.level}`)
        )
          continue;
        out.push(priceReading(view.home.id, resolution, slot));
      }
      priceLog.prune(seam.now() - 3 * 86_400_000);
      return out;
    }

    function summary(view: PriceView, now: number): Record<string, unknown> {
      const tz = view.home.timeZone;
      const payload: Record<string, unknown> = {
        homeId: view.home.id,
        home: view.home.nickname ?? view.home.address1,
        currency: view.currency,
        resolution,
        current: slotOut(view.current as PriceSlot),
        today: view.today.map(slotOut),
        tomorrow: view.tomorrow.map(slotOut),
      };
      if (cheapestMinutes > 0) {
        const w = cheapestWindow([...view.today, ...view.tomorrow], {
          minutes: cheapestMinutes,
          contiguous,
          fromMs: now,
        });
        if (w) {
          payload.cheapest = {
            start: formatLocalIso(w.startMs, tz),
            end: formatLocalIso(w.endMs, tz),
            average: w.average,
            minutes: cheapestMinutes,
            contiguous,
            periods: w.periods.map((p) => ({ start: formatLocalIso(p.startMs, tz), end: formatLocalIso(p.endMs, tz) })),
          };
        }
      }
      return payload;
    }

    function showPrice(view: PriceView, now: number): void {
      const banEnd = account?.bannedUntil();
      const current = view.current as PriceSlot;
      const price = `${current.total.toFixed(4)} ${view.currency} ${current.level ?? ""}`.trim();
      if (banEnd !== undefined) statusWaiting(node, `${price} · rate-limited, retry ${clock(new Date(banEnd))}`);
      else statusOk(node, price, new Date(now));
    }

    async function emitConsumption(send: SendFn): Promise<number> {
      const target = await home();
      const hours = await requireAccount().consumption(target, consumptionHours, controller.signal);
      const out = hours
        .filter((h) => consumptionLog.fresh(String(h.fromMs), h.fromMs, `${h.consumption}|${h.cost}`))
        .map((h) => consumptionReading(target.id, h));
      consumptionLog.prune(seam.now() - 40 * 86_400_000);
      if (out.length) send([null, out]);
      statusOk(node, `${out.length} h consumption`, new Date(seam.now()));
      return out.length;
    }

    function showFailure(err: Error): void {
      if (err instanceof RateLimitError) {
        const until = account?.bannedUntil() ?? seam.now() + err.retryAfterMs;
        statusWaiting(node, `rate-limited · retry ${clock(new Date(until))}`);
      } else statusError(node, shortReason(err));
    }

    onInput(
      node,
      async (msg: FlowMessage, send: SendFn) => {
        if (msg.payload === "consumption") {
          await emitConsumption(send);
          return;
        }
        await emitPrices(send, msg, true);
      },
      { showError: showFailure },
    );

    /** Background emission at every price change, tomorrow polling and the daily consumption fetch. */
    async function tick(): Promise<void> {
      timer = undefined;
      if (closed) return;
      let wakeAt = seam.now() + RETRY_WITHOUT_HOME_MS;
      try {
        const view = await emitPrices((m) => node.send(m), undefined, false);
        const now = seam.now();
        wakeAt = Math.min(nextBoundary(now, resolution) + AFTER_BOUNDARY_MS, view.nextRefreshAtMs + AFTER_BOUNDARY_MS);
        if (config.consumptionDaily) wakeAt = Math.min(wakeAt, await dailyConsumption(view.home, now));
      } catch (err) {
        if (closed || err instanceof AbortedError) return;
        const error = err instanceof Error ? err : new Error(String(err));
        showFailure(error);
        const banEnd = account?.bannedUntil();
        if (banEnd !== undefined) {
          wakeAt = banEnd + AFTER_BOUNDARY_MS;
          // One warning per ban, so the debug sidebar says why without repeating it every quarter.
          if (warnedBan !== banEnd) node.warn(error.message);
          warnedBan = banEnd;
        } else {
          node.error(error.message, {});
        }
      }
      schedule(wakeAt);
    }

    /** Fetches consumption once a day after 06:00 local; returns when to look again. */
    async function dailyConsumption(target: TibberHome, now: number): Promise<number> {
      const today = localDateKey(now, target.timeZone);
      const dueAt = atLocalTime(today, CONSUMPTION_AT_MINUTES, target.timeZone);
      if (now >= dueAt && consumptionDoneFor !== today) {
        await emitConsumption((m) => node.send(m));
        consumptionDoneFor = today;
      }
      return consumptionDoneFor === today
        ? atLocalTime(addDays(today, 1), CONSUMPTION_AT_MINUTES, target.timeZone)
        : dueAt;
    }

    /** `minMs` keeps a plan that is due again at once from turning into a busy loop. */
    function schedule(at: number, minMs = 1_000): void {
      if (closed) return;
      const delay = Math.min(MAX_SLEEP_MS, Math.max(minMs, at - seam.now()));
      timer = setTimeout(() => void tick(), delay);
    }

    if (account && emitMode !== "input") schedule(seam.now(), 0);

    node.on("close", (_removed: boolean, done: () => void) => {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      controller.abort(new AbortedError());
      if (account) releaseAccount(account);
      done();
    });
  }

  RED.nodes.registerType<TibberPricesNode, TibberPricesDef, unknown, Credentials>("tibber-prices", TibberPrices, {
    credentials: { token: { type: "password" } },
  });
  registerLookup(RED, tibberHomesLookup);
};

function slotOut(slot: PriceSlot): Record<string, unknown> {
  return { startsAt: slot.startsAt, total: slot.total, energy: slot.energy, tax: slot.tax, level: slot.level };
}

"use strict";
// PricesService on its own: a fake account and a recording port instead of Node-RED and the simulator.
const should = require("should");
const {
  PricesService,
  sleepMs,
  AFTER_BOUNDARY_MS,
  MAX_SLEEP_MS,
  RETRY_WITHOUT_HOME_MS,
} = require("../../dist/features/tibber/prices-service");
const { parseSlots } = require("../../dist/features/tibber/domain/slots");
const { RateLimitError, ApiError } = require("../../dist/shared/errors");
const { AbortedError } = require("../../dist/shared/sleep");

const HOME = { id: "home-1", nickname: "Cabin", address1: "Road 1", timeZone: "Europe/Oslo", hasSubscription: true };
const at = (iso) => Date.parse(iso);

/** Hourly slots of the Oslo day `date` with totals 1, 2, ... except `cheap` hours at 0.1. */
function day(date, cheap = []) {
  const start = at(`${date}T00:00:00+02:00`);
  return parseSlots(
    Array.from({ length: 24 }, (_, h) => ({
      total: cheap.includes(h) ? 0.1 : h + 1,
      energy: 0.5,
      tax: 0.5,
      startsAt: new Date(start + h * 3600_000).toISOString().replace("Z", "+00:00"),
      currency: "NOK",
      level: "NORMAL",
    })),
    "HOURLY",
  );
}

/** A fake account: prices from `today`/`tomorrow`, consumption hours, an optional failure and ban. */
function fakeSource(clock, overrides = {}) {
  const source = {
    today: day("2025-06-10", [3, 4]),
    tomorrow: [],
    nextRefreshAtMs: at("2025-06-10T13:00:00+02:00"),
    failure: undefined,
    banEnd: undefined,
    consumptionCalls: 0,
    hours: [
      {
        fromMs: at("2025-06-09T00:00:00+02:00"),
        consumption: 1.5,
        cost: 0.3,
        unitPrice: 0.2,
        unit: "kWh",
        currency: "NOK",
      },
    ],
    async resolveHome() {
      return HOME;
    },
    async prices(home, resolution, signal) {
      if (signal && signal.aborted) throw new AbortedError();
      if (source.failure) throw source.failure;
      const now = clock.now;
      const all = [...source.today, ...source.tomorrow];
      return {
        home: HOME,
        resolution: "HOURLY",
        currency: "NOK",
        current: all.find((s) => s.startMs <= now && now < s.endMs),
        today: source.today,
        tomorrow: source.tomorrow,
        nextRefreshAtMs: source.nextRefreshAtMs,
      };
    },
    async consumption() {
      source.consumptionCalls++;
      return source.hours;
    },
    bannedUntil() {
      return source.banEnd !== undefined && source.banEnd > clock.now ? source.banEnd : undefined;
    },
    ...overrides,
  };
  return source;
}

function recordingPort(clock) {
  const controller = new AbortController();
  const port = {
    sent: [],
    statuses: [],
    warned: new Map(),
    failed: [],
    timers: [],
    signal: controller.signal,
    close: () => controller.abort(new AbortedError()),
    now: () => clock.now,
    send: (outputs) => port.sent.push(outputs),
    show: (status) => port.statuses.push(status),
    warnOnce: (key, text) => {
      if (!port.warned.has(key)) port.warned.set(key, text);
    },
    fail: (err) => port.failed.push(err),
    after: (ms, work) => port.timers.push({ ms, work }),
  };
  return port;
}

function setup({ options = {}, source: sourceOverrides, noSource = false, now = "2025-06-10T09:20:00+02:00" } = {}) {
  const clock = { now: at(now) };
  const source = noSource ? undefined : fakeSource(clock, sourceOverrides);
  const port = recordingPort(clock);
  const service = new PricesService(
    source,
    {
      home: "",
      resolution: "HOURLY",
      cheapest: { minutes: 0, contiguous: true },
      consumptionHours: 48,
      consumptionDaily: false,
      ...options,
    },
    port,
  );
  return { clock, source, port, service };
}

describe("tibber prices: PricesService", function () {
  it("answers an input with the summary on output 1 and each slot on output 2, in the message", async function () {
    const { service, port } = setup({ options: { cheapest: { minutes: 120, contiguous: true } } });
    const msg = { payload: "go", topic: "keep" };
    const [first, storage] = await service.input(msg);
    first.should.equal(msg);
    first.topic.should.equal("keep");
    const p = first.payload;
    p.should.containDeep({ homeId: "home-1", home: "Cabin", currency: "NOK", resolution: "HOURLY" });
    p.current.startsAt.should.equal(new Date(at("2025-06-10T09:00:00+02:00")).toISOString().replace("Z", "+00:00"));
    p.today.length.should.equal(24);
    p.tomorrow.length.should.equal(0);
    // 03:00 and 04:00 are cheap but over: the cheapest 2 h from 09:20 on start at the running hour.
    p.cheapest.should.containDeep({ start: "2025-06-10T09:00:00.000+02:00", end: "2025-06-10T11:00:00.000+02:00" });
    p.cheapest.periods.length.should.equal(1);
    storage.length.should.equal(24);
    storage[0].measurement.should.equal("tibber_price");
    port.statuses.should.eql([
      { kind: "price", price: "10.0000 NOK NORMAL", at: at("2025-06-10T09:20:00+02:00"), bannedUntil: undefined },
    ]);
  });

  it("sends a slot again only when Tibber changed it, and output 1 in the background only on a change", async function () {
    const { service, source, clock } = setup();
    (await service.prices(undefined, false)).outputs[1].length.should.equal(24);
    should((await service.prices(undefined, false)).outputs).be.undefined();
    // a corrected price: only that slot on output 2, output 1 unchanged
    source.today = source.today.map((s, i) => (i === 20 ? { ...s, total: 99 } : s));
    const corrected = (await service.prices(undefined, false)).outputs;
    should(corrected[0]).be.null();
    corrected[1].length.should.equal(1);
    // the next hour: output 1 again, nothing new for output 2
    clock.now = at("2025-06-10T10:00:01+02:00");
    const next = (await service.prices(undefined, false)).outputs;
    next[0].payload.current.total.should.equal(11);
    should(next[1]).be.null();
    // tomorrow published: output 1 (more slots known) and tomorrow's 24 slots
    source.tomorrow = day("2025-06-11");
    const tomorrow = (await service.prices(undefined, false)).outputs;
    tomorrow[0].payload.tomorrow.length.should.equal(24);
    tomorrow[1].length.should.equal(24);
  });

  it("emits consumption hours once, on output 2 only", async function () {
    const { service, port } = setup();
    const [none, hours] = await service.input({ payload: "consumption" });
    should(none).be.null();
    hours[0].measurement.should.equal("tibber_consumption");
    should(await service.consumption()).be.undefined();
    port.statuses.map((s) => s.kind === "consumption" && s.hours).should.eql([1, 0]);
  });

  it("says how to get a token when there is none", async function () {
    const { service } = setup({ noSource: true });
    await service.input({ payload: 1 }).should.be.rejectedWith(/No Tibber token: choose a Tibber account/);
  });

  it("wakes just after the next slot boundary, or at the cache's refresh time when that comes first", async function () {
    const { service, port, source } = setup({ now: "2025-06-10T09:20:00+02:00" });
    (await service.tick()).should.equal(at("2025-06-10T10:00:00+02:00") + AFTER_BOUNDARY_MS);
    port.sent.length.should.equal(1);
    source.nextRefreshAtMs = at("2025-06-10T09:45:00+02:00");
    (await service.tick()).should.equal(source.nextRefreshAtMs + AFTER_BOUNDARY_MS);
    port.sent.length.should.equal(1); // nothing changed
  });

  it("fetches consumption once a day from 06:00 local when asked to", async function () {
    const { service, port, source, clock } = setup({
      options: { consumptionDaily: true },
      now: "2025-06-10T05:59:30+02:00",
    });
    (await service.tick()).should.equal(at("2025-06-10T06:00:00+02:00"));
    source.consumptionCalls.should.equal(0);
    clock.now = at("2025-06-10T06:00:00+02:00");
    (await service.tick()).should.equal(at("2025-06-10T07:00:00+02:00") + AFTER_BOUNDARY_MS);
    source.consumptionCalls.should.equal(1);
    port.sent[port.sent.length - 1][1][0].measurement.should.equal("tibber_consumption");
    clock.now = at("2025-06-10T07:00:01+02:00");
    await service.tick();
    source.consumptionCalls.should.equal(1);
  });

  it("waits out a ban with one warning per ban and a yellow status with the retry time", async function () {
    const { service, port, source, clock } = setup();
    source.banEnd = clock.now + 600_000;
    source.failure = new RateLimitError("Tibber is rate-limiting this IP address (HTTP 429).", 600_000);
    (await service.tick()).should.equal(source.banEnd + AFTER_BOUNDARY_MS);
    port.statuses.should.eql([{ kind: "rate-limited", until: source.banEnd }]);
    clock.now += 60_000;
    await service.tick();
    port.warned.size.should.equal(1);
    [...port.warned.values()][0].should.match(/rate-limiting this IP/);
    port.failed.length.should.equal(0);
    source.banEnd = clock.now + 900_000; // a new ban is said again
    await service.tick();
    port.warned.size.should.equal(2);
  });

  it("reports other failures for Catch nodes and tries again in five minutes", async function () {
    const { service, port, source, clock } = setup();
    source.failure = new ApiError("Tibber answered HTTP 500.", 500);
    (await service.tick()).should.equal(clock.now + RETRY_WITHOUT_HOME_MS);
    port.failed.should.eql([source.failure]);
    port.warned.size.should.equal(0);
    service.failureStatus(source.failure).should.eql({ kind: "failed", error: source.failure });
  });

  it("schedules its rounds through the port and stops when the signal is aborted", async function () {
    const { service, port } = setup();
    service.start();
    port.timers.length.should.equal(1);
    port.timers[0].ms.should.equal(0);
    await port.timers[0].work();
    port.timers.length.should.equal(2);
    port.timers[1].ms.should.equal(MAX_SLEEP_MS); // 40 minutes to the boundary, capped at 15
    port.close(); // as the real account does, the fake refuses work once the signal is aborted
    await port.timers[1].work().should.be.rejectedWith(AbortedError);
    port.timers.length.should.equal(2);
  });

  it("never sleeps longer than 15 minutes nor shorter than the minimum", function () {
    sleepMs(10_000_000, 0).should.equal(MAX_SLEEP_MS);
    sleepMs(100, 200).should.equal(1_000);
    sleepMs(100, 200, 0).should.equal(0);
    sleepMs(5_000, 0).should.equal(5_000);
  });
});

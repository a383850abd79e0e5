"use strict";
const { RateBudget } = require("../../dist/shared/rate-budget");
const { withRetry, backoffDelay } = require("../../dist/shared/retry");
const { Poller } = require("../../dist/shared/poller");
const { sleep } = require("../../dist/shared/sleep");
const { retryAfterMs } = require("../../dist/shared/http");
const { resolveBaseUrl } = require("../../dist/shared/base-url");
const { ApiError, RateLimitError, AuthError, isTransient } = require("../../dist/shared/errors");

describe("rate budget", function () {
  it("never allows more than the limit in any rolling window", function () {
    let now = 0;
    const budget = new RateBudget(100, 3_600_000, () => now);
    let granted = 0;
    const stamps = [];
    for (now = 0; now < 3 * 3_600_000; now += 10_000) if (budget.tryTake()) (granted++, stamps.push(now));
    // 3 hours at one request per 10 s wanted 1080; the budget allows 100 per rolling hour.
    granted.should.be.within(300, 301);
    for (let i = 100; i < stamps.length; i++) (stamps[i] - stamps[i - 100]).should.be.above(3_600_000 - 1);
  });

  it("says how long until the next call fits, and the spacing that keeps a schedule within it", function () {
    let now = 1000;
    const budget = new RateBudget(2, 60_000, () => now);
    budget.tryTake().should.be.true();
    now = 2000;
    budget.tryTake().should.be.true();
    budget.tryTake().should.be.false();
    budget.waitMs().should.equal(59_000);
    budget.minIntervalMs(3).should.equal(90_000);
    now = 61_001;
    budget.remaining().should.equal(1);
  });
});

describe("retry with back-off", function () {
  it("grows the delay exponentially with jitter and caps it", function () {
    const p = { baseMs: 100, maxMs: 1000 };
    backoffDelay(1, p, () => 0).should.equal(50);
    backoffDelay(1, p, () => 1).should.equal(100);
    backoffDelay(3, p, () => 1).should.equal(400);
    backoffDelay(10, p, () => 1).should.equal(1000);
  });

  it("retries transient errors and waits at least the Retry-After a rate limit asks for", async function () {
    const waits = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw new ApiError("boom", 503);
        if (calls === 2) throw new RateLimitError("slow down", 80);
        return "ok";
      },
      { retries: 3, baseMs: 1, maxMs: 2 },
      { onRetry: (_e, delay) => waits.push(delay) },
    );
    result.should.equal("ok");
    calls.should.equal(3);
    waits[1].should.be.aboveOrEqual(80);
  });

  it("does not retry errors that waiting cannot fix", async function () {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new AuthError("bad token");
      },
      { retries: 5, baseMs: 1, maxMs: 1 },
    ).catch((e) => e);
    err.should.be.instanceOf(AuthError);
    calls.should.equal(1);
    isTransient(new ApiError("x", 404)).should.be.false();
    isTransient(new ApiError("x", 502)).should.be.true();
  });

  it("stops waiting when aborted", async function () {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const t0 = Date.now();
    const err = await sleep(5000, controller.signal).catch((e) => e);
    err.should.be.instanceOf(Error);
    (Date.now() - t0).should.be.below(2000);
  });
});

describe("poller", function () {
  it("runs, honours a longer delay asked by the task, and stop() aborts the run in flight", async function () {
    const starts = [];
    let aborted = false;
    const poller = new Poller(
      async (signal) => {
        starts.push(Date.now());
        if (starts.length === 2) {
          await sleep(10_000, signal).catch(() => (aborted = true));
          return undefined;
        }
        return 60; // ask for a longer pause than the interval
      },
      (e) => {
        throw e;
      },
    );
    poller.start(5);
    await sleep(200);
    poller.stop();
    starts.length.should.equal(2);
    (starts[1] - starts[0]).should.be.aboveOrEqual(55);
    poller.running.should.be.false();
    await sleep(100);
    aborted.should.be.true();
    starts.length.should.equal(2);
  });

  it("reports task errors and keeps polling", async function () {
    const errors = [];
    let runs = 0;
    const poller = new Poller(
      async () => {
        runs++;
        throw new Error(`fail ${runs}`);
      },
      (e) => errors.push(e.message),
    );
    poller.start(10);
    await sleep(120);
    poller.stop();
    errors.length.should.be.aboveOrEqual(3);
    errors[0].should.equal("fail 1");
  });
});

describe("HTTP helpers", function () {
  it("reads Retry-After in seconds or as a date, else X-RateLimit-Reset", function () {
    retryAfterMs({ "retry-after": "12" }, 0).should.equal(12_000);
    retryAfterMs({ "retry-after": new Date(60_000).toUTCString() }, 0).should.equal(60_000);
    retryAfterMs({ "x-ratelimit-reset": "100" }, 40_000).should.equal(60_000);
    (retryAfterMs({}, 0) === undefined).should.be.true();
  });

  it("picks the configured base URL, else the service's environment variable, else the real service", function () {
    process.env.MF_TEST_BASE_URL = "http://127.0.0.1:9/x/";
    resolveBaseUrl("http://127.0.0.1:8/", "MF_TEST_BASE_URL", "https://real").should.equal("http://127.0.0.1:8");
    resolveBaseUrl("  ", "MF_TEST_BASE_URL", "https://real").should.equal("http://127.0.0.1:9/x");
    delete process.env.MF_TEST_BASE_URL;
    resolveBaseUrl(undefined, "MF_TEST_BASE_URL", "https://real").should.equal("https://real");
  });
});

import { phrase, ValidationError } from "../../shared/errors";
import { PlanRunner, type PlanSettings } from "./plan-runner";
import { checkCostMessage, clockSetting as clock, num, text, zoneSetting } from "./settings";
import { defineNode } from "../../runtime/kernel";
import type { NodeAPI } from "../../runtime/types";

/**
 * price-plan: the cheapest hours (or quarters) for a device in a daily window from the prices of
 * today and tomorrow; the plan on output 1, `on`/`off` at the right moments on output 2.
 */

const pricePlan = defineNode<PlanSettings>({
  type: "price-plan",
  settings: (config) => {
    const hours = num(config.hours, 3);
    if (!(hours > 0 && hours <= 48))
      throw new ValidationError(
        phrase("price-plan:errors.hours", "Hours on must be more than 0 and at most 48, not __hours__", { hours }),
      );
    const maxPrice = text(config.maxPrice) === "" ? undefined : num(config.maxPrice, NaN);
    if (maxPrice !== undefined && !Number.isFinite(maxPrice))
      throw new ValidationError(phrase("price-plan:errors.maxPrice", "Max price must be a number or blank"));
    return {
      hours,
      from: clock(config.from, "from", "00:00") as number,
      to: clock(config.to, "to", "00:00") as number,
      contiguous: config.contiguous !== false && config.contiguous !== "false",
      minRunMinutes: Math.max(0, num(config.minRunMinutes, 0)),
      maxPrice,
      mustRunHours: Math.max(0, num(config.mustRunHours, 0)),
      mustRunBy: clock(config.mustRunBy, "mustRunBy"),
      timeZone: zoneSetting(config.timezone, "Europe/Berlin") as string,
      powerKw: Math.max(0, num(config.powerKw, 0)),
      onPayload: text(config.onPayload) || "on",
      offPayload: text(config.offPayload) || "off",
    };
  },
  start(kit) {
    const runner = new PlanRunner(kit.settings, {
      now: () => kit.now(),
      after: (ms, work) => kit.after(ms, work),
      send: (outputs) => kit.send(outputs),
      get: (key) => kit.state.get(key),
      set: (key, value) => kit.state.set(key, value),
      status: (on, line) => (on ? kit.status.ok(line, kit.now()) : kit.status.idle(line)),
      say: (p) => kit.t(p.key, p.vars),
    });
    runner.start();
    return {
      // Output goes through the runner (kit.send), which also sends from its timers.
      input: async (msg) => {
        checkCostMessage(msg);
        await kit.serial(() => Promise.resolve(runner.input(msg)));
      },
    };
  },
});

export = function (RED: NodeAPI): void {
  pricePlan(RED);
};

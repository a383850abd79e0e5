import { CostLedger, type LedgerSettings } from "./cost-ledger";
import { checkCostMessage, tariffSetting, text, unitSetting, zoneSetting } from "./settings";
import { defineNode } from "../../runtime/kernel";
import type { NodeAPI } from "../../runtime/types";

/**
 * energy-cost: joins consumption per interval with price slots and the configured tariff; sends the
 * bill of every interval, day and month as `energy_cost` points for meter-influxdb-write.
 */

const energyCost = defineNode<LedgerSettings>({
  type: "energy-cost",
  settings: (config) => ({
    timeZone: zoneSetting(config.timezone, "Europe/Berlin") as string,
    unit: unitSetting(config.unit),
    label: config.label === "end" ? "end" : "start",
    currency: text(config.currency) || "EUR",
    tariff: tariffSetting(config),
  }),
  start(kit) {
    const ledger = new CostLedger(kit.settings, kit.state, (p) => kit.t(p.key, p.vars));
    return {
      input: async (msg, send) => {
        checkCostMessage(msg);
        // One at a time: each message continues the ledger the one before left.
        await kit.serial(() => {
          const answer = ledger.input(msg);
          for (const w of answer.warnings) kit.warn(w);
          if (answer.out) send(answer.out);
          if (answer.unpriced) kit.status.attention(answer.status);
          else kit.status.ok(answer.status, kit.now());
          return Promise.resolve();
        });
      },
    };
  },
});

export = function (RED: NodeAPI): void {
  energyCost(RED);
};

import { DAY, type Device, HOUR, meterAt, sampleTime } from "./meter";

/**
 * What `measurements` and `measurements/latest` answer (reference D2, D4): the keys of a device, and the
 * newest sample with each value's own timestamp, in the shape of each scenario.
 */

/** Recording delays per key: the API's timestamps are when each value reached the database. */
const RECORD_DELAY_MS: Record<string, number> = {
  "0100010700": 0,
  "0100010800": 0,
  "0100020700": 1_000,
  "0100020800": 1_000,
  "0100030800": 2_000,
  "0100040800": 2_000,
  batteryVoltage: 3_000,
  messageCount: 3_000,
  loraRssi: 4_000,
  loraSnr: 4_000,
};

export function keysOf(d: Device): string[] {
  if (d.type === "gateway") return ["roomTemperature", "roomHumidity", "errorCode", "freeHeap8Bit"];
  return Object.keys(RECORD_DELAY_MS);
}

export function latest(d: Device, now: number, sampleMs: number): unknown[] {
  if (d.scenario === "empty") return [];
  // The newest sample whose values have all been recorded by now.
  const reportedUpTo = d.stoppedAt !== undefined ? Math.min(now, d.stoppedAt) : now;
  const at = sampleTime(reportedUpTo - 4_000, sampleMs);
  if (d.type === "gateway") {
    const hour = (at % DAY) / HOUR;
    return [
      {
        measurement: "roomTemperature",
        timestamp: at,
        value: round(21.5 + 1.5 * Math.sin((Math.PI * hour) / 12), 2),
      },
      { measurement: "roomHumidity", timestamp: at + 500, value: 60.96 },
    ];
  }
  const m = meterAt(d, at, sampleMs);
  const daysRunning = (at - d.origin.at) / DAY;
  const values: Record<string, number> = {
    "0100010700": m.importW,
    "0100010800": round(m.importWh, 0),
    "0100020700": m.exportW,
    "0100020800": round(m.exportWh, 0),
    "0100030800": round(m.reactiveImportVarh, 0),
    "0100040800": round(m.reactiveExportVarh, 0),
    batteryVoltage: Math.round(d.options.batteryMv - 2 * daysRunning),
    messageCount: m.messages,
    loraRssi: -103,
    loraSnr: 3.0,
  };
  const out: Array<{ measurement: string; timestamp: number; value: unknown }> = Object.entries(values).map(
    ([measurement, value]) => ({ measurement, timestamp: at + RECORD_DELAY_MS[measurement], value }),
  );
  if (d.scenario === "unknown-keys") {
    out.push(
      { measurement: "0100010801", timestamp: at, value: round(m.importWh * 0.6, 0) },
      { measurement: "0100200700", timestamp: at, value: 231.4 },
      { measurement: "fancyNewKey", timestamp: at, value: 7 },
    );
  }
  if (d.scenario === "battery-volts") {
    const battery = out.find((e) => e.measurement === "batteryVoltage")!;
    battery.value = round((battery.value as number) / 1000, 2);
  }
  if (d.scenario === "non-numeric") {
    out.find((e) => e.measurement === "batteryVoltage")!.value = null;
    out.find((e) => e.measurement === "0100030800")!.value = "n/a";
  }
  return out;
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

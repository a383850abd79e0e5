/**
 * energyLIVE measurement keys → field names and units. Electrical keys are 10-digit OBIS codes
 * (`AA BB CC DD EE`, e.g. `0100010800` = 1-0:1.8.0); the rest are device status keys in camelCase.
 * Pure: no I/O, so the table and converters are tested on their own.
 */
import { tryParseInstant } from "../../../shared/time/instant";

export interface KeyInfo {
  /** The OBIS code as people write it (`1-0:1.8.0`), for electrical keys. */
  obis?: string;
  /** The field name in msg.payload and in InfluxDB. */
  name: string;
  unit: string;
  /** Turns the raw value into `unit` (e.g. mV → V). */
  convert?: (raw: number) => number;
}

/** The six registers energyLIVE publishes (reference D4), under names that carry their unit. */
const KNOWN_OBIS: Record<string, KeyInfo> = {
  "0100010700": { obis: "1-0:1.7.0", name: "power_import_w", unit: "W" },
  "0100020700": { obis: "1-0:2.7.0", name: "power_export_w", unit: "W" },
  "0100010800": { obis: "1-0:1.8.0", name: "energy_import_wh", unit: "Wh" },
  "0100020800": { obis: "1-0:2.8.0", name: "energy_export_wh", unit: "Wh" },
  "0100030800": { obis: "1-0:3.8.0", name: "reactive_energy_import_varh", unit: "varh" },
  "0100040800": { obis: "1-0:4.8.0", name: "reactive_energy_export_varh", unit: "varh" },
};

/**
 * Status keys keep their own names, except the battery voltage, given in V. smartENERGY's API page
 * documents no unit for it (only Wh for registers and W for power); berwinter/ha-energylive reads mV
 * (5540 shown as 77 %), a mock "based on the API documentation" (papers-mcce/energyops) sends 3.2. Both
 * are accepted: the interface's battery is a few volts, so a value above 100 can only be mV.
 */
const STATUS_KEYS: Record<string, KeyInfo> = {
  batteryVoltage: { name: "battery_voltage_v", unit: "V", convert: (v) => (Math.abs(v) > 100 ? v / 1000 : v) },
  messageCount: { name: "messageCount", unit: "count" },
  loraRssi: { name: "loraRssi", unit: "dBm" },
  loraSnr: { name: "loraSnr", unit: "dB" },
  errorCode: { name: "errorCode", unit: "" },
  freeHeap8Bit: { name: "freeHeap8Bit", unit: "" },
  largestHeapBlock8Bit: { name: "largestHeapBlock8Bit", unit: "" },
  roomTemperature: { name: "roomTemperature", unit: "°C" },
  roomHumidity: { name: "roomHumidity", unit: "%" },
};

const OBIS_KEY = /^([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})$/;

export interface DecodedObis {
  obis: string;
  /** True when decimal and hex readings of the groups differ (a group from 10 to 99), so the code is a guess. */
  ambiguous: boolean;
}

/**
 * Decodes a 10-character key into `A-B:C.D.E`. Groups 00–09 read the same in decimal and hex; a group
 * with a letter can only be hex. Groups 10–99 are ambiguous (reference D5): we read them as hex, as DLMS
 * does, and say so, so the caller can keep the raw key as the name.
 */
export function decodeObisKey(key: string): DecodedObis | undefined {
  const m = OBIS_KEY.exec(key);
  if (!m) return undefined;
  const groups = m.slice(1, 6);
  const ambiguous = groups.some((g) => /^\d\d$/.test(g) && g[0] !== "0");
  const [a, b, c, d, e] = groups.map((g) => parseInt(g, 16));
  return { obis: `${a}-${b}:${c}.${d}.${e}`, ambiguous };
}

/** Units of OBIS quantities (C.D) beyond the six energyLIVE registers, so unknown codes still carry one. */
function unitOf(obis: string): string {
  const m = /:(\d+)\.(\d+)\./.exec(obis);
  if (!m) return "";
  const c = Number(m[1]);
  const d = Number(m[2]);
  if (d === 8) {
    if (c === 1 || c === 2) return "Wh";
    if (c === 3 || c === 4) return "varh";
    if (c === 9 || c === 10) return "VAh";
    return "";
  }
  if (d !== 7) return "";
  if ([1, 2, 16, 21, 22, 41, 42, 61, 62].includes(c)) return "W";
  if ([3, 4, 23, 24, 43, 44, 63, 64].includes(c)) return "var";
  if ([9, 10, 29, 30, 49, 50, 69, 70].includes(c)) return "VA";
  if ([31, 51, 71, 91].includes(c)) return "A";
  if ([32, 52, 72].includes(c)) return "V";
  if (c === 14) return "Hz";
  return "";
}

/**
 * How a key is named and converted. Unknown keys are never dropped: an unknown OBIS code is named by its
 * OBIS string (`1-0:1.8.1`), an ambiguous one and any other key by the key itself.
 */
export function describeKey(key: string): KeyInfo {
  const known = KNOWN_OBIS[key] ?? STATUS_KEYS[key];
  if (known) return known;
  const decoded = decodeObisKey(key);
  if (decoded && !decoded.ambiguous) return { obis: decoded.obis, name: decoded.obis, unit: unitOf(decoded.obis) };
  if (decoded) return { obis: decoded.obis, name: key, unit: "" };
  return { name: key, unit: "" };
}

/**
 * A raw value as a finite number, or undefined. energyLIVE sends numbers; numeric strings are accepted
 * because some gateways quote them; anything else (null, "n/a", objects) is not a reading.
 */
export function toNumber(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === "string" && raw.trim() !== "") {
    const n = Number(raw);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Epoch ms from the API's timestamps (13-digit ms; 10-digit seconds), by the package's instant parser;
 * undefined for none, 0 or less (a device that has not set its clock) or anything unreadable.
 */
export function toEpochMs(raw: unknown): number | undefined {
  const n = toNumber(raw);
  if (n === undefined || n <= 0) return undefined;
  return tryParseInstant(n);
}

import { isApiVersion, type ApiVersion } from "./client";
import type { PolicyOptions } from "./domain";
import { numberProp, textProp, typedProp, type TypedProp } from "../../shared/props";

/** The announcement node's settings, from the editor's properties. */
export interface AnnounceNodeSettings {
  /** The voicemonkey-account node; a 0.1.0 node has its token, API version and base URL itself. */
  account: string;
  apiVersion: ApiVersion;
  baseUrl: string;
  /** The device as typed, or where a message, the context or the environment gives it. */
  device: TypedProp;
  speak: { voice?: string; language?: string; chime?: string };
  policy: PolicyOptions;
}

const text = (value: unknown): string => textProp(value);
const number = numberProp;

export function announceSettings(config: Record<string, unknown>): AnnounceNodeSettings {
  return {
    account: text(config.account),
    apiVersion: isApiVersion(config.apiVersion) ? config.apiVersion : "v3",
    baseUrl: text(config.baseUrl),
    device: typedProp(config.device, config.deviceType),
    speak: { voice: text(config.voice), language: text(config.language), chime: text(config.chime) },
    policy: {
      cooldownSeconds: number(config.cooldown, 900),
      quietStart: text(config.quietStart),
      quietEnd: text(config.quietEnd),
      holdQuiet: config.holdQuiet === true,
      maxPerDay: number(config.maxPerDay, 20),
    },
  };
}

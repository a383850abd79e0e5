import { isApiVersion, type ApiVersion } from "./client";
import type { PolicyOptions } from "./domain";
import { numberProp, textProp } from "../../shared/props";

/** The announcement node's settings, from the editor's properties. */
export interface AnnounceNodeSettings {
  apiVersion: ApiVersion;
  baseUrl: string;
  device: string;
  speak: { voice?: string; language?: string; chime?: string };
  policy: PolicyOptions;
}

const text = (value: unknown): string => textProp(value);
const number = numberProp;

export function announceSettings(config: Record<string, unknown>): AnnounceNodeSettings {
  return {
    apiVersion: isApiVersion(config.apiVersion) ? config.apiVersion : "v3",
    baseUrl: text(config.baseUrl),
    device: text(config.device),
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

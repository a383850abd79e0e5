import { ValidationError } from "../../../shared/errors";

/**
 * What to say, from `msg.payload`: a string (or number), or an object with `message` (flume-flow's
 * alert output), `text` or `speech`. Empty text is an error a Catch node can see.
 */
export function announcementText(payload: unknown): string {
  let text: unknown = payload;
  if (payload && typeof payload === "object") {
    const p = payload as Record<string, unknown>;
    text = [p.message, p.text, p.speech].find((v) => typeof v === "string" && v.trim() !== "");
  }
  if (typeof text === "number" && Number.isFinite(text)) text = String(text);
  if (typeof text !== "string" || text.trim() === "")
    throw new ValidationError(
      "Nothing to announce: set msg.payload to the text, or to an object with message, text or speech.",
    );
  const spoken = text.trim();
  if (spoken.length > MAX_TEXT)
    throw new ValidationError(
      `The announcement has ${spoken.length} characters; Alexa speaks at most ${MAX_TEXT} (its output speech limit): shorten or split it.`,
    );
  return spoken;
}

/** Alexa's limit on one response's output speech (Alexa Skills Kit, response format: 8000 characters). */
export const MAX_TEXT = 8000;

/** The device: `msg.device` when it is set, else the node's own. */
export function announcementDevice(msgDevice: unknown, configured: string): string {
  const device = (typeof msgDevice === "string" && msgDevice.trim()) || configured.trim();
  if (!device)
    throw new ValidationError("No VoiceMonkey device: choose a speaker in the node's settings or set msg.device.");
  return device;
}

/** Resolves a stored credential written as `${ENV_VAR}`, as the runtime does for deployed nodes. */
export function resolveEnvReference(value: string | undefined): string {
  const m = /^\$\{(\S+)\}$/.exec(value ?? "");
  return (m ? process.env[m[1]] : value) ?? "";
}

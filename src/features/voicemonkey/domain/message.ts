import { checkText, MAX_NAME_CHARS } from "../../../shared/bounds";
import { phrase, ValidationError } from "../../../shared/errors";

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
      phrase(
        "voicemonkey-announce:errors.nothing",
        "Nothing to announce: set msg.payload to the text, or to an object with message, text or speech.",
      ),
    );
  const spoken = text.trim();
  if (spoken.length > MAX_TEXT)
    throw new ValidationError(
      phrase(
        "voicemonkey-announce:errors.textTooLong",
        "The announcement has __length__ characters; Alexa speaks at most __max__ (its output speech limit): shorten or split it.",
        { length: spoken.length, max: MAX_TEXT },
      ),
      { statusText: phrase("voicemonkey-announce:status.textTooLong", "announcement too long") },
    );
  return spoken;
}

/**
 * The longest text one announcement speaks. VoiceMonkey documents no limit of its own for `speech` (v3
 * announce) or `text` (v2); Alexa speaks it as one response, whose output speech is at most 8,000
 * characters (Alexa Skills Kit, "Response format" of the custom skill JSON interface reference, and
 * "Best Practices for Text Responses": "The text string must be less than 8000 characters").
 */
export const MAX_TEXT = 8000;

/**
 * The device: `msg.device` when it is set, else the node's own. VoiceMonkey documents no length for a
 * device ID (slugs made from the name, e.g. `kitchen-echo-3f7k2`): the package's bound for names applies.
 */
export function announcementDevice(msgDevice: unknown, configured: string): string {
  checkText(msgDevice, "device", MAX_NAME_CHARS);
  const device = (typeof msgDevice === "string" && msgDevice.trim()) || configured.trim();
  if (!device)
    throw new ValidationError(
      phrase(
        "voicemonkey-announce:errors.noDevice",
        "No VoiceMonkey device: choose a speaker in the node's settings or set msg.device.",
      ),
    );
  return device;
}

/** Resolves a stored credential written as `${ENV_VAR}`, as the runtime does for deployed nodes. */
export function resolveEnvReference(value: string | undefined): string {
  const m = /^\$\{(\S+)\}$/.exec(value ?? "");
  return (m ? process.env[m[1]] : value) ?? "";
}

/** The VoiceMonkey API generations this client speaks; a token only works with its own generation. */
export type ApiVersion = "v3" | "v2";

export const DEFAULT_BASE_URLS: Record<ApiVersion, string> = {
  v3: "https://api-v3.voicemonkey.io",
  v2: "https://api-v2.voicemonkey.io",
};

export const BASE_URL_ENV = "VOICEMONKEY_BASE_URL";

/** One announcement: what to say on which Echo, and how. */
export interface Announcement {
  /** Speaker device ID from the VoiceMonkey console, e.g. "kitchen-echo-3f7k2". */
  device: string;
  /** The text to speak (v3 sends it as `speech`, v2 as `text`). */
  text: string;
  /** Amazon Polly voice, e.g. "Joanna"; blank = the account's default. */
  voice?: string;
  /** BCP-47 language for Alexa's TTS, e.g. "en-US". */
  language?: string;
  /** A soundbank URL played before the speech. */
  chime?: string;
  /** An image for an Echo Show. */
  image?: string;
  /** A web page for an Echo Show (v3 `website_url`, v2 `website`). */
  website?: string;
}

export interface VoiceMonkeyDevice {
  id: string;
  name: string;
  /** "speakers" can announce; "routines" trigger Alexa routines. */
  capability: string;
}

export function isApiVersion(value: unknown): value is ApiVersion {
  return value === "v3" || value === "v2";
}

/** What the VoiceMonkey simulator is configured with and what it records (reference Part B, C2). */

export interface SimDevice {
  id: string;
  name: string;
  capability: "speakers" | "routines";
}

export interface SpokenAnnouncement {
  apiVersion: "v3" | "v2";
  device: string;
  /** What was spoken: v3 `speech`, v2 `text`. */
  text: string;
  voice?: string;
  language?: string;
  chime?: string;
  /** Simulator-clock time it was accepted (epoch ms). */
  at: number;
  /** Where the token came from. */
  auth: "bearer" | "header" | "query" | "body";
  /** Every parameter received except the token, to assert request shapes exactly. */
  params: Record<string, unknown>;
}

export interface VoiceMonkeySimOptions {
  v3Tokens?: string[];
  v2Tokens?: string[];
  /** Tokens that exist but belong to no user (401 USER_NOT_FOUND). */
  orphanTokens?: string[];
  devices?: SimDevice[];
  /** Requests per calendar month (UTC) before MONTHLY_QUOTA_EXCEEDED; 0 = unlimited. */
  monthlyQuota?: number;
  /** More than `burstLimit` requests in `burstWindowMs` locks the user out for `lockoutMs`. */
  burstLimit?: number;
  burstWindowMs?: number;
  lockoutMs?: number;
  /** How a 429 tells its lockout: `{"lockoutUntil": ISO}` or `"THROTTLED:<ISO>"` (both documented). */
  throttleStyle?: "lockoutUntil" | "suffix";
  /** Also send Retry-After (seconds) with a 429 (not documented; on by default). */
  retryAfterHeader?: boolean;
  /** Announcing to a routine-trigger device: accept, or refuse with this status (UNCONFIRMED). */
  routineAnnounce?: "accept" | 400 | 404;
  /** v2 errors: real statuses, or 200 with `success:false` (UNCONFIRMED which). */
  v2ErrorsAs200?: boolean;
  /** Called for every accepted announcement, e.g. to print it in the demo. */
  onSpoken?: (spoken: SpokenAnnouncement) => void;
}

export const DEMO_TOKEN = "vm3-demo-7d1f0c9a52b84e6f9c3a";

export const DEMO_CREDENTIALS = { token: DEMO_TOKEN };

export const DEMO_DEVICES: SimDevice[] = [
  { id: "echo-kitchen", name: "Kitchen Echo", capability: "speakers" },
  { id: "echo-show-bedroom", name: "Bedroom Echo Show", capability: "speakers" },
  { id: "porch-lights-routine", name: "Porch lights", capability: "routines" },
];

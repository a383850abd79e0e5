import { TibberSimulator } from "./simulator";

/**
 * The `npm start` scenario: the demo account (Winterfell, Oslo), real "now", tomorrow published at
 * 13:00 local, and Tibber's own rate limit.
 */
export function demoSimulator(): TibberSimulator {
  return new TibberSimulator({ publishAtMinutes: 13 * 60 });
}

/**
 * Kept for the names the Tibber tests import: Tibber's local days (midnight to midnight in
 * the home's `timeZone`) use the package's shared zone and calendar arithmetic in src/shared/time.
 */
export { isValidTimeZone, localParts, formatLocalIso, type LocalParts } from "../../../shared/time/zone";
export { addDays, atLocalTime, localDateKey, startOfLocalDay } from "../../../shared/time/calendar";

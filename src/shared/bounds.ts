import { phrase, ValidationError } from "./errors";

/**
 * What one message may make a node do. A fuzz run sent 4 MB device names and topics and arrays of
 * millions of entries; a node refuses such a message at once, through the error funnel, naming the
 * property and the bound, instead of copying, keying its state by or sending what it was given.
 */

/** Names from a message (device, home id, meter id, topic): far above any real one, far below harm. */
export const MAX_NAME_CHARS = 1000;

/** Refuses a string property longer than `max` characters; anything else passes (other checks own it). */
export function checkText<T>(value: T, property: string, max = MAX_NAME_CHARS): T {
  if (typeof value !== "string" || value.length <= max) return value;
  const vars = { property, length: value.length, max };
  throw new ValidationError(
    phrase(
      "shared.errors.tooLong",
      "msg.__property__ has __length__ characters; this node takes at most __max__.",
      vars,
    ),
    { statusText: phrase("shared.status.tooLong", "msg.__property__ too long", vars) },
  );
}

/** Refuses a list (array or typed array) with more than `max` entries. */
export function checkList(value: unknown, property: string, max: number): void {
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) return;
  const length = (value as ArrayLike<unknown>).length;
  if (length > max) throw tooMany(property, length, max);
}

/** Refuses an object with more than `maxKeys` keys, or a key longer than `maxChars` (a map of meters). */
export function checkKeys(value: unknown, property: string, maxKeys: number, maxChars = MAX_NAME_CHARS): void {
  if (!value || typeof value !== "object" || Array.isArray(value)) return;
  const keys = Object.keys(value);
  if (keys.length > maxKeys) throw tooMany(property, keys.length, maxKeys);
  for (const key of keys) checkText(key, `${property} key`, maxChars);
}

/** Refuses string values of an object (a point's tags) longer than `max`. */
export function checkTexts(value: unknown, property: string, max = MAX_NAME_CHARS): void {
  if (!value || typeof value !== "object" || Array.isArray(value)) return;
  for (const [key, text] of Object.entries(value)) checkText(text, `${property}.${key}`, max);
}

/** Refuses a count of entries (over several lists of one message) above `max`. */
export function checkCount(count: number, property: string, max: number): void {
  if (count > max) throw tooMany(property, count, max);
}

function tooMany(property: string, length: number, max: number): ValidationError {
  const vars = { property, length, max };
  return new ValidationError(
    phrase(
      "shared.errors.tooMany",
      "msg.__property__ has __length__ entries; this node takes at most __max__ in one message: split it into several messages.",
      vars,
    ),
    { statusText: phrase("shared.status.tooMany", "msg.__property__: too many entries", vars) },
  );
}

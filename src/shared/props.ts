/** Editor properties arrive as strings (or numbers in imported flows): the one way every settings parser reads them. */

/** A number property from the editor (which stores strings), with a default for blanks and junk. */
export function numberProp(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === "") return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}

/** A text property from the editor: strings as they are, numbers as text, anything else blank. */
export function textProp(value: unknown, fallback = ""): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return fallback;
}

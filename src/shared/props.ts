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

/** A TypedInput property: its value and type (`str`, `msg`, `flow`, `global`, `env`); 0.1.0 flows have no type. */
export interface TypedProp {
  value: string;
  type: string;
}

/** A TypedInput from the editor; a missing or unknown type is `str`, as 0.1.0 stored the plain text. */
export function typedProp(value: unknown, type: unknown, allowed: readonly string[] = TYPED_TARGETS): TypedProp {
  const t = textProp(type);
  return { value: textProp(value), type: allowed.includes(t) ? t : "str" };
}

/** The types a home or device may come from. */
export const TYPED_TARGETS = ["str", "msg", "flow", "global", "env"] as const satisfies readonly string[];

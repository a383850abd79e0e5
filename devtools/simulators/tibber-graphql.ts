/**
 * A small GraphQL reader and executor, enough for the Tibber simulator to answer the queries real
 * clients send: operations with variables and defaults, aliases, arguments, nested selections. It
 * honours the selection (a client that asks for `total startsAt` gets just those) and reports unknown
 * fields and syntax errors the way Apollo Server does, which Tibber runs.
 */

export type GqlValue =
  | { kind: "var"; name: string }
  | { kind: "literal"; value: unknown }
  | { kind: "enum"; value: string }
  | { kind: "list"; items: GqlValue[] }
  | { kind: "object"; fields: Record<string, GqlValue> };

export interface Field {
  alias?: string;
  name: string;
  args: Record<string, GqlValue>;
  selections?: Field[];
  line: number;
  column: number;
}

export interface Operation {
  type: "query" | "mutation" | "subscription";
  name?: string;
  variables: { name: string; type: string; defaultValue?: GqlValue }[];
  selections: Field[];
}

export class GraphQLFailure extends Error {
  constructor(
    message: string,
    readonly code: "GRAPHQL_PARSE_FAILED" | "GRAPHQL_VALIDATION_FAILED" | "BAD_USER_INPUT",
    readonly line = 1,
    readonly column = 1,
  ) {
    super(message);
  }
}

interface Token {
  kind: "punct" | "name" | "string" | "number" | "eof";
  value: string;
  line: number;
  column: number;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (): { line: number; column: number } => ({ line, column: i - lineStart + 1 });
  while (i < source.length) {
    const c = source[i];
    if (c === "\n") {
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === ",") {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    const pos = at();
    if (source.startsWith("...", i)) {
      tokens.push({ kind: "punct", value: "...", ...pos });
      i += 3;
      continue;
    }
    if ("{}()[]:$!=@".includes(c)) {
      tokens.push({ kind: "punct", value: c, ...pos });
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let text = "";
      while (j < source.length && source[j] !== '"') {
        if (source[j] === "\\") {
          text += source[j + 1] === "n" ? "\n" : source[j + 1];
          j += 2;
        } else text += source[j++];
      }
      if (j >= source.length)
        throw new GraphQLFailure("Syntax Error: Unterminated string.", "GRAPHQL_PARSE_FAILED", pos.line, pos.column);
      tokens.push({ kind: "string", value: text, ...pos });
      i = j + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i));
    if (num) {
      tokens.push({ kind: "number", value: num[0], ...pos });
      i += num[0].length;
      continue;
    }
    const name = /^[_A-Za-z][_0-9A-Za-z]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: "name", value: name[0], ...pos });
      i += name[0].length;
      continue;
    }
    throw new GraphQLFailure(
      `Syntax Error: Unexpected character: "${c}".`,
      "GRAPHQL_PARSE_FAILED",
      pos.line,
      pos.column,
    );
  }
  tokens.push({ kind: "eof", value: "<EOF>", ...at() });
  return tokens;
}

export function parseOperation(source: string): Operation {
  const tokens = tokenize(source);
  let p = 0;
  const peek = (): Token => tokens[p];
  const fail = (t: Token, what = `Unexpected ${t.kind === "eof" ? "<EOF>" : `"${t.value}"`}`): never => {
    throw new GraphQLFailure(`Syntax Error: ${what}.`, "GRAPHQL_PARSE_FAILED", t.line, t.column);
  };
  const expect = (value: string): Token => {
    const t = tokens[p];
    if (t.value !== value || (t.kind !== "punct" && t.kind !== "name"))
      fail(t, `Expected "${value}", found ${t.kind === "eof" ? "<EOF>" : `"${t.value}"`}`);
    p++;
    return t;
  };
  const name = (): string => {
    const t = tokens[p];
    if (t.kind !== "name") fail(t, `Expected Name, found ${t.kind === "eof" ? "<EOF>" : `"${t.value}"`}`);
    p++;
    return t.value;
  };
  const value = (): GqlValue => {
    const t = peek();
    if (t.kind === "punct" && t.value === "$") {
      p++;
      return { kind: "var", name: name() };
    }
    if (t.kind === "string") {
      p++;
      return { kind: "literal", value: t.value };
    }
    if (t.kind === "number") {
      p++;
      return { kind: "literal", value: Number(t.value) };
    }
    if (t.kind === "name") {
      p++;
      if (t.value === "true" || t.value === "false") return { kind: "literal", value: t.value === "true" };
      if (t.value === "null") return { kind: "literal", value: null };
      return { kind: "enum", value: t.value };
    }
    if (t.value === "[") {
      p++;
      const items: GqlValue[] = [];
      while (peek().value !== "]") items.push(value());
      p++;
      return { kind: "list", items };
    }
    if (t.value === "{") {
      p++;
      const fields: Record<string, GqlValue> = {};
      while (peek().value !== "}") {
        const key = name();
        expect(":");
        fields[key] = value();
      }
      p++;
      return { kind: "object", fields };
    }
    return fail(t);
  };
  const type = (): string => {
    let text: string;
    if (peek().value === "[") {
      p++;
      text = `[${type()}]`;
      expect("]");
    } else text = name();
    if (peek().value === "!") {
      p++;
      text += "!";
    }
    return text;
  };
  const selectionSet = (): Field[] => {
    expect("{");
    const fields: Field[] = [];
    while (peek().value !== "}") {
      if (peek().kind === "eof") fail(peek(), `Expected Name, found <EOF>`);
      const start = peek();
      if (start.value === "...") fail(start, "fragments are not supported by this simulator");
      let fieldName = name();
      let alias: string | undefined;
      if (peek().value === ":") {
        p++;
        alias = fieldName;
        fieldName = name();
      }
      const args: Record<string, GqlValue> = {};
      if (peek().value === "(") {
        p++;
        while (peek().value !== ")") {
          const argName = name();
          expect(":");
          args[argName] = value();
        }
        p++;
      }
      const field: Field = { alias, name: fieldName, args, line: start.line, column: start.column };
      if (peek().value === "{") field.selections = selectionSet();
      fields.push(field);
    }
    p++;
    return fields;
  };

  let opType: Operation["type"] = "query";
  let opName: string | undefined;
  const variables: Operation["variables"] = [];
  const first = peek();
  if (
    first.kind === "name" &&
    (first.value === "query" || first.value === "mutation" || first.value === "subscription")
  ) {
    opType = first.value;
    p++;
    if (peek().kind === "name") opName = name();
    if (peek().value === "(") {
      p++;
      while (peek().value !== ")") {
        expect("$");
        const varName = name();
        expect(":");
        const varType = type();
        let defaultValue: GqlValue | undefined;
        if (peek().value === "=") {
          p++;
          defaultValue = value();
        }
        variables.push({ name: varName, type: varType, defaultValue });
      }
      p++;
    }
  } else if (first.kind !== "punct" || first.value !== "{") {
    fail(first);
  }
  const selections = selectionSet();
  if (peek().kind !== "eof") fail(peek());
  return { type: opType, name: opName, variables, selections };
}

/** A value of the object graph: a typed object whose fields are values or resolvers taking arguments. */
export interface GqlObject {
  __typename: string;
  [field: string]: unknown;
}

export type Resolver = (args: Record<string, unknown>) => unknown;

export function resolveValue(value: GqlValue, variables: Record<string, unknown>): unknown {
  switch (value.kind) {
    case "var":
      return variables[value.name];
    case "literal":
      return value.value;
    case "enum":
      return value.value;
    case "list":
      return value.items.map((v) => resolveValue(v, variables));
    case "object":
      return Object.fromEntries(Object.entries(value.fields).map(([k, v]) => [k, resolveValue(v, variables)]));
  }
}

/** Runs the selection against `root`; an unknown field throws GRAPHQL_VALIDATION_FAILED. */
export function execute(fields: Field[], root: GqlObject, variables: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const key = field.alias ?? field.name;
    if (field.name === "__typename") {
      out[key] = root.__typename;
      continue;
    }
    if (!(field.name in root)) {
      throw new GraphQLFailure(
        `Cannot query field "${field.name}" on type "${root.__typename}".`,
        "GRAPHQL_VALIDATION_FAILED",
        field.line,
        field.column,
      );
    }
    const args = Object.fromEntries(Object.entries(field.args).map(([k, v]) => [k, resolveValue(v, variables)]));
    let value = root[field.name];
    if (typeof value === "function") value = (value as Resolver)(args);
    out[key] = shape(value, field, variables);
  }
  return out;
}

function shape(value: unknown, field: Field, variables: Record<string, unknown>): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => shape(v, field, variables));
  if (typeof value === "object" && "__typename" in value) {
    if (!field.selections) {
      const typename = (value as GqlObject).__typename;
      throw new GraphQLFailure(
        `Field "${field.name}" of type "${typename}" must have a selection of subfields. Did you mean "${field.name} { ... }"?`,
        "GRAPHQL_VALIDATION_FAILED",
        field.line,
        field.column,
      );
    }
    return execute(field.selections, value as GqlObject, variables);
  }
  if (field.selections) {
    throw new GraphQLFailure(
      `Field "${field.name}" must not have a selection since its type has no subfields.`,
      "GRAPHQL_VALIDATION_FAILED",
      field.line,
      field.column,
    );
  }
  return value;
}

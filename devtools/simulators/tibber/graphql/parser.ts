import { GraphQLFailure } from "./failure";
import { tokenize, type Token } from "./lexer";

/**
 * A small GraphQL reader and executor, enough for the Tibber simulator to answer the queries real
 * clients send: operations with variables and defaults, aliases, arguments, nested selections, named
 * fragments (`...HomeFields` with `fragment HomeFields on Home { … }`, GraphQL spec §2.8) and
 * inline fragments (`... on Home { … }`). It
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

export { GraphQLFailure };

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
      if (start.value === "...") {
        p++;
        fields.push(...spread(start));
        continue;
      }
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

  // A spread is kept as a marker and replaced by the fragment's fields once the whole document is read
  // (fragments may be defined after the operation that uses them).
  const fragments = new Map<string, Field[]>();
  const spread = (start: Token): Field[] => {
    if (peek().kind === "name" && peek().value === "on") {
      p++;
      name(); // the type condition: every type here is concrete, so the fields always apply
      return selectionSet();
    }
    if (peek().kind === "name") {
      const fragment = name();
      return [{ name: `...${fragment}`, args: {}, line: start.line, column: start.column }];
    }
    if (peek().value === "{") return selectionSet();
    return fail(peek());
  };
  const fragmentDefinition = (): void => {
    expect("fragment");
    const fragmentName = name();
    expect("on");
    name();
    fragments.set(fragmentName, selectionSet());
  };
  const expand = (fields: Field[], depth = 0): Field[] => {
    const out: Field[] = [];
    for (const f of fields) {
      if (f.name.startsWith("...")) {
        const body = fragments.get(f.name.slice(3));
        if (!body || depth > 20)
          throw new GraphQLFailure(
            `Unknown fragment "${f.name.slice(3)}".`,
            "GRAPHQL_VALIDATION_FAILED",
            f.line,
            f.column,
          );
        out.push(...expand(body, depth + 1));
      } else out.push(f.selections ? { ...f, selections: expand(f.selections, depth) } : f);
    }
    return out;
  };

  while (peek().kind === "name" && peek().value === "fragment") fragmentDefinition();
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
  while (peek().kind === "name" && peek().value === "fragment") fragmentDefinition();
  if (peek().kind !== "eof") fail(peek());
  return { type: opType, name: opName, variables, selections: expand(selections) };
}

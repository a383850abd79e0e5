import { type Field, GraphQLFailure, type GqlValue } from "./parser";

/** Runs a parsed selection against an object graph, keeping only the fields that were asked for. */

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

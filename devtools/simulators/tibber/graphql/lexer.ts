import { GraphQLFailure } from "./failure";

/** GraphQL's lexical grammar, enough for the documents real Tibber clients send. */

export interface Token {
  kind: "punct" | "name" | "string" | "number" | "eof";
  value: string;
  line: number;
  column: number;
}

export function tokenize(source: string): Token[] {
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

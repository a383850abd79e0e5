/** A GraphQL error with Apollo Server's code and the source position it points at. */
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

export * from "./models";
export { FlumeClient, FLUME_API, HOUR_MS, type FlumeClientOptions, type UsageQuery } from "./client";
export { TokenManager, userIdFromJwt, type FlumeCredentials } from "./auth";

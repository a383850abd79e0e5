export * from "./models";
export {
  FlumeClient,
  BudgetExceededError,
  FLUME_API,
  HOUR_MS,
  type FlumeClientOptions,
  type UsageQuery,
} from "./client";
export { FlumeAccount, MIN_ALERT_PERIOD_MS, type FlowSample, type UsageSample } from "./account";
export { TokenManager, userIdFromJwt, type FlumeCredentials } from "./auth";
export { sayCall, TokenRefused } from "./envelope";

/**
 * The Flume simulator, one module per concern under `flume/`: accounts and tokens (`auth`), devices and
 * locations (`devices`), water queries (`usage`), alerts and notifications (`alerts`), the rate window
 * (`rate`), the answer envelope (`wire`), the routes (`routes`) and the `npm start` scenario (`demo`).
 */
export { DEMO_CREDENTIALS, type SimAccount } from "./flume/auth";
export { demoSimulator } from "./flume/demo";
export type { SimDevice } from "./flume/devices";
export { FlumeSimulator, type FlumeSimOptions } from "./flume/simulator";
export type { FlowSegment } from "./flume/usage";

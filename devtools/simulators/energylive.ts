/**
 * The energyLIVE simulator, one module per concern under `energylive/`: the meter model (`meter`), what
 * the measurement routes answer (`measurements`), the routes with their key check (`simulator`) and the
 * `npm start` scenario (`demo`).
 */
export { DEMO_API_KEY, DEMO_CREDENTIALS, DEMO_DEVICE_UID, DEMO_GATEWAY_UID, demoSimulator } from "./energylive/demo";
export type { DeviceOptions, Scenario } from "./energylive/meter";
export { EnergyLiveSimulator } from "./energylive/simulator";

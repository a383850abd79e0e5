import { EnergyLiveSimulator } from "./simulator";

export const DEMO_API_KEY = "elv-demo-9Qm2Xr7LkP4sT8wZ3nB6yC1dVf";
export const DEMO_DEVICE_UID = "I-10082023-01658401";
export const DEMO_GATEWAY_UID = "G-01012024-00000001";

/** What the demo writes into the credentials of energylive-reader nodes. */
export const DEMO_CREDENTIALS = { apiKey: DEMO_API_KEY };

/** A simulator with the demo key, an interface with solar export and a gateway; it runs in real time. */
export function demoSimulator(): EnergyLiveSimulator {
  const sim = new EnergyLiveSimulator();
  sim.sampleMs = 10_000;
  sim.addDevice(DEMO_DEVICE_UID, { solarPeakW: 1_800 });
  sim.addDevice(DEMO_GATEWAY_UID);
  sim.addApiKey(DEMO_API_KEY, [DEMO_DEVICE_UID, DEMO_GATEWAY_UID]);
  return sim;
}

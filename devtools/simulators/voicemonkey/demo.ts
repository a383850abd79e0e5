import { DEMO_DEVICES, DEMO_TOKEN } from "./options";
import { VoiceMonkeySimulator } from "./simulator";

/** The simulator for `npm start`: the demo devices, and every spoken line printed as Alexa says it. */
export function demoSimulator(): VoiceMonkeySimulator {
  return new VoiceMonkeySimulator({
    // A v3 token only, as at home: a node set to v2 with it fails in the demo too (reference B1).
    v3Tokens: [DEMO_TOKEN],
    devices: DEMO_DEVICES.map((d) => ({ ...d })),
    monthlyQuota: 200,
    onSpoken: (a) => console.log(`[alexa ${a.device}] ${a.text}`),
  });
}

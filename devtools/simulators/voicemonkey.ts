/**
 * The VoiceMonkey simulator, one module per concern under `voicemonkey/`: options and recorded
 * announcements (`options`), where each API generation takes its token from (`callers`), the endpoints
 * with their guard (`simulator`) and the `npm start` scenario (`demo`).
 */
export { demoSimulator } from "./voicemonkey/demo";
export {
  DEMO_CREDENTIALS,
  DEMO_DEVICES,
  DEMO_TOKEN,
  type SimDevice,
  type SpokenAnnouncement,
  type VoiceMonkeySimOptions,
} from "./voicemonkey/options";
export { VoiceMonkeySimulator } from "./voicemonkey/simulator";

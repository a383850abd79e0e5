import { FlumeSimulator } from "./simulator";
import { MINUTE, round } from "./wire";

/**
 * The `npm start` demo: the demo account, a sensor where water runs now and then (a few minutes at
 * 1–2 gal/min every twelve minutes), and a Flume Smart Leak alert about a minute after start that
 * clears five minutes later, once every half hour, so a flow speaks once per leak.
 */
export function demoSimulator(): FlumeSimulator {
  const sim = new DemoFlumeSimulator();
  sim.baseFlow = (ms) => {
    const minute = Math.floor(ms / MINUTE);
    return minute % 12 < 3 ? round(1.2 + 0.6 * Math.abs(Math.sin(minute))) : 0;
  };
  return sim;
}

class DemoFlumeSimulator extends FlumeSimulator {
  override async start(port = 0): Promise<string> {
    const url = await super.start(port);
    this.scheduleLeak(this.clock.now() + MINUTE);
    return url;
  }

  private scheduleLeak(at: number): void {
    const leakFor = 5 * MINUTE;
    this.at(at, () => {
      this.raiseLeak(this.sensorId, at);
      this.scriptFlow(0.35, { fromMs: at, minutes: 5 });
    });
    this.at(at + leakFor, () => {
      this.clearLeak();
      this.scheduleLeak(at + 30 * MINUTE);
    });
  }
}

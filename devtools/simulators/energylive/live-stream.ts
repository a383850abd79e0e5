import type { ServerResponse } from "node:http";
import type { SimClock } from "../clock";
import type { SimRequest, SimResponse } from "../server";
import { latest } from "./measurements";
import type { Device } from "./meter";

/**
 * energyLIVE's live stream, `GET /devices/{uid}/measurements/live` as `text/event-stream` (reference D3,
 * after berwinter/ha-energylive, the one public client: each event one `data:{measurement,timestamp,value}`
 * line, the stream kept open). Every new sample of the device goes out as one event per key. Whether the
 * real service sends `id:` lines is unconfirmed, so ids are a switch (`sendIds`), and a reconnect with
 * `Last-Event-ID` resumes after that sample. Faults: `drop()`, `silent`, and the server's usual
 * `inject()` faults on the path (status, rate-limit, hang) for a refused stream.
 */

export interface StreamHost {
  readonly clock: SimClock;
  readonly sampleMs: number;
}

export class EnergyLiveStreams {
  /** How often a stream looks for a new sample. */
  tickMs = 1_000;
  sendIds = false;
  /** Fault: streams stay open and send nothing. */
  silent = false;
  /** The Last-Event-ID of each stream request, in order (undefined when none was sent). */
  readonly resumedFrom: (string | undefined)[] = [];
  /** Events written, over all streams. */
  sent = 0;
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly host: StreamHost) {}

  get count(): number {
    return this.open.size;
  }

  respond(req: SimRequest, device: Device): SimResponse {
    const lastId = req.headers["last-event-id"];
    const resume = typeof lastId === "string" ? lastId : undefined;
    this.resumedFrom.push(resume);
    return {
      status: 200,
      headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" },
      stream: (res) => this.attach(res, device, resume),
    };
  }

  /** Fault: every open stream is cut. */
  drop(): number {
    const n = this.open.size;
    for (const res of this.open) res.destroy();
    this.open.clear();
    return n;
  }

  private attach(res: ServerResponse, device: Device, resume: string | undefined): void {
    this.open.add(res);
    let lastAt = resume !== undefined && /^\d+$/.test(resume) ? Number(resume) : Number.NEGATIVE_INFINITY;
    const tick = (): void => {
      if (this.silent || res.destroyed) return;
      const entries = latest(device, this.host.clock.now(), this.host.sampleMs) as Array<{ timestamp: number }>;
      if (entries.length === 0) return;
      const at = Math.min(...entries.map((e) => e.timestamp));
      if (at <= lastAt) return;
      lastAt = at;
      for (const e of entries) {
        res.write(`${this.sendIds ? `id:${at}\n` : ""}data:${JSON.stringify(e)}\n\n`);
        this.sent++;
      }
    };
    const timer = setInterval(tick, this.tickMs);
    tick();
    res.on("close", () => {
      clearInterval(timer);
      this.open.delete(res);
    });
  }
}

import type { InfluxConnection } from "./client/client";

/** What the writers get from this node. */
export interface InfluxServer {
  bucket: string;
  connection?: InfluxConnection;
  /** Why no connection could be made from the settings (e.g. no URL), for the writers to report. */
  setupError?: Error;
}

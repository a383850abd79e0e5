import type { InfluxConnection } from "./client/client";

/** What the writers get from this node. */
export interface InfluxServer {
  bucket: string;
  connection?: InfluxConnection;
  /** Why no connection could be made from the settings (e.g. no URL), for the writers to report. */
  setupError?: Error;
  /**
   * Why there is no URL yet (blank, or `${INFLUX_URL}` left as it is because Node-RED has no such
   * variable), as the end of "The meter-influxdb config node …": writers keep their points on disk.
   */
  missingUrl?: string;
}

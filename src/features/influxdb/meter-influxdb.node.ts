import { InfluxConnection } from "./client/client";
import { influxTestLookup } from "./influxdb-lookup";
import { registerLookup } from "../../runtime/lookup";
import type { Node, NodeAPI, NodeDef } from "../../runtime/types";

/**
 * Config node `meter-influxdb`: one InfluxDB server (URL, org, default bucket, token) and the one
 * connection every `meter-influxdb-write` using it shares. `${ENV}` works in every field (Node-RED
 * substitutes whole-value `${X}` properties and credentials before the constructor runs).
 */

interface InfluxConfigDef extends NodeDef {
  url: string;
  org: string;
  bucket: string;
}

interface InfluxCredentials {
  token?: string;
}

/** What `meter-influxdb-write` reads from this node (it declares the same shape). */
interface InfluxConfigNode extends Node<InfluxCredentials> {
  bucket: string;
  connection?: InfluxConnection;
  /** Why no connection could be made from the settings (e.g. no URL), for the writers to report. */
  setupError?: Error;
}

export = function (RED: NodeAPI): void {
  function MeterInfluxdbNode(this: InfluxConfigNode, config: InfluxConfigDef): void {
    RED.nodes.createNode(this, config);
    this.bucket = (config.bucket ?? "").trim();
    try {
      this.connection = new InfluxConnection({ url: config.url, org: config.org, token: this.credentials?.token });
    } catch (err) {
      this.setupError = err instanceof Error ? err : new Error(String(err));
    }
  }

  RED.nodes.registerType<InfluxConfigNode, InfluxConfigDef, unknown, InfluxCredentials>(
    "meter-influxdb",
    MeterInfluxdbNode,
    { credentials: { token: { type: "password" } } },
  );

  registerLookup(RED, influxTestLookup);
};

import { DEFAULT_CHUNK_SIZE, queryPieces } from "./client/query";
import { readHistories, type MeterHistory } from "./history-reader";
import { parseQuerySettings, queryOf, type QuerySettings } from "./query-settings";
import { invalidServer, noServer, type InfluxServer } from "./server";
import { phrase, ValidationError } from "../../shared/errors";
import { defineNode } from "../../runtime/kernel";
import type { FlowMessage, NodeAPI } from "../../runtime/types";

/**
 * `meter-influxdb-query`: meter history read back from InfluxDB with InfluxQL over `/query`, streamed in
 * chunks and handed on in the shapes `meter-interpolate` takes: one message per meter (`msg.topic` is the
 * meter id) or all meters in one `{meters: [...]}`.
 */

const meterInfluxdbQuery = defineNode<QuerySettings>({
  type: "meter-influxdb-query",
  settings: parseQuerySettings,
  start(kit) {
    const { settings } = kit;
    const server = kit.configNode<InfluxServer>(settings.server);
    if (!server) throw noServer();
    const connection = server.connection;
    if (!connection) throw server.setupError ?? invalidServer();
    const database = settings.database || server.bucket;
    if (!database)
      throw new ValidationError(
        phrase(
          "meter-influxdb-query:errors.setDatabase",
          "Set the database (or bucket) on this node or on the meter-influxdb config node.",
        ),
        { statusText: phrase("meter-influxdb-query:status.noDatabase", "no database") },
      );
    kit.status.idle(kit.t("status.ready"));

    return {
      input: async (msg, send) => {
        const query = await queryOf(settings, msg, (t) => kit.evaluate(t.value, t.type, msg));
        kit.status.waiting(kit.t("status.querying"));
        const pieces = queryPieces(connection, {
          database,
          query,
          chunkSize: settings.chunkSize || DEFAULT_CHUNK_SIZE,
          signal: kit.signal,
        });
        const all: Array<{ id: string; readings: MeterHistory["readings"] }> = [];
        const summary = await readHistories(
          pieces,
          {
            meterTag: settings.meterTag || "entity_id",
            field: settings.mode === "form" ? settings.field : "",
            readings: settings.readings,
            allInOne: settings.output === "all",
            maxHeld: kit.runtimeSetting<{ maxReadings: number }>("meterInfluxdbQuery").maxReadings,
          },
          (meter) => {
            if (settings.output === "all") return void all.push({ id: meter.id, readings: meter.readings });
            const out: FlowMessage = kit.cloneMessage(msg);
            out.topic = meter.id;
            out.payload = meter.readings;
            send(out);
          },
        );
        if (settings.output === "all" && summary.meters > 0) {
          msg.payload = { meters: all };
          send(msg);
        }
        const { meters, rows } = summary;
        const v = { meters, rows };
        const one = rows === 1;
        if (meters === 0) kit.status.idle(kit.t("status.noReadings"));
        else if (meters === 1)
          kit.status.ok(one ? kit.t("status.meterReading", v) : kit.t("status.meterReadings", v), kit.now());
        else kit.status.ok(one ? kit.t("status.metersReading", v) : kit.t("status.metersReadings", v), kit.now());
      },
    };
  },
});

export = function (RED: NodeAPI): void {
  meterInfluxdbQuery(RED);
};

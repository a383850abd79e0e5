import * as os from "node:os";
import { invalidServer, noServer, type InfluxServer } from "./server";
import { closeWriter, missingUrlTarget, openWriter } from "./writer";
import { WriteReporter } from "./write-report";
import { describeRejections, linesFromMessage } from "./domain/points";
import { phrase, ValidationError, type Phrase } from "../../shared/errors";
import { defineNode } from "../../runtime/kernel";
import { numberProp, textProp } from "../../shared/props";
import type { NodeAPI } from "../../runtime/types";

/**
 * `meter-influxdb-write`: every accepted point is in an on-disk spool before the message counts as
 * handled, and stays there until InfluxDB confirmed it; outages and restarts lose nothing.
 */

interface Settings {
  server: string;
  bucket: string;
  measurement?: string;
  integerFields: Set<string>;
  batchSize: number;
  flushIntervalMs: number;
  spoolLimitMb: number;
  retryMaxMs: number;
}

const meterInfluxdbWrite = defineNode<Settings>({
  type: "meter-influxdb-write",
  settings: (config) => ({
    server: textProp(config.server),
    bucket: textProp(config.bucket).trim(),
    measurement: textProp(config.measurement).trim() || undefined,
    integerFields: new Set(
      textProp(config.integerFields)
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    batchSize: Math.max(1, Math.round(numberProp(config.batchSize, 1000))),
    flushIntervalMs: Math.max(10, numberProp(config.flushInterval, 1000)),
    spoolLimitMb: Math.max(0, numberProp(config.spoolLimit, 50)),
    retryMaxMs: Math.max(10, numberProp(config.retryMax, 10) * 1000),
  }),
  start(kit) {
    const { settings } = kit;
    const server = kit.configNode<InfluxServer>(settings.server);
    const bucket = settings.bucket || server?.bucket || "";
    if (!server) throw noServer();
    const connection = server.connection ?? (server.missingUrl ? missingUrlTarget(server.missingUrl) : undefined);
    if (!connection) throw server.setupError ?? invalidServer();
    if (!bucket)
      throw new ValidationError(
        phrase(
          "meter-influxdb-write:errors.noBucket",
          "Set a bucket on the meter-influxdb config node or on this node.",
        ),
      );
    const say = (p: Phrase) => kit.t(p.key, p.vars);

    const userDir = kit.userDir || os.tmpdir();
    const reporter = new WriteReporter(
      {
        ok: (text) => kit.status.ok(text),
        waiting: (text) => kit.status.waiting(text),
        error: (text) => kit.status.error(text),
        log: (text) => kit.log(text),
        warn: (text) => kit.warn(text),
        // The status stays what the backlog says; the error goes to the log and Catch nodes.
        fail: (err, payload) => kit.fail(err, { payload }, () => undefined),
        report: (report) => kit.send({ payload: report }),
        after: (ms, work) => void kit.after(ms, work),
        say,
      },
      settings.spoolLimitMb,
      () => writer.buffered,
      settings.retryMaxMs,
    );
    const writer = openWriter({ ...settings, connection, bucket, userDir, nodeId: kit.id }, reporter);
    kit.facts(() => ({ spoolBacklog: writer.buffered }));
    let notReady: Error | undefined;
    writer.ready.then(
      () =>
        writer.buffered > 0
          ? kit.status.waiting(kit.t("status.replaying", { buffered: writer.buffered }))
          : kit.status.idle(kit.t("status.ready")),
      (err: unknown) => {
        const detail = err instanceof Error ? err.message : String(err);
        notReady = new Error(kit.t("errors.spoolNotOpened", { dir: userDir, detail }));
        kit.fail(notReady, undefined, () => kit.status.error(kit.t("status.spoolNotWritable")));
      },
    );

    return {
      feature: writer,
      input: async (msg) => {
        if (notReady) throw notReady;
        const built = linesFromMessage(msg, {
          measurement: settings.measurement,
          integerFields: settings.integerFields,
        });
        if (built.lines.length > 0) await writer.accept(built.lines);
        reporter.showBacklogIfFailing();
        if (built.rejected.length > 0) throw new ValidationError(describeRejections(built, say));
      },
      close: async (removed) => {
        reporter.flushWarnings();
        const left = await closeWriter(writer, removed, say);
        if (left) kit.warn(left);
      },
    };
  },
});

export = function (RED: NodeAPI): void {
  meterInfluxdbWrite(RED);
};

import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DurableWriter, type FlushReport } from "./client/durable-writer";
import { describeRejections, linesFromMessage } from "./domain/points";
import { ApiError, AuthError, NetworkError, RateLimitError, TimeoutError, ValidationError } from "../../shared/errors";
import { onInput } from "../../runtime/input";
import { getConfigNode, numberProp } from "../../runtime/props";
import { shortReason, statusError, statusIdle, statusOk, statusWaiting } from "../../runtime/status";
import type { Node, NodeAPI, NodeDef } from "../../runtime/types";
import type { InfluxConnection } from "./client/client";

/**
 * `meter-influxdb-write`: stores every accepted point in an on-disk spool before acknowledging the
 * message, and writes the spool to InfluxDB in confirmed batches. Survives outages and restarts.
 */

interface WriteNodeDef extends NodeDef {
  server: string;
  bucket: string;
  measurement: string;
  integerFields: string;
  batchSize: string | number;
  /** Milliseconds. */
  flushInterval: string | number;
  /** Megabytes. */
  spoolLimit: string | number;
  /** Longest wait between retries, seconds (10 by default). */
  retryMax?: string | number;
}

/** The part of a `meter-influxdb` config node this node uses. */
interface InfluxConfigNode extends Node {
  bucket: string;
  connection?: InfluxConnection;
  setupError?: Error;
}

interface WriteNode extends Node {
  writer?: DurableWriter;
}

/** Warnings about dropped points are grouped so a long outage does not flood the log. */
const DROP_WARNING_WINDOW_MS = 10_000;

/** A few words for the status line; the full message goes to the log and Catch nodes. */
function statusReason(err: Error): string {
  if (err instanceof AuthError) return "token refused";
  if (err instanceof RateLimitError) return "InfluxDB busy (429)";
  if (err instanceof ApiError && err.status === 404) return "bucket not found";
  if (err instanceof ApiError) return `InfluxDB HTTP ${err.status}`;
  if (err instanceof TimeoutError) return "InfluxDB not answering";
  if (err instanceof NetworkError) return "InfluxDB unreachable";
  return shortReason(err);
}

export = function (RED: NodeAPI): void {
  function MeterInfluxdbWriteNode(this: WriteNode, config: WriteNodeDef): void {
    RED.nodes.createNode(this, config);
    setUp(this, config);
  }

  function setUp(node: WriteNode, config: WriteNodeDef): void {
    const server = getConfigNode<InfluxConfigNode>(RED, config.server);
    const measurement = (config.measurement ?? "").trim() || undefined;
    const integerFields = new Set(
      String(config.integerFields ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    );
    const batchSize = Math.max(1, Math.round(numberProp(config.batchSize, 1000)));
    const flushIntervalMs = Math.max(10, numberProp(config.flushInterval, 1000));
    const spoolLimitMb = Math.max(0, numberProp(config.spoolLimit, 50));
    const retryMaxMs = Math.max(10, numberProp(config.retryMax, 10) * 1000);
    const bucket = (config.bucket ?? "").trim() || server?.bucket || "";

    let setupError: Error | undefined;
    if (!server) setupError = new ValidationError("Select a meter-influxdb config node (the InfluxDB server).");
    else if (!server.connection)
      setupError = server.setupError ?? new ValidationError("The InfluxDB config is invalid.");
    else if (!bucket)
      setupError = new ValidationError("Set a bucket on the meter-influxdb config node or on this node.");

    // Failure streak bookkeeping, so each problem is logged once and its end is told too.
    let failing: { message: string; short: string; refused: boolean } | undefined;
    let dropWindow: NodeJS.Timeout | undefined;
    let dropsInWindow = 0;

    const showBacklog = (): void => {
      const buffered = node.writer?.buffered ?? 0;
      if (!failing) statusWaiting(node, `writing · ${buffered} buffered`);
      else if (failing.refused) statusError(node, `${failing.short} · ${buffered} buffered`);
      else statusWaiting(node, `${failing.short} · ${buffered} buffered`);
    };

    const warnDropped = (): void => {
      if (dropsInWindow === 0) return;
      node.warn(
        `Spool limit of ${spoolLimitMb} MB reached while InfluxDB was not taking writes: dropped the ${dropsInWindow} oldest point(s). Raise "Spool limit" to keep more.`,
      );
      dropsInWindow = 0;
    };

    if (setupError) {
      statusError(node, shortReason(setupError));
    } else {
      const userDir = (RED.settings as { userDir?: string }).userDir || os.tmpdir();
      node.writer = new DurableWriter({
        connection: server!.connection!,
        bucket,
        spoolDir: path.join(userDir, "meterflow-spool", node.id.replace(/[^A-Za-z0-9._-]/g, "_")),
        spoolLimitBytes: spoolLimitMb * 1024 * 1024,
        batchSize,
        flushIntervalMs,
        retry: { baseMs: Math.min(500, retryMaxMs), maxMs: retryMaxMs },
        events: {
          onFlush: (report: FlushReport) => {
            if (failing) node.log(`InfluxDB takes writes again; ${report.buffered} point(s) still buffered.`);
            failing = undefined;
            if (report.buffered === 0) statusOk(node, `${report.written} written`);
            else showBacklog();
            node.send({ payload: report });
          },
          onRetry: (err, delayMs, buffered) => {
            statusWaiting(node, `${statusReason(err)} · ${buffered} buffered · retry ${Math.ceil(delayMs / 1000)} s`);
            if (failing?.message !== err.message)
              node.warn(`${err.message} ${buffered} point(s) are buffered on disk.`);
            failing = { message: err.message, short: statusReason(err), refused: false };
          },
          onRefused: (err, _delayMs, buffered) => {
            statusError(node, `${statusReason(err)} · ${buffered} buffered`);
            if (failing?.message !== err.message)
              node.error(err.message, { payload: { written: 0, buffered, dropped: 0 } });
            failing = { message: err.message, short: statusReason(err), refused: true };
          },
          onRejected: (err, count) => {
            node.error(
              `InfluxDB refused ${count} point(s) as invalid, so they were dropped: ${err.message} If a field was stored as an integer before, list it under "Integer fields".`,
              { payload: { written: 0, buffered: node.writer?.buffered ?? 0, dropped: count } },
            );
          },
          onDrop: (count) => {
            dropsInWindow += count;
            if (dropWindow) return;
            warnDropped();
            dropWindow = setTimeout(() => {
              dropWindow = undefined;
              warnDropped();
            }, DROP_WARNING_WINDOW_MS);
          },
        },
      });
      node.writer.ready.then(
        () => {
          const buffered = node.writer?.buffered ?? 0;
          if (buffered > 0) statusWaiting(node, `replaying · ${buffered} buffered`);
          else statusIdle(node, "ready");
        },
        (err: unknown) => {
          setupError = new Error(
            `Cannot open the spool directory under ${userDir}: ${err instanceof Error ? err.message : String(err)}`,
          );
          statusError(node, "spool not writable");
          node.error(setupError.message, {});
        },
      );
    }

    onInput(node, async (msg) => {
      if (setupError || !node.writer) throw setupError ?? new ValidationError("The node is not ready.");
      const built = linesFromMessage(msg, { measurement, integerFields });
      if (built.lines.length > 0) await node.writer.accept(built.lines);
      if (failing) showBacklog();
      if (built.rejected.length > 0) throw new ValidationError(describeRejections(built));
    });

    node.on("close", (removed: boolean, done: () => void) => {
      clearTimeout(dropWindow);
      warnDropped();
      const writer = node.writer;
      node.writer = undefined;
      if (!writer) return done();
      writer
        .close()
        .then(async () => {
          if (!removed) return; // a redeploy or restart: the next instance replays the spool
          // Deleted or disabled: clean up an empty spool, and say where unwritten points stay.
          if (writer.buffered === 0) await fs.rm(writer.spoolDir, { recursive: true, force: true });
          else
            node.warn(
              `${writer.buffered} point(s) not yet written stay in ${writer.spoolDir}; re-add the node with the same id to write them.`,
            );
        })
        .catch(() => undefined)
        .finally(done);
    });
  }

  RED.nodes.registerType("meter-influxdb-write", MeterInfluxdbWriteNode);
};

import { promises as fs } from "node:fs";
import * as path from "node:path";
import { DurableWriter, type WriteTarget } from "./client/durable-writer";
import type { WriteReporter } from "./write-report";
import { english, phrase, ValidationError, type Phrase } from "../../shared/errors";

/** Where a writer node keeps its spool, and how it is opened and closed. */

export interface WriterSettings {
  connection: WriteTarget;
  bucket: string;
  userDir: string;
  nodeId: string;
  batchSize: number;
  flushIntervalMs: number;
  spoolLimitMb: number;
  retryMaxMs: number;
}

export function openWriter(settings: WriterSettings, reporter: WriteReporter): DurableWriter {
  return new DurableWriter({
    connection: settings.connection,
    bucket: settings.bucket,
    // One folder per node id: a redeploy or restart of the same node replays what is left in it.
    spoolDir: path.join(settings.userDir, "meterflow-spool", settings.nodeId.replace(/[^A-Za-z0-9._-]/g, "_")),
    spoolLimitBytes: settings.spoolLimitMb * 1024 * 1024,
    batchSize: settings.batchSize,
    flushIntervalMs: settings.flushIntervalMs,
    retry: { baseMs: Math.min(500, settings.retryMaxMs), maxMs: settings.retryMaxMs },
    events: reporter.events(),
  });
}

/**
 * The target of a writer whose config node has no URL (`${INFLUX_URL}` unset): every batch fails as an
 * outage does, so the points stay in the spool, the reporter says it once, and a redeploy with the URL
 * set replays them.
 */
export function missingUrlTarget(missing: { variable?: string }): WriteTarget {
  const kept = { statusText: phrase("meter-influxdb-write:status.noUrl", "no InfluxDB URL") };
  const error = new ValidationError(
    missing.variable
      ? phrase(
          "meter-influxdb-write:errors.urlVariableUnset",
          "The meter-influxdb config node reads its URL from the environment variable __variable__, which Node-RED does not have: the points are kept on disk and written once the URL is set and the flow deployed again.",
          { variable: missing.variable },
        )
      : phrase(
          "meter-influxdb-write:errors.noUrl",
          "The meter-influxdb config node has no URL: the points are kept on disk and written once the URL is set and the flow deployed again.",
        ),
    kept,
  );
  return { write: () => Promise.reject(error) };
}

/**
 * Closes the writer. On a redeploy or restart the next instance replays the spool; a deleted or
 * disabled node removes an empty spool and returns a sentence about points left behind, if any.
 */
export async function closeWriter(
  writer: DurableWriter,
  removed: boolean,
  say: (p: Phrase) => string = english,
): Promise<string | undefined> {
  try {
    await writer.close();
    if (!removed) return undefined;
    if (writer.buffered === 0) {
      await fs.rm(writer.spoolDir, { recursive: true, force: true });
      return undefined;
    }
    return say(
      phrase(
        "meter-influxdb-write:warn.leftBehind",
        "__count__ point(s) not yet written stay in __dir__; re-add the node with the same id to write them.",
        { count: writer.buffered, dir: writer.spoolDir },
      ),
    );
  } catch {
    return undefined;
  }
}

import {
  EnergyLiveClient,
  NewReadingFilter,
  normalizeDeviceUid,
  powerSummary,
  toReaderOutput,
  type LatestReadings,
} from "./client";
import { AuthError, ValidationError } from "../../shared/errors";
import { Poller } from "../../shared/poller";
import { DEFAULT_RETRY } from "../../shared/retry";
import { onInput } from "../../runtime/input";
import { registerLookup } from "../../runtime/lookup";
import { energyLiveDevicesLookup } from "./energylive-lookup";
import { numberProp } from "../../runtime/props";
import { clock, shortReason, statusError, statusIdle, statusOk, statusWaiting } from "../../runtime/status";
import type { FlowMessage, Node, NodeAPI, NodeDef } from "../../runtime/types";

interface ReaderDef extends NodeDef {
  deviceUid?: string;
  baseUrl?: string;
  /** Seconds between polls; 0 = only on input. */
  interval?: string | number;
  onlyNew?: boolean;
  /** Seconds a request may take. */
  timeout?: string | number;
}

interface ReaderCredentials {
  apiKey?: string;
}

interface ReaderNode extends Node<ReaderCredentials> {
  /** The configured base URL, so the device-list route sends a stored key only where it was configured to go. */
  baseUrlSetting: string;
}

const DEFAULT_INTERVAL_S = 300;
/** energyLIVE records a value about every 20–30 s; polling faster only fetches the same values again. */
const USEFUL_INTERVAL_S = 30;
/** A reading older than this (or three intervals) means the interface stopped reporting. */
const STALE_MS = 15 * 60_000;

export = function (RED: NodeAPI): void {
  function EnergyLiveReader(this: ReaderNode, config: ReaderDef): void {
    RED.nodes.createNode(this, config);
    startReader(this, config);
  }

  function startReader(node: ReaderNode, config: ReaderDef): void {
    node.baseUrlSetting = config.baseUrl ?? "";
    const intervalS = Math.max(0, numberProp(config.interval, DEFAULT_INTERVAL_S));
    const onlyNew = config.onlyNew !== false;
    const staleMs = Math.max(STALE_MS, 3 * intervalS * 1000);
    const filter = new NewReadingFilter();
    const inFlight = new Set<AbortController>();
    const warned = new Set<string>();

    let client: EnergyLiveClient | undefined;
    let setupError: Error | undefined;
    try {
      client = new EnergyLiveClient({
        apiKey: node.credentials?.apiKey ?? "",
        baseUrl: config.baseUrl,
        timeoutMs: numberProp(config.timeout, 15) * 1000,
        retry: DEFAULT_RETRY,
      });
    } catch (err) {
      setupError = err as Error;
    }

    /** Fetches, names and filters one answer; undefined when there is nothing (new) to send. */
    async function read(deviceUid: string, signal: AbortSignal) {
      if (!client) throw setupError ?? new AuthError("No energyLIVE API key is set.");
      const latest = await client.latest(deviceUid, {
        signal,
        onRetry: (err, delayMs) =>
          statusWaiting(node, `retrying in ${Math.max(1, Math.round(delayMs / 1000))} s · ${shortReason(err)}`),
      });
      warnSkipped(latest);
      const output = toReaderOutput(latest);
      if (!output) {
        statusWaiting(node, `no measurements yet from ${latest.deviceUid} · ${clock()}`);
        return undefined;
      }
      const isNew = filter.admit(latest);
      if (Date.now() - output.timestamp > staleMs) {
        statusWaiting(node, `no new reading since ${clock(new Date(output.timestamp))} · interface offline?`);
      } else {
        statusOk(node, powerSummary(output.payload), new Date(output.timestamp));
      }
      return onlyNew && !isNew ? undefined : output;
    }

    /** Says once per deploy which values could not be read, instead of on every poll. */
    function warnSkipped(latest: LatestReadings): void {
      for (const s of latest.skipped) {
        const id = `${s.key}:${s.reason}`;
        if (warned.has(id)) continue;
        warned.add(id);
        node.warn(`energyLIVE sent no usable value for ${s.key} (${s.reason}); it is left out of the output.`);
      }
    }

    async function withAbort<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
      const controller = new AbortController();
      inFlight.add(controller);
      try {
        return await work(controller.signal);
      } finally {
        inFlight.delete(controller);
      }
    }

    onInput(node, async (msg: FlowMessage, send) => {
      const uid = normalizeDeviceUid(msg.deviceUid ?? config.deviceUid);
      const output = await withAbort((signal) => read(uid, signal));
      if (output) send(Object.assign(msg, output));
    });

    let poller: Poller | undefined;
    if (intervalS > 0) {
      let configuredUid: string | undefined;
      try {
        configuredUid = normalizeDeviceUid(config.deviceUid);
      } catch (err) {
        setupError ??= err as Error;
      }
      if (setupError || !configuredUid) {
        const reason = setupError ?? new ValidationError("Set the device UID to poll.");
        statusError(node, shortReason(reason));
        node.error(reason.message);
      } else {
        const uid = configuredUid;
        if (intervalS < USEFUL_INTERVAL_S) {
          node.warn(
            `Polling every ${intervalS} s: energyLIVE records a new value only about every 20–30 s, so faster polling fetches the same values again. ${USEFUL_INTERVAL_S} s or more is enough.`,
          );
        }
        poller = new Poller(
          async (signal) => {
            const output = await read(uid, signal);
            if (output) node.send({ ...output });
          },
          (err) => {
            statusError(node, shortReason(err));
            node.error(err.message, {});
            // A refused key stays refused until the user enters a new one and redeploys.
            if (err instanceof AuthError) poller?.stop();
          },
        );
        statusIdle(node, "starting");
        poller.start(intervalS * 1000);
      }
    } else if (setupError) {
      statusError(node, shortReason(setupError));
    } else {
      statusIdle(node, "reads on input");
    }

    node.on("close", (_removed: boolean, done: () => void) => {
      poller?.stop();
      for (const controller of inFlight) controller.abort();
      inFlight.clear();
      done();
    });
  }

  RED.nodes.registerType<ReaderNode, ReaderDef, object, ReaderCredentials>("energylive-reader", EnergyLiveReader, {
    credentials: { apiKey: { type: "password" } },
  });

  registerLookup(RED, energyLiveDevicesLookup);
};

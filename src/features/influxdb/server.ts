import type { InfluxConnection } from "./client/client";
import { phrase, ValidationError, type Phrase } from "../../shared/errors";

/** What the writers get from this node. */
export interface InfluxServer {
  bucket: string;
  connection?: InfluxConnection;
  /** Why no connection could be made from the settings (e.g. no URL), for the writers to report. */
  setupError?: Error;
  /**
   * Why there is no URL yet: blank (`""`), or the name of the variable of a `${INFLUX_URL}` left as it is
   * because Node-RED has no such variable. Writers keep their points on disk.
   */
  missingUrl?: { variable?: string };
}

/** A node that names no meter-influxdb config node (or one not deployed). */
export function noServer(): ValidationError {
  return new ValidationError(
    phrase("meter-influxdb:errors.noServer", "Select a meter-influxdb config node (the InfluxDB server)."),
  );
}

/** A config node whose settings made no connection, without saying why. */
export function invalidServer(): ValidationError {
  return new ValidationError(phrase("meter-influxdb:errors.invalid", "The InfluxDB config is invalid."));
}

/** Why a config node has no URL, as a sentence of its own. */
export function missingUrlPhrase(missing: { variable?: string }): Phrase {
  return missing.variable
    ? phrase(
        "meter-influxdb:errors.urlVariableUnset",
        "The meter-influxdb config node reads its URL from the environment variable __variable__, which Node-RED does not have.",
        { variable: missing.variable },
      )
    : phrase("meter-influxdb:errors.noUrl", "The meter-influxdb config node has no URL.");
}

import {
  batch,
  fields,
  point,
  reading,
  seriesName,
  tags,
  type Batch,
  type Reading,
  type Tags,
} from "../../../shared/reading";
import type { FlowUnit } from "./sentence";

/**
 * flume-flow's outputs in the reading contract: the current flow as one reading, a usage query as a
 * batch of points. The sensor and the unit are tags; `deviceId` and the time are never fields.
 */

/** The sensor as the readings name it. */
export interface SensorIdentity {
  id: string;
  /** The location's name, or its id when Flume sent no name. */
  location: string;
}

function sensorTags(sensor: SensorIdentity, unit: string, extra: Record<string, string> = {}): Tags {
  return tags({ device_id: sensor.id, location: sensor.location, unit, ...extra });
}

/** `flume_flow`: whether water runs and how fast, in `unit` per minute. */
export function flowReading(
  sensor: SensorIdentity,
  flow: { active: boolean; rate: number },
  unit: FlowUnit,
  at: number,
): Reading {
  const p = point(
    "flume_flow",
    sensorTags(sensor, `${unit}/min`),
    fields({ active: flow.active, flowRate: flow.rate }),
    at,
  );
  return reading(p, seriesName("flume_flow", sensor.id));
}

/**
 * `flume_usage`: one point per bucket (tag `bucket`: MIN, HR, DAY, MON, YR), the volume in `unit`.
 * A bucket without a time cannot be placed, so it is not a point.
 */
export function usageBatch(
  sensor: SensorIdentity,
  values: readonly { at: number; value: number }[],
  unit: FlowUnit,
  bucket: string,
): Batch {
  const shared = sensorTags(sensor, unit, { bucket });
  const points = values
    .filter((v) => Number.isFinite(v.at))
    .map((v) => point("flume_usage", shared, fields({ value: v.value }), v.at));
  return batch(points, seriesName("flume_usage", sensor.id, bucket));
}

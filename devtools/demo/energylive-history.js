// The demo's energyLIVE interface as if the "energyLIVE smart meter to InfluxDB" example had stored it for the
// last days: the simulator's own registers (its meter model runs back from where the demo started it), one
// reading an hour up to the start of the current hour, in measurement `energylive` (tag `device_uid`), the
// layout that example writes. The dashboard reads it back at start, so its cost chart has the past days
// at once instead of its first point an hour after Deploy.
"use strict";

const HOUR = 3_600_000;

/** One line-protocol row an hour for `days` days up to the start of the current hour; resolves with the rows. */
async function writeEnergyLiveHistory(influx, sim, deviceUid, { days = 8, now = Date.now() } = {}) {
  const to = Math.floor(now / HOUR) * HOUR;
  const tag = deviceUid.replace(/([,= \\])/g, "\\$1");
  const lines = [];
  for (let t = to - days * 24 * HOUR; t <= to; t += HOUR) {
    // Only the import register and power: the export register starts near 0 Wh with the demo, so its past is
    // below zero in the model and no real meter's.
    const m = sim.meterAt(deviceUid, t);
    lines.push(
      `energylive,device_uid=${tag} energy_import_wh=${Math.round(m.importWh)},power_import_w=${m.importW} ${t}`,
    );
  }
  const res = await fetch(`${influx.influxUrl}/write?db=${encodeURIComponent(influx.db)}&precision=ms`, {
    method: "POST",
    body: lines.join("\n"),
  });
  if (res.status !== 204)
    throw new Error(`writing energyLIVE history failed (HTTP ${res.status}): ${await res.text()}`);
  return lines.length;
}

module.exports = { writeEnergyLiveHistory };

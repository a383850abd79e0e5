"use strict";
// Grafana's InfluxQL macros as Grafana's InfluxDB data source expands them, so the dashboards in
// docs/grafana/ can be run against a real influxd without Grafana (which cannot be installed here).
// $timeFilter: `time >= <from>ms and time <= <to>ms`; $__interval: (to − from) / max data points, rounded by
// Grafana's interval table (public/app/core/utils/kbn roundInterval) and never below the 10 s minimum.

/** [upper bound in ms, interval in ms] from Grafana's roundInterval. */
const ROUND = [
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1500, 1000],
  [3500, 2000],
  [7500, 5000],
  [12500, 10000],
  [17500, 15000],
  [25000, 20000],
  [45000, 30000],
  [90000, 60000],
  [210000, 120000],
  [450000, 300000],
  [750000, 600000],
  [1050000, 900000],
  [1500000, 1200000],
  [2700000, 1800000],
  [5400000, 3600000],
  [9000000, 7200000],
  [16200000, 10800000],
  [32400000, 21600000],
  [86400000, 43200000],
  [604800000, 86400000],
  [1814400000, 604800000],
  [3628800000, 2592000000],
];

function roundInterval(ms) {
  for (const [limit, interval] of ROUND) if (ms <= limit) return interval;
  return 31536000000;
}

/** An InfluxQL duration literal for whole units, as Grafana writes it (e.g. 12h, 1d, 1w). */
function durationText(ms) {
  const units = [
    ["w", 604800000],
    ["d", 86400000],
    ["h", 3600000],
    ["m", 60000],
    ["s", 1000],
  ];
  for (const [unit, size] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function expand(query, { from, to, maxDataPoints = 1000, minIntervalMs = 10000 }) {
  const interval = Math.max(minIntervalMs, roundInterval((to - from) / maxDataPoints));
  return query
    .replace(/\$timeFilter/g, `time >= ${from}ms and time <= ${to}ms`)
    .replace(/\$__interval_ms/g, String(interval))
    .replace(/\$__interval/g, durationText(interval));
}

module.exports = { expand, roundInterval, durationText };

"""The original system's method in pandas, on the benchmark's data: for each meter, union the raw index
with the hourly/daily/monthly grid and interpolate(method="time"), take differences as consumption, run the
Dagster "2 of 3 votes" anomaly rule, and build one dict per output point (what the original handed to its
InfluxDB writer). Reset correction and the replacement join are included so the work matches the node's.

Usage: /usr/bin/python3 pandas_baseline.py <dataDir>   (Debian's python3-pandas)
Prints one JSON line: wall time, points built, peak RSS.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd

TZ = "Europe/Berlin"
FREQS = (("H", "hourly"), ("D", "daily"), ("MS", "monthly"))


def load(data_dir):
    with open(os.path.join(data_dir, "manifest.json")) as f:
        manifest = json.load(f)
    meters = []
    for m in manifest["meters"]:
        arr = np.fromfile(os.path.join(data_dir, m["file"]), dtype="<f8")
        n = m["n"]
        meters.append((m["id"], arr[:n].copy(), arr[n:].copy()))
    return manifest, meters


def corrected_series(t, v):
    idx = pd.to_datetime(t.astype("int64"), unit="ms", utc=True)
    s = pd.Series(v, index=idx)
    s = s[~s.index.duplicated(keep="last")].sort_index()
    prev = s.shift()
    reset = s < 0.9 * prev
    offset = prev.where(reset, 0.0).cumsum()
    return s + offset


def grid_for(s, freq):
    start = s.index[0].tz_convert(TZ)
    end = s.index[-1].tz_convert(TZ)
    g = pd.date_range(start.floor("D"), end, freq=freq, tz=TZ)
    return g[(g >= start) & (g <= end)].tz_convert("UTC")


def interpolate(s, grid):
    return s.reindex(s.index.union(grid)).interpolate(method="time").loc[grid]


def vote(c):
    nz = c[c > 0]
    if len(c) < 60 or len(nz) < 30:
        return c.iloc[0:0]
    z = (c - nz.mean()) / nz.std()
    q1, q3 = nz.quantile(0.25), nz.quantile(0.75)
    iqr = q3 - q1
    v2 = (c < q1 - 1.5 * iqr) | (c > q3 + 1.5 * iqr)
    roll = c.rolling(30, center=True, min_periods=10)
    rz = (c - roll.mean()) / roll.std()
    votes = (z.abs() > 3).astype(int) + v2.astype(int) + (rz.abs() > 2.5).astype(int)
    return c[votes >= 2]


def points(meter_id, name, values, cons, anomalies):
    tags = {"meter_id": meter_id}
    ctags = {"meter_id": meter_id, "interval": name}
    ms = values.index.asi8 // 1_000_000
    out = [{"measurement": "meter_interpolated_" + name, "tags": tags, "fields": {"value": float(x)}, "time": int(t)} for t, x in zip(ms, values.to_numpy())]
    cms = cons.index.asi8 // 1_000_000
    out += [{"measurement": "meter_consumption", "tags": ctags, "fields": {"consumption": float(x)}, "time": int(t)} for t, x in zip(cms, cons.to_numpy())]
    ams = anomalies.index.asi8 // 1_000_000
    out += [{"measurement": "meter_anomaly", "tags": ctags, "fields": {"consumption": float(x), "severity": "warning"}, "time": int(t)} for t, x in zip(ams, anomalies.to_numpy())]
    return out


def process(meter_id, s, grids=None):
    total = 0
    for freq, name in FREQS:
        grid = grid_for(s, freq) if grids is None else grids[freq]
        values = interpolate(s, grid) if grids is None else s[freq]
        cons = values.diff().iloc[1:]
        built = points(meter_id, name, values, cons, vote(cons))
        total += len(built)
        del built
    return total


def main():
    manifest, meters = load(sys.argv[1])
    t0 = time.perf_counter()
    c0 = time.process_time()
    built = 0
    series = {}
    for meter_id, t, v in meters:
        s = corrected_series(t, v)
        if meter_id in ("gas_alt", "gas_new"):
            series[meter_id] = s
        built += process(meter_id, s)
    # The master: old meter before the replacement, new meter plus the offset after it.
    replaced = pd.Timestamp(manifest["replacedAt"], unit="ms", tz="UTC")
    old, new = series["gas_alt"], series["gas_new"]
    joined = {}
    grids = {}
    span = pd.concat([old, new])
    for freq, _ in FREQS:
        g = grid_for(span, freq)
        grids[freq] = g
        before = g[g < replaced]
        after = g[g >= replaced]
        offset = old.iloc[-1] - new.iloc[0]
        joined[freq] = pd.concat([interpolate(old, before), interpolate(new, after) + offset])
    built += process("gas_total", joined, grids)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(json.dumps({"wallMs": wall * 1000, "cpuMs": cpu * 1000, "points": built, "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "pandas": pd.__version__}))


if __name__ == "__main__":
    main()

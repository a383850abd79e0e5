// Writes the generated data once, as raw little-endian float64 files, so the node run and the pandas
// baseline read exactly the same readings.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { generate } = require("./generate");

function writeData(dir, seed) {
  fs.mkdirSync(dir, { recursive: true });
  const data = generate(seed);
  const manifest = {
    seed,
    start: data.start,
    end: data.end,
    replacedAt: data.replacedAt,
    master: data.master,
    meters: [],
  };
  for (const m of data.meters) {
    const file = `${m.id}.f64`;
    const buf = Buffer.alloc(m.t.length * 16);
    Buffer.from(m.t.buffer).copy(buf, 0);
    Buffer.from(m.v.buffer).copy(buf, m.t.length * 8);
    fs.writeFileSync(path.join(dir, file), buf);
    manifest.meters.push({ id: m.id, unit: m.unit, n: m.t.length, file });
  }
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 1));
  return manifest;
}

function readManifest(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
}

/** One meter's readings as Float64Array columns. */
function readMeter(dir, m) {
  const buf = fs.readFileSync(path.join(dir, m.file));
  const all = new Float64Array(buf.buffer, buf.byteOffset, m.n * 2).slice();
  return { id: m.id, unit: m.unit, t: all.subarray(0, m.n), v: all.subarray(m.n) };
}

function readData(dir) {
  const manifest = readManifest(dir);
  return { manifest, meters: manifest.meters.map((m) => readMeter(dir, m)) };
}

module.exports = { writeData, readData, readManifest, readMeter };

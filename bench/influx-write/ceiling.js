// The ceiling of a writer on this machine: the same line protocol our node and theirs write, prebuilt
// into bodies of the same batch size, POSTed by a minimal keep-alive client with the same number of
// requests in flight, straight to the same influxd. Nothing a node could do is faster than this.
"use strict";
const http = require("node:http");

/** The bench's points as line protocol bodies of `batchSize` lines (what both nodes send). */
function bodiesFor(msgs, batchSize) {
  const lines = [];
  for (const m of msgs)
    for (const p of m.payload) lines.push(`${p.measurement},meter=${p.tags.meter} v=${p.fields.v} ${p.timestamp}`);
  const bodies = [];
  for (let i = 0; i < lines.length; i += batchSize) bodies.push(Buffer.from(lines.slice(i, i + batchSize).join("\n")));
  return bodies;
}

function post(agent, url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "text/plain; charset=utf-8", "content-length": body.length },
      },
      (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 204 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** POSTs every body to `url` with `inFlight` requests outstanding; resolves with the elapsed ms. */
async function runCeiling(url, bodies, inFlight) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < bodies.length) await post(agent, url, bodies[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, bodies.length) }, worker));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  agent.destroy();
  return { ms, errors: 0 };
}

module.exports = { bodiesFor, runCeiling };

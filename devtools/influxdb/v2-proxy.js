// A translating proxy that gives Debian's InfluxDB 1.6.7 the /api/v2/write endpoint of 1.8+/2.x, so the
// real @influxdata/influxdb-client can write to it (facts: meter-interpolate-spec.md §4.2 and §4.4).
//   POST /api/v2/write?org=O&bucket=db[/rp]&precision=ns|us|ms|s  →  POST /write?db=db[&rp=rp]&precision=n|u|ms|s
//   GET|POST /query, GET /ping  → passed through;  GET /health → 2.x-style JSON from /ping;  else 501.
// The body (gzip or not) is forwarded untouched; the Authorization header is never forwarded. With
// `token` set, a write or query without `Authorization: Token <token>` gets InfluxDB 2's 401 (2.x checks
// the token on its v1-compatible /query too: docs.influxdata.com/influxdb/v2/api-guide/influxdb-1x/query/).
// While `down` is true (or the upstream is unreachable) connections are cut, as with a dead server.
"use strict";
const http = require("node:http");
const https = require("node:https");

const PRECISION = { ns: "n", us: "u", ms: "ms", s: "s" };

class InfluxProxy {
  /** `tls: { cert, key }` (PEM): serves https with them and trusts them upstream (influxd over https). */
  constructor(upstream, { token, tls } = {}) {
    this.upstream = new URL(upstream);
    this.token = token;
    this.tls = tls;
    this.down = false;
    this.writes = 0;
    const handler = (req, res) => this.handle(req, res);
    this.server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
    this.transport = this.upstream.protocol === "https:" ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, ca: tls?.cert });
  }

  async start() {
    await new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `${this.tls ? "https" : "http"}://127.0.0.1:${this.server.address().port}`;
    return this.url;
  }

  async stop() {
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  handle(req, res) {
    if (this.down) return req.socket.destroy();
    const url = new URL(req.url, "http://proxy");
    if (url.pathname === "/api/v2/write" && req.method === "POST") return this.write(req, res, url);
    if (url.pathname === "/query") {
      if (this.authorised(req, res)) this.forward(req, res, url.pathname + url.search);
      return;
    }
    if (url.pathname === "/ping") return this.forward(req, res, url.pathname + url.search);
    if (url.pathname === "/health" && req.method === "GET") return this.health(req, res);
    return json(res, 501, {
      code: "not implemented",
      message: `${req.method} ${url.pathname} is not supported by 1.6`,
    });
  }

  authorised(req, res) {
    if (!this.token || req.headers.authorization === `Token ${this.token}`) return true;
    req.resume();
    json(res, 401, { code: "unauthorized", message: "unauthorized access" });
    return false;
  }

  write(req, res, url) {
    if (!this.authorised(req, res)) return;
    const bucket = url.searchParams.get("bucket") || "";
    const [db, rp] = bucket.split("/");
    if (!db) {
      req.resume();
      return json(res, 400, { code: "invalid", message: "bucket is required" });
    }
    const target = new URLSearchParams({ db });
    if (rp) target.set("rp", rp);
    target.set("precision", PRECISION[url.searchParams.get("precision") || "ns"] || "n");
    this.writes++;
    this.forward(req, res, `/write?${target}`, true);
  }

  health(req, res) {
    const up = this.transport.request(this.target("/ping"), { method: "GET", agent: this.agent }, (upRes) => {
      upRes.resume();
      json(res, 200, {
        name: "influxdb",
        message: "ready for queries and writes",
        status: "pass",
        version: upRes.headers["x-influxdb-version"],
      });
    });
    up.on("error", () => req.socket.destroy());
    up.end();
  }

  forward(req, res, path, rewriteErrors = false) {
    const headers = { ...req.headers };
    delete headers.authorization;
    delete headers.host;
    const up = this.transport.request(
      this.target(path),
      { method: req.method, headers, agent: this.agent },
      (upRes) => {
        if (rewriteErrors && upRes.statusCode >= 300) {
          let body = "";
          upRes.setEncoding("utf8");
          upRes.on("data", (c) => (body += c));
          upRes.on("end", () => {
            let message = body.trim();
            try {
              message = JSON.parse(body).error || message;
            } catch {
              /* keep the text */
            }
            const code =
              upRes.statusCode === 404 ? "not found" : upRes.statusCode >= 500 ? "internal error" : "invalid";
            json(res, upRes.statusCode, { code, message });
          });
          return;
        }
        const out = { ...upRes.headers };
        res.writeHead(upRes.statusCode, out);
        upRes.pipe(res);
      },
    );
    up.on("error", () => req.socket.destroy()); // the server is down: look like it to the client
    req.pipe(up);
  }

  target(path) {
    return new URL(path, this.upstream);
  }
}

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

module.exports = { InfluxProxy };

// Run as its own process (`fork(__filename, [upstream])`, token in INFLUX_PROXY_TOKEN), so a benchmark's
// event loop does not also carry the proxy: it reports { url } once listening, answers "stats" with
// { writes } and takes { down } to switch outages.
if (require.main === module) {
  const proxy = new InfluxProxy(process.argv[2], { token: process.env.INFLUX_PROXY_TOKEN || undefined });
  proxy.start().then((url) => process.send({ url }));
  process.on("message", (m) => {
    if (m === "stats") process.send({ stats: { writes: proxy.writes } });
    else if (m && typeof m.down === "boolean") proxy.down = m.down;
    else if (m === "stop") proxy.stop().then(() => process.exit(0));
  });
  process.on("disconnect", () => process.exit(0));
}

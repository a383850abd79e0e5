// The cheaper paths of meter-influxdb-write: no gzip to a server on loopback, and lines built straight
// from the message's objects giving the same text as toLine() on a copied point.
"use strict";
require("should");
const { isLoopbackUrl, InfluxConnection } = require("../../dist/features/influxdb/client/client");
const { linesFromMessage } = require("../../dist/features/influxdb/domain/points");
const { toLine } = require("../../dist/features/influxdb/client/line-protocol");

describe("meter-influxdb-write fast paths", function () {
  it("gzips batches only to a server that is not on loopback", function () {
    for (const url of ["http://127.0.0.1:8086", "http://localhost:8086", "http://127.1.2.3", "http://[::1]:8086"])
      isLoopbackUrl(url).should.be.true(url);
    for (const url of [
      "https://eu-central-1-1.aws.cloud2.influxdata.com",
      "http://10.0.0.5:8086",
      "http://127.0.0.1.example.com",
    ])
      isLoopbackUrl(url).should.be.false(url);
    new InfluxConnection({ url: "http://127.0.0.1:8086" }).gzip.should.be.false();
    new InfluxConnection({ url: "http://influx.lan:8086" }).gzip.should.be.true();
  });

  it("builds the same lines as toLine() on a copied point, skipping null values and the time field", function () {
    const integerFields = new Set(["n"]);
    const point = {
      measurement: "water,main",
      tags: { z: "last", a: 1, b: true, gone: null },
      fields: { flow: 2, n: 3, s: 'say "hi"', ok: false, missing: null, time: 1767225600123 },
    };
    const { lines, rejected } = linesFromMessage({ payload: [point] }, { integerFields });
    rejected.should.eql([]);
    lines.should.eql([
      toLine(
        {
          measurement: "water,main",
          tags: { z: "last", a: "1", b: "true" },
          fields: { flow: 2, n: 3, s: 'say "hi"', ok: false },
          timestamp: 1767225600123,
        },
        integerFields,
      ),
    ]);
    lines[0].should.equal('water\\,main,a=1,b=true,z=last flow=2,n=3i,s="say \\"hi\\"",ok=false 1767225600123');
  });
});

// Two tiny nodes for the benchmark inside a real Node-RED runtime: "bench-source" sends what the benchmark
// hands it (through Node-RED's own routing, as an upstream node would), "bench-sink" counts what reaches it
// and lets it go. Both talk to the benchmark through one object on `global` (the runtime owns the nodes).
"use strict";
module.exports = function (RED) {
  const hook = (global.__meterBench = global.__meterBench || {});
  function BenchSource(config) {
    RED.nodes.createNode(this, config);
    hook.source = this;
  }
  function BenchSink(config) {
    RED.nodes.createNode(this, config);
    this.on("input", (msg, send, done) => {
      if (hook.onMessage) hook.onMessage(config.name, msg);
      done();
    });
  }
  RED.nodes.registerType("bench-source", BenchSource);
  RED.nodes.registerType("bench-sink", BenchSink);
};

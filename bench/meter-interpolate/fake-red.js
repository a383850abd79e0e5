// The smallest Node-RED runtime surface the meter-interpolate node uses: createNode, registerType,
// context, status/warn/error, and a send that counts what it is given and then lets it go, so the
// benchmark measures the node, not a message store (the test helper's spies keep every message alive).
"use strict";
const { EventEmitter } = require("node:events");

function loadNode(modulePath, config) {
  let Ctor;
  const counters = { messages: [0, 0], points: 0, objectReadings: 0, warnings: 0, errors: [] };
  const store = new Map();
  const RED = {
    nodes: {
      createNode(node, def) {
        const emitter = new EventEmitter();
        node.id = def.id;
        node.name = def.name;
        node.on = emitter.on.bind(emitter);
        node.emit = emitter.emit.bind(emitter);
        node.status = () => {};
        node.warn = () => counters.warnings++;
        node.error = (e) => counters.errors.push(String(e));
        node.context = () => ({
          get: (k, cb) => (cb ? cb(undefined, store.get(k)) : store.get(k)),
          set: (k, v, cb) => {
            store.set(k, v);
            if (cb) cb();
          },
        });
      },
      registerType(_type, ctor) {
        Ctor = ctor;
      },
      getNode: () => null,
    },
    util: {
      evaluateNodeProperty(value, _type, _node, _msg, cb) {
        cb(null, value);
      },
    },
  };
  const mod = require(modulePath);
  (mod.default || mod)(RED);
  const node = new Ctor({ id: "bench", type: "meter-interpolate", ...config });
  /** Sends one message in and resolves when the node calls done. */
  function receive(msg) {
    return new Promise((resolve, reject) => {
      const send = (msgs) => {
        msgs.forEach((m, port) => {
          if (!m) return;
          counters.messages[port]++;
          if (port === 1) counters.points += m.payload.length;
          else
            for (const meter of Object.values(m.payload.meters))
              for (const u of ["hour", "day", "month"])
                if (meter[u]) counters.objectReadings += meter[u].readings.length + meter[u].consumption.length;
        });
      };
      node.emit("input", msg, send, (err) => (err ? reject(err) : resolve()));
    });
  }
  return { node, receive, counters };
}

module.exports = { loadNode };

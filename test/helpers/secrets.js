// Watches everything a user could see of a node (messages, status, log lines, Catch errors) so a test
// can assert that a secret never shows up in any of it.
"use strict";
const { helper } = require("./node-red");

function startLeakWatch() {
  const seen = [];
  // Node.prototype spies of the helper record status/send/log calls; we read them at the end.
  return {
    seen,
    /** Everything visible so far, as one string. */
    dump() {
      const parts = [...seen];
      for (const name of ["status", "send", "log", "warn", "error", "trace", "debug"]) {
        const spy = helper._NodePrototype && helper._NodePrototype[name];
        if (spy && spy.args) for (const args of spy.args) parts.push(safeJson(args));
      }
      const log = helper.log();
      if (log && log.args) for (const args of log.args) parts.push(safeJson(args));
      return parts.join("\n");
    },
    /** Fails the test when any of `secrets` appears anywhere visible. */
    assertNoLeak(secrets) {
      const text = this.dump();
      for (const secret of secrets) {
        if (!secret) continue;
        if (text.includes(secret)) throw new Error(`a secret leaked into messages, status or logs`);
      }
      return text.length;
    },
  };
}

function safeJson(value) {
  const seen = new WeakSet();
  try {
    return JSON.stringify(value, (_k, v) => {
      if (v instanceof Error) return { message: v.message, stack: v.stack, ...v };
      if (typeof v === "object" && v !== null) {
        if (seen.has(v)) return undefined;
        seen.add(v);
      }
      return v;
    });
  } catch {
    return String(value);
  }
}

module.exports = { startLeakWatch, safeJson };

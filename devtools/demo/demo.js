#!/usr/bin/env node
// `npm start`: the whole package running against local simulators, no credentials and no internet needed.
"use strict";
const { startDemo } = require("./demo-lib");

(async () => {
  const port = Number(process.env.PORT || 1880);
  const demo = await startDemo({ port, log: (line) => console.log(`demo: ${line}`) });
  console.log(`\ndemo: Node-RED editor with every example deployed: ${demo.url}`);
  console.log(`demo: Dashboard 2 with water, power, prices, consumption, cost and health: ${demo.dashboardUrl}`);
  console.log("demo: spoken announcements appear below as [alexa ...] lines. Ctrl-C stops everything.\n");
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\ndemo: stopping");
    await demo.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
})().catch((err) => {
  console.error(`demo: ${err.message}`);
  process.exit(1);
});

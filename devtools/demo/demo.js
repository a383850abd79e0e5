#!/usr/bin/env node
// `npm start`: the whole package running against local simulators, no credentials and no internet needed.
"use strict";
const { startDemo } = require("./demo-lib");

(async () => {
  const port = Number(process.env.PORT || 1880);
  // DEMO_USER_DIR: another Node-RED user directory than .demo/ (the test of `npm start` uses a temporary one).
  const userDir = process.env.DEMO_USER_DIR || undefined;
  // DEMO_DASHBOARD_LANG=de: the German dashboard flow instead of the English one.
  const dashboardLanguage = process.env.DEMO_DASHBOARD_LANG || "en";
  const demo = await startDemo({ port, userDir, dashboardLanguage, log: (line) => console.log(`demo: ${line}`) });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\ndemo: stopping");
    await demo.stop();
    process.exit(0);
  };
  // Ctrl-C is handled from the moment the ready line is out.
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  console.log(`\ndemo: Node-RED editor with every example deployed: ${demo.url}`);
  console.log(`demo: Dashboard 2 with water, power, prices, consumption, cost and health: ${demo.dashboardUrl}`);
  console.log("demo: spoken announcements appear below as [alexa ...] lines. Ctrl-C stops everything.\n");
})().catch((err) => {
  console.error(`demo: ${err.message}`);
  process.exit(1);
});

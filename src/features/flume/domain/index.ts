export * from "./leak-rule";
export * from "./flume-signals";
export * from "./sentence";
export * from "./poll-plan";
export * from "./local-time";
export * from "./sensor-alerts";
export * from "./readings";

export * from "./held";
export * from "./local-time";
export * from "./policy";
export * from "./message";

export * from "./client";
export * from "./parse";
export * from "./uid";
export * from "./reading";

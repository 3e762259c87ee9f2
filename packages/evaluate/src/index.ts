export * from "./config.js";
export * from "./metrics-file.js";
export * from "./metrics-gate.js";

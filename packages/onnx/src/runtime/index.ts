export * from "./errors.js";
export * from "./process-memory.js";
export * from "./resolve.js";
export * from "./session.js";

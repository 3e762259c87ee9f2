export * from "./config/index.js";
export * from "./errors.js";
export * from "./render/index.js";
export * from "./report.js";
export * from "./threshold/index.js";
export * from "./units.js";

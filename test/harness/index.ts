export * from "./events.js";
export * from "./fake-github.js";
export * from "./run-action.js";
export * from "./workflow-commands.js";

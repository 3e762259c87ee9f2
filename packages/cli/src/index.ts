export { mlgateConfigSchema, mlgateJsonSchema } from "./config-schema.js";
export type { CliIO } from "./gate-command.js";
export { main } from "./main.js";

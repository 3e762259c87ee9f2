export { ConfigError, type ConfigIssue } from "./config-error.js";
export { type ConfigJsonSchemaOptions, configJsonSchema } from "./json-schema.js";
export { type ConfigLimits, DEFAULT_CONFIG_LIMITS } from "./limits.js";
export { loadConfigFile, parseConfigText } from "./load.js";
export { CONFIG_FILE_NAMES, findConfigFile } from "./names.js";
export { applyOverrides } from "./overrides.js";
export {
  type ConfigFileShape,
  configFileSchema,
  type GateBaseShape,
  gateSection,
  reportSection,
} from "./schema.js";
export { type ThresholdListOptions, thresholdList, thresholdListOf } from "./thresholds.js";
export { prescanYamlDepth } from "./yaml-source.js";

export { checkKerasConfig, type KerasIssue } from "./config.js";

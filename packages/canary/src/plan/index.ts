export {
  buildPlan,
  buildStagePlan,
  DEFAULT_MAX_EXTENSIONS,
  DEFAULT_MAX_PROVIDER_FAILURES,
  describePlan,
  type PlanOptions,
  type StagePlanOptions,
} from "./build-plan.js";
export { formatDuration, formatSteps, MAX_STEPS, parseSteps, type WrittenStep } from "./parse-steps.js";
export * from "./types.js";

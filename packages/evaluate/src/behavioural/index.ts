export {
  type BehaviouralInput,
  type BehaviouralJudgement,
  DEFAULT_BEHAVIOURAL_GATES,
  isBehaviouralGate,
  judgeBehavioural,
} from "./gate.js";
export { judgeSuite, testKey } from "./outcomes.js";
export { readBehavioural } from "./read.js";
export {
  type BehaviouralLimits,
  type BehaviouralRow,
  type BehaviouralSuite,
  DEFAULT_BEHAVIOURAL_LIMITS,
  TEST_TYPES,
  type TestOutcome,
  type TestType,
} from "./types.js";

export {
  type AbFixedResult,
  type AbSequentialOptions,
  type AbSequentialResult,
  type ArmCounts,
  abFixedSample,
  abSampleSize,
  abSequential,
  DEFAULT_MIXING_SCALE,
  type SampleSizeInput,
} from "./ab-test.js";
export { type AgreementResult, agreementRate, type Disagreement, MAX_CONFUSION_ROWS } from "./agreement.js";
export { fairCoinTest } from "./binomial.js";
export { type KsResult, ksTwoSample } from "./ks.js";
export { confidenceSequenceRadius, mixtureLogLikelihoodRatio } from "./msprt.js";
export {
  type PairedCorrectnessResult,
  type PairedRow,
  type PairedTable,
  pairedCorrectness,
  pairedDifferenceInterval,
} from "./paired.js";
export {
  DEFAULT_PSI_BINS,
  DEFAULT_PSI_EPSILON,
  MAX_PSI_BINS,
  PSI_MODERATE,
  PSI_SHIFTED,
  type PsiBin,
  type PsiOptions,
  type PsiResult,
  populationStabilityIndex,
  psiLevel,
} from "./psi.js";
export { assignArm, bucketOf } from "./sticky.js";
export { criticalValue, type Interval, newcombeDifference, wilsonInterval } from "./wilson.js";

export { binomialCdf, binomialPmf, binomialSf, binomialTestTwoSided } from "./binomial.js";
export {
  type BootstrapResult,
  bootstrapCounts,
  type PairedBootstrapOptions,
  pairedBootstrap,
} from "./bootstrap.js";
export { holmAdjust } from "./holm.js";
export { normalCdf, normalQuantile } from "./normal.js";
export {
  type DifferenceInterval,
  mcnemarExact,
  mcnemarExactOneSided,
  type PairedCounts,
  pairedProportionDifferenceInterval,
} from "./paired-proportions.js";
export { type PermutationResult, signFlipPermutationTest } from "./permutation.js";
export { minimumDetectableEffect, type PowerOptions, requiredSampleSize } from "./planning.js";
export { createRng, type Rng } from "./rng.js";
export { studentTCdf, studentTQuantile } from "./student-t.js";
export { type WilcoxonResult, wilcoxonSignedRank } from "./wilcoxon.js";
export { wilsonInterval } from "./wilson.js";

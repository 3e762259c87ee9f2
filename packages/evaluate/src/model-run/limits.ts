import { GateError, type SourceLocation } from "@mlgate/core";
import { DATASET } from "./errors.js";
import { type DatasetLimits, DEFAULT_DATASET_LIMITS } from "./types.js";

export function resolveDatasetLimits(given: Partial<DatasetLimits> | undefined): DatasetLimits {
  const limits = { ...DEFAULT_DATASET_LIMITS, ...given };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new GateError(`eval dataset limit ${name} must be a positive integer, got ${value}`);
    }
  }
  return limits;
}

/** A limit was hit: say which one and why it exists. */
export function datasetLimitError(
  what: string,
  name: keyof DatasetLimits,
  limits: DatasetLimits,
  location: SourceLocation,
): GateError {
  return new GateError(`${DATASET} ${what}, over the ${name} limit of ${limits[name]}`, {
    location,
    hint: `the ${name} limit (${limits[name]}) guards against runaway input; split or sample the dataset`,
  });
}

import { GateError, type SourceLocation } from "@mlgate/core";
import { DEFAULT_ITEM_LIMITS, type ItemLimits } from "./types.js";

export function resolveLimits(given: Partial<ItemLimits> | undefined): ItemLimits {
  const limits = { ...DEFAULT_ITEM_LIMITS, ...given };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new GateError(`items limit ${name} must be a positive integer, got ${value}`);
    }
  }
  return limits;
}

/** A limit was hit: say which one and how to raise it. */
export function limitError(
  what: string,
  name: keyof ItemLimits,
  limits: ItemLimits,
  location: SourceLocation,
): GateError {
  return new GateError(`${what}, over the ${name} limit of ${limits[name]}`, {
    location,
    hint: `the ${name} limit (${limits[name]}) guards against runaway input; split or sample the file`,
  });
}

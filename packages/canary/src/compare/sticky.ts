import { createHash } from "node:crypto";
import { GateError } from "@mlgate/core";
import { describeValue } from "./validate.js";

/** 2⁴⁸: the first six bytes of the digest, exactly representable as a double. */
const SPAN = 2 ** 48;

/**
 * Where a key falls in [0, 100): SHA-256 of the salt and the key, its first 48 bits scaled down.
 * The salt is length-prefixed so that ("ab", "c") and ("a", "bc") hash apart.
 */
export function bucketOf(key: string, salt = ""): number {
  if (typeof key !== "string" || key.length === 0)
    throw new GateError(`a sticky-assignment key must be a non-empty string, got ${describeValue(key)}`, {
      hint: "use a stable identifier of the user or session; an empty key would send every anonymous request to one arm",
    });
  if (typeof salt !== "string")
    throw new GateError(`the assignment salt must be a string, got ${describeValue(salt)}`);
  const digest = createHash("sha256").update(`${salt.length}:${salt}`).update(key).digest();
  return (digest.readUIntBE(0, 6) / SPAN) * 100;
}

/**
 * Deterministic sticky assignment: a key always lands on the same arm for the same salt, so a user
 * does not flip between models from one request to the next. The candidate takes buckets below its
 * weight, so raising the weight only moves keys from the baseline to the candidate, never back; a new
 * salt reshuffles everyone (a fresh experiment).
 */
export function assignArm(
  key: string,
  split: { candidateWeight: number },
  salt = "",
): "baseline" | "candidate" {
  const weight = typeof split === "object" && split !== null ? split.candidateWeight : undefined;
  if (typeof weight !== "number" || !(weight >= 0 && weight <= 100))
    throw new GateError(`candidateWeight must be a number from 0 to 100, got ${describeValue(weight)}`);
  return bucketOf(key, salt) < weight ? "candidate" : "baseline";
}

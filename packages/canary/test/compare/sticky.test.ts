import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignArm, bucketOf } from "../../src/compare/index.js";

const keys = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);

describe("sticky assignment", () => {
  it("hashes to pinned buckets (reference: Python hashlib.sha256)", () => {
    // int.from_bytes(sha256(b"0:" + b"user-42").digest()[:6], "big") / 2**48 * 100, and likewise
    // with the salt "exp-7" (prefix b"5:exp-7"): a change here would reshuffle every live user.
    expect(bucketOf("user-42")).toBeCloseTo(41.91773426368037, 10);
    expect(bucketOf("user-42", "exp-7")).toBeCloseTo(13.044379207810408, 10);
    expect(bucketOf("a")).toBeCloseTo(61.70009362330653, 10);
    expect(assignArm("user-42", { candidateWeight: 42 })).toBe("candidate");
    expect(assignArm("user-42", { candidateWeight: 41.9 })).toBe("baseline");
    expect(assignArm("user-42", { candidateWeight: 42 }, "exp-7")).toBe("candidate");
    expect(assignArm("user-42", { candidateWeight: 13 }, "exp-7")).toBe("baseline");
  });

  it("gives the candidate its weight's share of 20,000 keys", () => {
    const buckets = keys.map((k) => bucketOf(k));
    for (const weight of [1, 5, 10, 25, 50, 75, 99]) {
      const share = buckets.filter((b) => b < weight).length / keys.length;
      // Four binomial standard errors at most (0.0141 at 50%).
      expect(Math.abs(share - weight / 100)).toBeLessThan(0.015);
    }
    const tenth = keys.filter((k) => assignArm(k, { candidateWeight: 10 }) === "candidate").length;
    expect(Math.abs(tenth / keys.length - 0.1)).toBeLessThan(0.01);
    expect(keys.every((k) => assignArm(k, { candidateWeight: 0 }) === "baseline")).toBe(true);
    expect(keys.every((k) => assignArm(k, { candidateWeight: 100 }) === "candidate")).toBe(true);
  });

  it("reshuffles with a new salt, independently of the old assignment", () => {
    const sample = keys.slice(0, 5000);
    const before = sample.map((k) => assignArm(k, { candidateWeight: 50 }, "rollout-1"));
    const after = sample.map((k) => assignArm(k, { candidateWeight: 50 }, "rollout-2"));
    const moved = before.filter((arm, i) => arm !== after[i]).length / sample.length;
    expect(moved).toBeGreaterThan(0.46);
    expect(moved).toBeLessThan(0.54);
  });

  it("is deterministic, in range, and only moves keys to the candidate as its weight grows (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.string({ maxLength: 16 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (key, salt, w1, w2) => {
          const bucket = bucketOf(key, salt);
          expect(bucket).toBeGreaterThanOrEqual(0);
          expect(bucket).toBeLessThan(100);
          expect(bucketOf(key, salt)).toBe(bucket);
          const [low, high] = w1 <= w2 ? [w1, w2] : [w2, w1];
          const first = assignArm(key, { candidateWeight: low }, salt);
          expect(assignArm(key, { candidateWeight: low }, salt)).toBe(first);
          if (first === "candidate")
            expect(assignArm(key, { candidateWeight: high }, salt)).toBe("candidate");
        },
      ),
    );
  });

  it("keeps the salt and the key apart", () => {
    expect(bucketOf("bc", "a")).not.toBe(bucketOf("c", "ab"));
  });

  it("refuses bad keys, weights and salts", () => {
    expect(() => assignArm("", { candidateWeight: 10 })).toThrow(/non-empty string/);
    expect(() => assignArm(42 as unknown as string, { candidateWeight: 10 })).toThrow(/non-empty string/);
    expect(() => assignArm("k", { candidateWeight: 101 })).toThrow(/candidateWeight/);
    expect(() => assignArm("k", { candidateWeight: -1 })).toThrow(/candidateWeight/);
    expect(() => assignArm("k", { candidateWeight: Number.NaN })).toThrow(/candidateWeight/);
    expect(() => assignArm("k", null as unknown as { candidateWeight: number })).toThrow(/candidateWeight/);
    expect(() => assignArm("k", { candidateWeight: 10 }, 3 as unknown as string)).toThrow(/salt/);
  });
});

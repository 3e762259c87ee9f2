import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agreementRate, MAX_CONFUSION_ROWS, wilsonInterval } from "../../src/compare/index.js";

function pairs(spec: ReadonlyArray<[string, string, number]>): Array<[string, string]> {
  return spec.flatMap(([b, c, count]) => Array.from({ length: count }, () => [b, c] as [string, string]));
}

describe("agreementRate", () => {
  it("matches the Wilson interval's reference values and ranks the disagreements", () => {
    const result = agreementRate(
      pairs([
        ["cat", "cat", 50],
        ["dog", "dog", 31],
        ["bird", "cat", 4],
        ["cat", "dog", 10],
        ["dog", "cat", 5],
      ]),
    );
    expect(result.n).toBe(100);
    expect(result.agree).toBe(81);
    expect(result.rate).toBe(0.81);
    // Wilson 81/100 at 95%: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = scipy.stats.norm.ppf(0.975).
    expect(result.low).toBeCloseTo(0.7222115462093562, 7);
    expect(result.high).toBeCloseTo(0.8748524849023126, 7);
    expect(result.confusion).toEqual([
      { baseline: "cat", candidate: "dog", count: 10 },
      { baseline: "dog", candidate: "cat", count: 5 },
      { baseline: "bird", candidate: "cat", count: 4 },
    ]);
  });

  it("honours the confidence level", () => {
    const result = agreementRate(
      pairs([
        ["a", "a", 45],
        ["a", "b", 15],
      ]),
      0.9,
    );
    // Same formula with z = scipy.stats.norm.ppf(0.95).
    expect(result.low).toBeCloseTo(0.6486242412686939, 7);
    expect(result.high).toBeCloseTo(0.829802359434671, 7);
  });

  it("reaches exactly 1 when every label agrees", () => {
    const result = agreementRate(pairs([["x", "x", 10]]));
    expect(result.high).toBe(1);
    // Wilson 10/10 at 95%, same formula.
    expect(result.low).toBeCloseTo(0.7224672001371107, 7);
    expect(result.confusion).toEqual([]);
  });

  it(`keeps only the ${MAX_CONFUSION_ROWS} most frequent disagreements, ties in label order`, () => {
    const spec: Array<[string, string, number]> = [];
    for (let i = 0; i < 30; i++) spec.push([`b${String(i).padStart(2, "0")}`, "z", 1 + (i % 3)]);
    const result = agreementRate(pairs(spec));
    expect(result.confusion).toHaveLength(MAX_CONFUSION_ROWS);
    expect(result.confusion[0]).toEqual({ baseline: "b02", candidate: "z", count: 3 });
    expect(result.confusion.slice(0, 10).every((row) => row.count === 3)).toBe(true);
    expect(result.confusion.slice(10).every((row) => row.count === 2)).toBe(true);
  });

  it("refuses empty, malformed and mislabelled input", () => {
    expect(() => agreementRate([])).toThrow(/agreement pairs is empty/);
    expect(() => agreementRate([["a", "a"], ["a"] as unknown as [string, string]])).toThrow(/pairs\[1\]/);
    expect(() => agreementRate([["a", 3 as unknown as string]])).toThrow(/two label strings/);
    expect(() => agreementRate(null as unknown as [])).toThrow(/must be an array/);
    expect(() => agreementRate([["a", "a"]], 1)).toThrow(/confidence/);
    expect(() => agreementRate([["a", "a"]], Number.NaN)).toThrow(/confidence/);
    expect(() => agreementRate([["a", "a"]])).not.toThrow();
  });

  it("has an interval around the rate and a consistent confusion table (property)", () => {
    const label = fc.constantFrom("a", "b", "c", "d", "e", "f");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(label, label), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        (input, confidence) => {
          const r = agreementRate(input, confidence);
          expect(r.low).toBeGreaterThanOrEqual(0);
          expect(r.high).toBeLessThanOrEqual(1);
          expect(r.low).toBeLessThanOrEqual(r.rate + 1e-12);
          expect(r.high).toBeGreaterThanOrEqual(r.rate - 1e-12);
          // Six labels make at most 30 swaps; all counted disagreements are pairs that differ.
          const listed = r.confusion.reduce((s, row) => s + row.count, 0);
          expect(listed).toBeLessThanOrEqual(r.n - r.agree);
          if (r.confusion.length < MAX_CONFUSION_ROWS) expect(listed).toBe(r.n - r.agree);
          for (let i = 1; i < r.confusion.length; i++)
            expect(r.confusion[i]!.count).toBeLessThanOrEqual(r.confusion[i - 1]!.count);
          expect(r.confusion.every((row) => row.baseline !== row.candidate)).toBe(true);
        },
      ),
    );
  });
});

describe("wilsonInterval", () => {
  it("refuses impossible counts", () => {
    expect(() => wilsonInterval(11, 10)).toThrow(/exceed/);
    expect(() => wilsonInterval(0, 0)).toThrow(/n must be a whole number >= 1/);
    expect(() => wilsonInterval(-1, 10)).toThrow(/successes/);
    expect(() => wilsonInterval(1.5, 10)).toThrow(/successes/);
  });

  it("is exactly 0 at no successes (reference: scipy-checked Wilson 0/10 upper 0.2775327998628892)", () => {
    const { low, high } = wilsonInterval(0, 10);
    expect(low).toBe(0);
    expect(high).toBeCloseTo(0.2775327998628892, 7);
  });
});

import { GateError } from "@mlgate/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_PATH_LENGTH, numbersAt, type PathSegment, parsePath, selectPath } from "../src/index.js";

const answer = {
  data: { p95: 0.123, "latency ms": "45.5", items: [{ score: 0.1 }, { score: 0.9 }, { score: "x" }] },
  probabilities: [0.3, 0.7],
  result: [{ value: [1700000000, "0.25"] }],
};

describe("paths into JSON answers", () => {
  it.each([
    ["$.data.p95", [0.123]],
    ["data.p95", [0.123]],
    ["$['data']['latency ms']", [45.5]],
    ['$.data["latency ms"]', [45.5]],
    ["data.items[*].score", [0.1, 0.9]],
    ["probabilities[1]", [0.7]],
    ["probabilities[-1]", [0.7]],
    ["probabilities", [0.3, 0.7]],
    ["$.result[0].value[1]", [0.25]],
    ["$.data.missing", []],
    ["probabilities[5]", []],
    ["$", []],
  ])("%s", (path, expected) => {
    expect(numbersAt(answer, parsePath(path))).toEqual(expected);
  });

  it.each([
    ["$.", "expected a name after the dot at column 3"],
    ["a[", "expected an index, a quoted name or * at column 3"],
    ["a[1", 'expected "]" at column 4'],
    ["a['x", "unterminated quoted name at column 5"],
    ["a b", 'unexpected " " at column 2'],
    ["$..a", "expected a name after the dot at column 3"],
  ])("refuses %j: %s", (path, reason) => {
    expect(() => parsePath(path)).toThrow(reason);
  });

  it("has limits", () => {
    expect(() => parsePath("a".repeat(MAX_PATH_LENGTH + 1))).toThrow(`at most ${MAX_PATH_LENGTH} characters`);
    expect(() => parsePath(Array.from({ length: 40 }, () => "a").join("."))).toThrow("more than 32 steps");
  });

  it("answers any text with a path or a GateError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: fc.constantFrom(..."$.[]*'\"ab_0-1\\ ") }), (text) => {
        try {
          const segments = parsePath(text);
          expect(Array.isArray(selectPath(answer, segments))).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(GateError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  const segment: fc.Arbitrary<PathSegment> = fc.oneof(
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/).map((key) => ({ key })),
    fc.string({ maxLength: 8 }).map((key) => ({ key })),
    fc.integer({ min: -5, max: 50 }).map((index) => ({ index })),
    fc.constant({ wildcard: true as const }),
  );
  const write = (s: PathSegment) =>
    "wildcard" in s ? "[*]" : "index" in s ? `[${s.index}]` : `['${s.key.replace(/[\\']/g, "\\$&")}']`;

  it("reads back every path it can be given", () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 10 }), (segments) => {
        expect(parsePath(`$${segments.map(write).join("")}`)).toEqual(segments);
      }),
    );
  });
});

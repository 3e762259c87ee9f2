import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { expandCountSuffix, parseModelCard } from "../src/manifest/index.js";

/** Anything the loader does with text: a parsed card, or a GateError; never another exception. */
function load(text: string | Uint8Array): "ok" | "gate-error" {
  try {
    parseModelCard(text, "model-card.yml");
    return "ok";
  } catch (e) {
    if (e instanceof Error && e.name !== "GateError" && e.name !== "ConfigError") throw e;
    return "gate-error";
  }
}

const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
const segment = fc
  .stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,10}$/)
  .filter((s) => s !== "." && s !== "..");
const card = fc.record({
  name: fc.string({ minLength: 1, maxLength: 20 }),
  metadata: fc.dictionary(
    fc.stringMatching(/^[a-z][a-z-]{0,12}$/),
    fc.oneof(fc.string(), fc.integer(), fc.boolean()),
  ),
  files: fc.uniqueArray(
    fc.record({
      path: fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join("/")),
      sha256: hex,
    }),
    {
      selector: (f) => f.path,
      maxLength: 5,
    },
  ),
  signature: fc.record({
    inputs: fc.array(
      fc.record({
        name: fc.string({ minLength: 1, maxLength: 8 }),
        dtype: fc.constantFrom("float32", "int64", "bool"),
        shape: fc.array(fc.oneof(fc.nat(64), fc.constantFrom("N", "batch"), fc.constant(null)), {
          maxLength: 4,
        }),
      }),
      { maxLength: 3 },
    ),
    outputs: fc.constant([]),
  }),
  budgets: fc.record({
    edge: fc.subarray([
      "file_size <= 50MB",
      "parameters <= 5M",
      "latency_p95 < 20ms",
      "peak_rss < 512MB",
      "load_time < 2s",
    ]),
  }),
});

describe("model card loader under fuzzing", () => {
  it("loads every well-formed card it is given, as written", () => {
    fc.assert(
      fc.property(card, (value) => {
        const parsed = parseModelCard(stringify(value), "model-card.yml");
        expect(parsed.files).toEqual(value.files);
        expect(parsed.budgets?.edge).toEqual(value.budgets.edge);
      }),
      { numRuns: 60 },
    );
  });

  it("answers random text and bytes with a card or a GateError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.uint8Array({ maxLength: 400 })), (input) => {
        expect(["ok", "gate-error"]).toContain(load(input));
      }),
      { numRuns: 500 },
    );
  });

  it("answers mutated cards with a card or a GateError", () => {
    fc.assert(
      fc.property(card, fc.nat(), fc.string({ maxLength: 6 }), (value, at, insert) => {
        const text = stringify(value);
        const cut = at % (text.length + 1);
        expect(["ok", "gate-error"]).toContain(load(text.slice(0, cut) + insert + text.slice(cut)));
      }),
      { numRuns: 100 },
    );
  });

  it("refuses file paths that could leave the artifact directory", () => {
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 2 }),
        fc.constantFrom("..", ".", "", "a\\b"),
        fc.array(segment, { maxLength: 2 }),
        fc.constantFrom("", "/", "C:/", "c:"),
        (before, bad, after, prefix) => {
          const path = prefix + [...before, bad, ...after].join("/");
          const text = stringify({ files: [{ path, sha256: "0".repeat(64) }] });
          expect(load(text)).toBe("gate-error");
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("count suffixes in budgets", () => {
  it("writes parameters limits with k, M and G as plain numbers", () => {
    expect(expandCountSuffix("parameters <= 5M")).toBe("parameters <= 5000000");
    expect(expandCountSuffix("warn: parameters < 1.5k")).toBe("warn: parameters < 1500");
    expect(expandCountSuffix("parameters <= 2G")).toBe("parameters <= 2000000000");
    expect(expandCountSuffix("file_size <= 5MB")).toBe("file_size <= 5MB");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom(["k", 1e3], ["M", 1e6], ["G", 1e9]),
        (n, [s, f]) => {
          expect(expandCountSuffix(`parameters >= ${n}${s}`)).toBe(`parameters >= ${n * (f as number)}`);
        },
      ),
    );
  });
});

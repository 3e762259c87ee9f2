import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { z } from "zod";
import { configFileSchema, gateSection, parseConfigText } from "../src/config/index.js";
import { describeError, isGateError } from "../src/errors.js";

const evalGate = gateSection({
  candidate: z.string().min(1),
  baseline: z.string().min(1).optional(),
  metrics: z.record(z.string(), z.string()).optional(),
});
const schema = configFileSchema({ "eval-gate": evalGate });

/** Parse, and insist that any failure is a GateError and that nothing takes long. */
function parsesOrGateError(text: string | Uint8Array, file: string): void {
  const start = performance.now();
  try {
    parseConfigText(text, file, schema);
  } catch (e) {
    if (!isGateError(e)) throw e;
    expect(e.message.length).toBeGreaterThan(0);
  }
  expect(performance.now() - start).toBeLessThan(2000);
}

// Fragments that exercise the YAML and JSON grammars far more than random characters do.
const TOKENS = [
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  ": ",
  "-",
  "- ",
  "?",
  "? ",
  "\n",
  "\n  ",
  "  ",
  "\t",
  "#",
  "&a ",
  "*a",
  "&b ",
  "*b",
  "<<: ",
  "'",
  '"',
  "\\",
  "|",
  ">",
  "!",
  "!!str ",
  "%YAML 1.2\n",
  "---",
  "...",
  "~",
  "null",
  "true",
  "1",
  "0x1F",
  ".inf",
  "eval-gate",
  "candidate",
  "gates",
  "report",
  "version",
  "a",
  "é",
  "\u2028",
  "\r\n",
  "\uFEFF",
  "__proto__",
  "constructor",
];
const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(""));
const files = fc.constantFrom("mlgate.yml", "mlgate.json");

describe("parseConfigText never throws anything but a GateError", () => {
  it("on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), tokenSoup), files, (text, file) => {
        parsesOrGateError(text, file);
      }),
      { numRuns: 600 },
    );
  });

  it("on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), files, (bytes, file) => parsesOrGateError(bytes, file)),
      { numRuns: 300 },
    );
  });

  it("on JSON-ish values that break the schema", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), files, (value, file) => {
        const wrapped = { "eval-gate": value };
        parsesOrGateError(file.endsWith(".json") ? JSON.stringify(wrapped) : stringify(wrapped), file);
      }),
      { numRuns: 300 },
    );
  });
});

const ident = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);
const metric = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);
const unit = fc.constantFrom("", "ms", "s", "%", "MiB", "GB", "/s");
const threshold = fc
  .tuple(
    fc.constantFrom("", "warn: "),
    fc.constantFrom("", "delta", "ratio"),
    metric,
    fc.constantFrom("<", "<=", ">", ">=", "==", "!="),
    fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
    unit,
  )
  // ratio() is unitless: only plain numbers and percentages make sense as its limit.
  .map(([level, fn, name, op, value, u]) => {
    const limitUnit = fn === "ratio" && u !== "%" ? "" : u;
    return `${level}${fn ? `${fn}(${name})` : name} ${op} ${Number(value.toPrecision(6))}${limitUnit}`;
  });

/** Any text a user might put in a string value: unicode, YAML indicators, look-alike numbers. */
const text = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }),
  fc.constantFrom(
    "yes",
    "no",
    "null",
    "~",
    "1.0",
    "0x10",
    "- a",
    "a: b",
    "#x",
    "&a",
    "*a",
    " padded ",
    "@at",
    "`x`",
  ),
);

const validConfig = fc.record(
  {
    version: fc.constant(1 as const),
    "eval-gate": fc.record(
      {
        candidate: text,
        baseline: text,
        gates: fc.array(threshold, { maxLength: 5 }),
        metrics: fc.dictionary(ident, text, { maxKeys: 4 }),
        report: fc.record(
          {
            comment: fc.constantFrom(true, false, "on-failure" as const),
            outputs: fc.array(fc.constantFrom("report.md", "out/report.sarif", "junit.xml")),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ["candidate"] },
    ),
  },
  { requiredKeys: [] },
);

describe("valid configs load back equal", () => {
  it("from YAML and from JSON", () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        const expected = { ...config, version: 1 };
        expect(parseConfigText(stringify(config), "mlgate.yml", schema)).toEqual(expected);
        expect(parseConfigText(JSON.stringify(config, null, 2), "mlgate.json", schema)).toEqual(expected);
        expect(parseConfigText(JSON.stringify(config), "mlgate.json", schema)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

/** A strict object schema with string leaves along `path` and a few string siblings at each level. */
function schemaAlong(
  path: readonly string[],
  siblings: readonly string[],
  index: number | undefined,
): z.ZodType {
  const [head, ...rest] = path;
  if (head === undefined) return index === undefined ? z.string() : z.array(z.string());
  const shape: Record<string, z.ZodType> = {};
  for (const s of siblings) shape[s] = z.string().optional();
  shape[head] = schemaAlong(rest, siblings, index);
  return z.strictObject(shape);
}

function valueAlong(path: readonly string[], siblings: readonly string[], leaf: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return leaf;
  const out: Record<string, unknown> = {};
  for (const s of siblings) out[s] = `${s} value`;
  out[head] = valueAlong(rest, siblings, leaf);
  return out;
}

describe("a wrong-typed leaf is reported with its dotted path", () => {
  const wrong = fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.constant("x"), { minLength: 1, maxLength: 2 }),
    fc.constant({ k: "v" }),
  );
  it("at any depth, in YAML and JSON", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(ident, { minLength: 1, maxLength: 6 }),
        fc.uniqueArray(ident, { maxLength: 3 }),
        fc.option(fc.nat(3), { nil: undefined }),
        wrong,
        files,
        (path, rawSiblings, index, bad, file) => {
          const siblings = rawSiblings.filter((s) => !path.includes(s));
          const leaf = index === undefined ? bad : [...Array.from({ length: index }, () => "ok"), bad];
          const config = valueAlong(path, siblings, leaf);
          const textOf = file.endsWith(".json") ? JSON.stringify(config, null, 1) : stringify(config);
          const pathText = path.join(".") + (index === undefined ? "" : `[${index}]`);
          let error: unknown;
          try {
            parseConfigText(textOf, file, schemaAlong(path, siblings, index));
          } catch (e) {
            error = e;
          }
          expect(isGateError(error)).toBe(true);
          const message = (error as Error).message;
          expect(message.startsWith(`${pathText}: expected `)).toBe(true);
          expect(describeError(error)).toMatch(new RegExp(`^${file.replace(".", "\\.")}:\\d+:\\d+: `));
        },
      ),
      { numRuns: 300 },
    );
  });
});

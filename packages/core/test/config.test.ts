import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { z } from "zod";
import {
  applyOverrides,
  CONFIG_FILE_NAMES,
  ConfigError,
  configFileSchema,
  configJsonSchema,
  findConfigFile,
  gateSection,
  loadConfigFile,
  parseConfigText,
  thresholdList,
} from "../src/config/index.js";
import { describeError, GateError, isGateError } from "../src/errors.js";

/** A gate section like the real ones: paths, thresholds, a record. */
const evalGate = gateSection({
  candidate: z.string().min(1).describe("Metrics file of the candidate model."),
  baseline: z.string().min(1).optional().describe("Metrics file of the baseline model."),
  metrics: z.record(z.string(), z.string()).optional(),
  thresholds: z.number().int().min(0).optional(),
});
const schema = configFileSchema({
  "eval-gate": evalGate,
  "artifact-gate": gateSection({ path: z.string() }),
});

function failure(
  text: string | Uint8Array,
  file = "mlgate.yml",
  limits?: Parameters<typeof parseConfigText>[3],
): GateError {
  try {
    parseConfigText(text, file, schema, limits);
  } catch (e) {
    expect(isGateError(e)).toBe(true);
    return e as GateError;
  }
  throw new Error("expected the config to be rejected");
}

describe("parseConfigText: valid configs", () => {
  const yamlText = `version: 1
eval-gate:
  candidate: eval/candidate.json   # written by the eval job
  baseline: "eval/baseline.json"
  gates:
    - accuracy >= 0.9
    - "p95 < 250ms"
    - 'warn: delta(f1) >= -0.005'
  metrics:
    accuracy: $.results.acc
  report:
    comment: on-failure
    outputs: [report.md, report.sarif]
artifact-gate:
  path: model.safetensors
  gates: size < 2GiB
`;
  const expected = {
    version: 1,
    "eval-gate": {
      candidate: "eval/candidate.json",
      baseline: "eval/baseline.json",
      gates: ["accuracy >= 0.9", "p95 < 250ms", "warn: delta(f1) >= -0.005"],
      metrics: { accuracy: "$.results.acc" },
      report: { comment: "on-failure", outputs: ["report.md", "report.sarif"] },
    },
    "artifact-gate": { path: "model.safetensors", gates: ["size < 2GiB"] },
  };

  it("reads a realistic YAML config, a single threshold string becoming a list", () => {
    expect(parseConfigText(yamlText, "mlgate.yml", schema)).toEqual(expected);
  });

  it("reads the same config as JSON", () => {
    const json = JSON.stringify(
      { ...expected, "artifact-gate": { path: "model.safetensors", gates: "size < 2GiB" } },
      null,
      2,
    );
    expect(parseConfigText(json, "mlgate.json", schema)).toEqual(expected);
  });

  it("round-trips through the yaml serializer", () => {
    expect(parseConfigText(stringify(expected), ".mlgate.yaml", schema)).toEqual(expected);
  });

  it("treats empty and comment-only files as an empty config", () => {
    for (const text of ["", "\n\n", "# nothing yet\n", "---\n", "~\n"]) {
      expect(parseConfigText(text, "mlgate.yml", schema)).toEqual({ version: 1 });
    }
    expect(parseConfigText("  \n", "mlgate.json", schema)).toEqual({ version: 1 });
    expect(parseConfigText(new Uint8Array(), "mlgate.yml", schema)).toEqual({ version: 1 });
  });

  it("accepts anchors and merge keys, a BOM, CRLF line ends and bytes", () => {
    const text = [
      "$schema: ./schema.json",
      "x-defaults: &report",
      "  comment: on-failure",
      "  outputs: [report.md, report.sarif]",
      "eval-gate:",
      "  candidate: c.json",
      "  report:",
      "    <<: *report",
      "    comment: true",
    ].join("\r\n");
    const withDefaults = configFileSchema({ "eval-gate": evalGate, "x-defaults": z.unknown() });
    const out = parseConfigText(`\uFEFF${text}`, "mlgate.yml", withDefaults);
    expect(out["eval-gate"]?.report).toEqual({ comment: true, outputs: ["report.md", "report.sarif"] });
    expect(out.$schema).toBe("./schema.json");
    const bytes = new TextEncoder().encode("eval-gate:\n  candidate: café.json\n");
    expect(parseConfigText(bytes, "mlgate.yml", schema)["eval-gate"]?.candidate).toBe("café.json");
  });
});

describe("parseConfigText: errors name the key path and the line:column", () => {
  it("wrong type", () => {
    const e = failure("version: 1\neval-gate:\n  candidate: c.json\n  baseline: 3\n");
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe("eval-gate.baseline: expected a string, got a number (3)");
    expect(e.location).toEqual({ file: "mlgate.yml", line: 4, column: 13 });
    expect(describeError(e)).toBe("mlgate.yml:4:13: eval-gate.baseline: expected a string, got a number (3)");
  });

  it("unknown key with a did-you-mean, located at the key", () => {
    const e = failure("eval-gate:\n  candidate: c.json\n  treshold: 3\n");
    expect(describeError(e)).toBe(
      'mlgate.yml:3:3: eval-gate: unknown key "treshold" (did you mean "thresholds"?)',
    );
    expect(failure("eval-gate:\n  candidate: c\n  base_line: b\n").message).toContain(
      '(did you mean "baseline"?)',
    );
    expect(failure("eval-gate:\n  candidate: c\n  zzzzzz: b\n").message).toContain(
      "(expected one of: gates, report, candidate, baseline, metrics, thresholds)",
    );
  });

  it("unknown top-level key, e.g. a misspelt gate", () => {
    const e = failure("version: 1\neval_gate:\n  candidate: c\n");
    expect(describeError(e)).toBe(
      'mlgate.yml:2:1: unknown top-level key "eval_gate" (did you mean "eval-gate"?)',
    );
  });

  it("unknown key inside report", () => {
    const e = failure("eval-gate:\n  candidate: c\n  report:\n    outputs: [report.md]\n    coment: true\n");
    expect(describeError(e)).toBe(
      'mlgate.yml:5:5: eval-gate.report: unknown key "coment" (did you mean "comment"?)',
    );
  });

  it("invalid threshold, pointing at the bad token inside it", () => {
    const e = failure("eval-gate:\n  candidate: c\n  gates:\n    - accuracy >= 0.9\n    - f1 >> 0.9\n");
    expect(e.location).toEqual({ file: "mlgate.yml", line: 5, column: 10 });
    const [head, ...detail] = e.message.split("\n");
    expect(head).toBe('eval-gate.gates[1]: invalid threshold "f1 >> 0.9": unknown operator ">>"');
    // The parser's caret and notes follow when it is the only problem.
    expect(detail.join("\n")).toContain("^^");
    // Quoted scalars shift the column by the quote.
    expect(failure('eval-gate:\n  candidate: c\n  gates: ["p95 < 250xs"]\n').location).toEqual({
      file: "mlgate.yml",
      line: 3,
      column: 21,
    });
    // A single string is a one-element list and errors at the string itself.
    expect(describeError(failure("eval-gate:\n  candidate: c\n  gates: f1 >> 0.9\n"))).toMatch(
      /^mlgate\.yml:3:13: eval-gate\.gates: invalid threshold "f1 >> 0\.9"/,
    );
  });

  it("non-string thresholds and enum values", () => {
    expect(describeError(failure("eval-gate:\n  candidate: c\n  gates: [0.9]\n"))).toBe(
      "mlgate.yml:3:11: eval-gate.gates[0]: expected a string, got a number (0.9)",
    );
    expect(describeError(failure("eval-gate:\n  candidate: c\n  gates: 3\n"))).toBe(
      "mlgate.yml:3:10: eval-gate.gates: expected a string or a list, got a number (3)",
    );
    expect(describeError(failure("eval-gate:\n  candidate: c\n  report: {outputs: [report.md, 12]}\n"))).toBe(
      "mlgate.yml:3:33: eval-gate.report.outputs[1]: expected a string, got a number (12)",
    );
    expect(failure("eval-gate:\n  candidate: c\n  report: {comment: onfailure}\n").message).toBe(
      'eval-gate.report.comment: expected true, false or "on-failure", got a string ("onfailure") (did you mean "on-failure"?)',
    );
  });

  it("missing required key, located at the mapping that lacks it", () => {
    const e = failure("version: 1\neval-gate:\n  baseline: b\n");
    expect(describeError(e)).toBe('mlgate.yml:2:1: eval-gate: missing required key "candidate" (a string)');
  });

  it("an empty section or a list where a mapping belongs", () => {
    expect(failure("eval-gate:\n").message).toBe("eval-gate: expected a mapping, got an empty value");
    expect(failure("- a\n- b\n").message).toBe("expected a mapping, got a list");
    expect(failure('["a"]', "mlgate.json").message).toBe("expected an object, got an array");
  });

  it("numeric bounds, empty strings, records and version", () => {
    expect(failure("eval-gate:\n  candidate: ''\n").message).toBe(
      'eval-gate.candidate: must not be empty, got a string ("")',
    );
    expect(failure("eval-gate:\n  candidate: c\n  thresholds: -1\n").message).toBe(
      "eval-gate.thresholds: must be >= 0, got a number (-1)",
    );
    expect(failure("eval-gate:\n  candidate: c\n  metrics:\n    f1: [a]\n").message).toBe(
      "eval-gate.metrics.f1: expected a string, got a list",
    );
    expect(describeError(failure("version: 2\n"))).toBe(
      "mlgate.yml:1:10: version: expected 1, got a number (2)",
    );
  });

  it("keys that are not identifiers are bracketed in the path", () => {
    const e = failure('eval-gate:\n  candidate: c\n  metrics:\n    "slice:age>60": 1\n');
    expect(e.message).toBe('eval-gate.metrics["slice:age>60"]: expected a string, got a number (1)');
  });

  it("reports every problem, one per line in file order, located at the first", () => {
    const e = failure(
      "artifact-gate:\n  path: 1\neval-gate:\n  candidate: 2\n  gates: [a >> 1, b > 1]\n  report: {comment: maybe}\nextra: true\n",
    );
    expect(e.location).toEqual({ file: "mlgate.yml", line: 2, column: 9 });
    // The one-line reason names the first problem; the message keeps every one, each located.
    expect(describeError(e)).toBe("mlgate.yml:2:9: artifact-gate.path: expected a string, got a number (1)");
    expect(e.message.split("\n")).toEqual([
      "artifact-gate.path: expected a string, got a number (1)",
      "mlgate.yml:4:14: eval-gate.candidate: expected a string, got a number (2)",
      'mlgate.yml:5:13: eval-gate.gates[0]: invalid threshold "a >> 1": unknown operator ">>"',
      'mlgate.yml:6:21: eval-gate.report.comment: expected true, false or "on-failure", got a string ("maybe")',
      'mlgate.yml:7:1: unknown top-level key "extra" (expected one of: $schema, version, eval-gate, artifact-gate)',
    ]);
    expect((e as ConfigError).issues).toHaveLength(5);
  });

  it("caps the list at 20 problems", () => {
    const gates = Array.from({ length: 30 }, (_, i) => `    - m${i} >> 1`).join("\n");
    const e = failure(`eval-gate:\n  candidate: c\n  gates:\n${gates}\n`);
    const lines = e.message.split("\n");
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe("… and 10 more problems");
  });

  it("duplicate keys name both lines", () => {
    const e = failure("eval-gate:\n  candidate: a\n  baseline: b\n  candidate: c\n");
    expect(describeError(e)).toBe('mlgate.yml:4:3: eval-gate: duplicate key "candidate" (lines 2 and 4)');
    const j = failure('{\n  "eval-gate": {"candidate": "a"},\n  "eval-gate": {}\n}', "mlgate.json");
    expect(describeError(j)).toBe('mlgate.json:3:3: duplicate key "eval-gate" (lines 2 and 3)');
  });

  it("YAML syntax errors", () => {
    const e = failure("eval-gate:\n  candidate: [a, b\n  baseline: c\n");
    expect(e.message).toMatch(/^invalid YAML: /);
    expect(e.location?.line).toBeGreaterThanOrEqual(2);
    expect(failure("a: 1\n---\nb: 2\n").message).toMatch(/multiple documents/);
    expect(describeError(failure("a: 1\nb: *nope\n"))).toBe(
      "mlgate.yml:2:4: invalid YAML: alias *nope has no anchor &nope before it",
    );
    expect(failure("eval-gate:\n  candidate: c\n\tbaseline: b\n").location?.line).toBe(3);
  });

  it("JSON syntax errors with line:column", () => {
    const cases: [string, string, number, number][] = [
      ['{\n  "eval-gate": {"candidate": "a",}\n}', "trailing comma is not allowed in JSON", 2, 33],
      [
        '{\n  // comment\n  "a": 1\n}',
        "expected a double-quoted key, got a comment (JSON has no comments)",
        2,
        3,
      ],
      ["{'a': 1}", "expected a double-quoted key, got a single quote (JSON strings use double quotes)", 1, 2],
      ['{"a": 1', "unexpected end of file (unclosed object)", 1, 8],
      ['{"a": "b\n"}', "unterminated string (line break inside a string)", 1, 9],
      ['{"a" 1}', 'expected ":" after the key, got "1"', 1, 6],
      ['{"a": tru}', 'expected a value, got "t"', 1, 7],
      ['{"a": 1} x', 'unexpected "x" after the end of the document', 1, 10],
      ["[1, 2", "unexpected end of file (unclosed array)", 1, 6],
    ];
    for (const [text, message, line, column] of cases) {
      const e = failure(text, "mlgate.json");
      expect(e.message.split("\n")[0]).toBe(`invalid JSON: ${message}`);
      expect(e.location).toEqual({ file: "mlgate.json", line, column });
    }
  });

  it("JSON validation errors are located too", () => {
    const e = failure('{\n  "eval-gate": {\n    "candidate": "c",\n    "baseline": 3\n  }\n}', "mlgate.json");
    expect(describeError(e)).toBe(
      "mlgate.json:4:17: eval-gate.baseline: expected a string, got a number (3)",
    );
    expect(failure('{"eval-gate": null}', "mlgate.json").message).toBe(
      "eval-gate: expected an object, got null",
    );
  });
});

describe("parseConfigText: limits and hostile input", () => {
  it("refuses files over maxBytes", () => {
    const e = failure(`# ${"x".repeat(2000)}\n`, "mlgate.yml", { maxBytes: 1000 });
    expect(e.message).toMatch(/over the 1000 B limit/);
    expect(failure("x".repeat(1024 * 1024 + 1)).message).toMatch(/over the 1 MiB limit/);
  });

  it("refuses deep nesting, block or flow, quickly", () => {
    const block = Array.from({ length: 70 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n");
    expect(failure(block).message).toBe("nesting is deeper than 64 levels");
    expect(failure(block).location?.line).toBe(65);
    expect(failure("- ".repeat(100)).message).toBe("nesting is deeper than 64 levels");
    const start = performance.now();
    const flow = failure("[".repeat(500_000) + "]".repeat(500_000));
    expect(flow.message).toBe("nesting is deeper than 64 levels");
    expect(flow.location).toEqual({ file: "mlgate.yml", line: 1, column: 65 });
    expect(failure("{a: ".repeat(200_000)).message).toBe("nesting is deeper than 64 levels");
    expect(failure("[".repeat(100_000) + "]".repeat(100_000), "mlgate.json").message).toBe(
      "nesting is deeper than 64 levels",
    );
    expect(performance.now() - start).toBeLessThan(5000);
    expect(failure("a: [[[1]]]", "mlgate.yml", { maxDepth: 3 }).message).toBe(
      "nesting is deeper than 3 levels",
    );
    // Depth reached through an alias counts too.
    expect(failure("a: &x [[1]]\nb: [[*x]]\n", "mlgate.yml", { maxDepth: 4 }).message).toMatch(
      /once \*x is expanded/,
    );
  });

  it("refuses too many aliases and billion-laughs expansion", () => {
    const aliases = `a: &a x\nb: [${Array.from({ length: 101 }, () => "*a").join(", ")}]\n`;
    const e = failure(aliases);
    expect(e.message).toBe("more than 100 aliases");
    expect(e.location?.line).toBe(2);
    const laughs = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...Array.from({ length: 8 }, (_, i) => {
        const prev = String.fromCharCode(97 + i);
        const next = String.fromCharCode(98 + i);
        return `${next}: &${next} [${Array(9).fill(`*${prev}`).join(",")}]`;
      }),
    ].join("\n");
    const start = performance.now();
    expect(failure(laughs).message).toMatch(/expands to more than 100000 values/);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(failure("a: [1, 2, 3, 4]\n", "mlgate.yml", { maxNodes: 4 }).message).toMatch(/more than 4 values/);
    expect(failure("[1, 2, 3, 4]", "mlgate.json", { maxNodes: 4 }).message).toMatch(/more than 4 values/);
  });

  it("refuses an alias to a node that contains it", () => {
    expect(failure("a: &a [*a]\n").message).toBe("alias *a refers to a node that contains it");
  });

  it("refuses binary and non-UTF-8 input", () => {
    expect(failure("a: 1\n\u0000\u0001").message).toMatch(/NUL byte is not allowed/);
    expect(failure("a: 1\n\u0000").location).toEqual({ file: "mlgate.yml", line: 2, column: 1 });
    expect(failure(new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a])).message).toBe(
      "mlgate.yml is not UTF-8 text (is it a binary file?)",
    );
    const utf16 = new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0x3a, 0x00]);
    expect(failure(utf16).message).toMatch(/UTF-16/);
    expect(failure(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])).message).toMatch(
      /binary/,
    );
  });
});

describe("loadConfigFile and findConfigFile", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mlgate-config-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("loads YAML and JSON files", async () => {
    await writeFile(join(dir, "a.yml"), "eval-gate:\n  candidate: c.json\n");
    await writeFile(join(dir, "a.json"), '{"eval-gate": {"candidate": "c.json"}}');
    const expected = { version: 1, "eval-gate": { candidate: "c.json" } };
    await expect(loadConfigFile(join(dir, "a.yml"), schema)).resolves.toEqual(expected);
    await expect(loadConfigFile(join(dir, "a.json"), schema)).resolves.toEqual(expected);
  });

  it("locates errors in the file it read", async () => {
    const file = join(dir, "bad.yml");
    await writeFile(file, "eval-gate:\n  candidate: 1\n");
    const e = await loadConfigFile(file, schema).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GateError);
    expect(describeError(e)).toBe(`${file}:2:14: eval-gate.candidate: expected a string, got a number (1)`);
  });

  it("missing file: not found, with a hint", async () => {
    const file = join(dir, "nope.yml");
    const e = (await loadConfigFile(file, schema).catch((x: unknown) => x)) as GateError;
    expect(e).toBeInstanceOf(GateError);
    expect(e.message).toBe(`config file not found: ${file}`);
    expect(e.hint).toMatch(/check the path/);
  });

  it("refuses directories, oversized and binary files", async () => {
    await expect(loadConfigFile(dir, schema)).rejects.toThrow(/is not a regular file/);
    const big = join(dir, "big.yml");
    await writeFile(big, `# ${"x".repeat(5000)}\n`);
    await expect(loadConfigFile(big, schema, { maxBytes: 4096 })).rejects.toThrow(/over the 4 KiB limit/);
    const bin = join(dir, "bin.yml");
    await writeFile(bin, Buffer.from([0xc3, 0x28, 0x00]));
    await expect(loadConfigFile(bin, schema)).rejects.toThrow(/not UTF-8/);
  });

  it("finds the config file in the documented order", async () => {
    const root = await mkdtemp(join(dir, "find-"));
    expect(findConfigFile(root)).toBeUndefined();
    await mkdir(join(root, ".github"));
    await writeFile(join(root, ".github", "mlgate.yml"), "");
    expect(findConfigFile(root)).toBe(join(root, ".github", "mlgate.yml"));
    await writeFile(join(root, "mlgate.json"), "{}");
    expect(findConfigFile(root)).toBe(join(root, "mlgate.json"));
    // A directory with a config's name is not a config.
    await mkdir(join(root, "mlgate.yml"));
    await writeFile(join(root, ".mlgate.yaml"), "");
    expect(findConfigFile(root)).toBe(join(root, ".mlgate.yaml"));
    expect(CONFIG_FILE_NAMES).toEqual([
      "mlgate.yml",
      "mlgate.yaml",
      ".mlgate.yml",
      ".mlgate.yaml",
      "mlgate.json",
      ".github/mlgate.yml",
    ]);
  });
});

describe("schemas", () => {
  it("configFileSchema: version defaults to 1, $schema is allowed, names are checked", () => {
    expect(schema.parse({})).toEqual({ version: 1 });
    expect(schema.parse({ $schema: "x", version: 1 })).toEqual({ $schema: "x", version: 1 });
    expect(() => configFileSchema({ version: z.string() })).toThrow(/reserved/);
  });

  it("gateSection: a gate's own keys win, and threshold functions can be restricted", () => {
    const custom = gateSection({ gates: z.array(z.string()).optional() });
    expect(custom.parse({ gates: ["not >> a threshold"] })).toEqual({ gates: ["not >> a threshold"] });
    const noFunctions = gateSection({}, { functions: [] });
    expect(() => noFunctions.parse({ gates: ["delta(f1) > 0"] })).toThrow(/function/);
    expect(gateSection({}).parse({ gates: "delta(f1) > 0" })).toEqual({ gates: ["delta(f1) > 0"] });
  });

  it("thresholdList accepts a string or a list", () => {
    expect(thresholdList.parse("a > 1")).toEqual(["a > 1"]);
    expect(thresholdList.parse(["a > 1", "b < 2ms"])).toEqual(["a > 1", "b < 2ms"]);
    expect(thresholdList.safeParse(["a >"]).success).toBe(false);
  });
});

describe("applyOverrides", () => {
  const config = {
    candidate: "file.json",
    baseline: "base.json",
    gates: ["a > 1", "b > 2"],
    report: { comment: true as boolean | "on-failure", outputs: ["report.md", "report.sarif"] },
  };

  it("defined overrides win, undefined ones are ignored", () => {
    expect(applyOverrides(config, { candidate: "cli.json", baseline: undefined })).toEqual({
      ...config,
      candidate: "cli.json",
    });
  });

  it("arrays replace instead of appending", () => {
    expect(applyOverrides(config, { gates: ["c > 3"] }).gates).toEqual(["c > 3"]);
    expect(applyOverrides(config, { gates: [] }).gates).toEqual([]);
  });

  it("nested objects merge key by key", () => {
    expect(applyOverrides(config, { report: { comment: false } as typeof config.report }).report).toEqual({
      comment: false,
      outputs: ["report.md", "report.sarif"],
    });
  });

  it("falsy values other than undefined still override; inputs are not modified", () => {
    const before = structuredClone(config);
    const out = applyOverrides(config, { candidate: "", report: { comment: false, outputs: [] } });
    expect(out.candidate).toBe("");
    expect(out.report).toEqual({ comment: false, outputs: [] });
    expect(config).toEqual(before);
    expect(out).not.toBe(config);
  });

  it("adds keys the config lacks and keeps __proto__ as plain data", () => {
    const sparse: { candidate?: string; gates?: string[] } = {};
    expect(applyOverrides(sparse, { gates: ["x > 1"] })).toEqual({ gates: ["x > 1"] });
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    const out = applyOverrides({} as Record<string, unknown>, hostile as Record<string, unknown>);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});

describe("configJsonSchema", () => {
  const jsonSchema = configJsonSchema(schema, {
    id: "https://example.com/mlgate.schema.json",
    title: "mlgate configuration",
  });

  it("is a valid draft-07 schema with ids, titles and descriptions", () => {
    const ajv = new Ajv({ strict: true, allErrors: true });
    expect(ajv.validateSchema(jsonSchema)).toBe(true);
    expect(jsonSchema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(jsonSchema.$id).toBe("https://example.com/mlgate.schema.json");
    expect(jsonSchema.title).toBe("mlgate configuration");
    const text = JSON.stringify(jsonSchema);
    expect(text).toContain("Metrics file of the candidate model.");
    expect(text).toContain("Thresholds the gate enforces");
    expect(text).toContain("How the gate publishes its report.");
  });

  it("validates the configs the loader accepts and rejects unknown keys", () => {
    const validate = new Ajv({ strict: true, allErrors: true }).compile(jsonSchema);
    const sample = {
      $schema: "./mlgate.schema.json",
      version: 1,
      "eval-gate": {
        candidate: "c.json",
        gates: ["accuracy >= 0.9"],
        report: { comment: "on-failure", outputs: ["report.md"] },
      },
      "artifact-gate": { path: "m.bin", gates: "size < 1GB" },
    };
    expect(validate(sample), JSON.stringify(validate.errors)).toBe(true);
    expect(parseConfigText(JSON.stringify(sample), "mlgate.json", schema)["eval-gate"]?.candidate).toBe(
      "c.json",
    );
    expect(validate({})).toBe(true);
    expect(validate({ "eval-gate": { candidate: "c", treshold: 1 } })).toBe(false);
    expect(validate({ eval_gate: {} })).toBe(false);
    expect(validate({ version: 2 })).toBe(false);
    expect(validate({ "eval-gate": { candidate: "c", report: { outputs: [12] } } })).toBe(false);
  });
});

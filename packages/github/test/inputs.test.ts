import { isGateError } from "@mlgate/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { inputName, readInputs } from "../src/inputs.js";

const schema = z.object({
  failOn: z.enum(["pass", "warn", "fail"]).default("fail"),
  gates: z.array(z.string()).default([]),
  comment: z.union([z.boolean(), z.literal("on-failure")]).default(true),
  strict: z.boolean().default(false),
  maxP95Ms: z.number().positive().optional(),
  model: z.string().optional(),
  apiToken: z.string().optional(),
});

let stdout: string[];

beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function read<S extends z.ZodObject>(
  env: Record<string, string>,
  s: S = schema as unknown as S,
): z.output<S> {
  vi.unstubAllEnvs();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  return readInputs(s);
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isGateError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error("expected readInputs to throw");
}

describe("readInputs", () => {
  it("maps camelCase keys to kebab-case inputs", () => {
    expect(inputName("failOn")).toBe("fail-on");
    expect(inputName("maxP95Ms")).toBe("max-p95-ms");
    expect(inputName("model")).toBe("model");
  });

  it("treats empty inputs as unset so defaults apply", () => {
    expect(read({ "INPUT_FAIL-ON": "", INPUT_GATES: "  " })).toEqual({
      failOn: "fail",
      gates: [],
      comment: true,
      strict: false,
    });
  });

  it("reads each input from INPUT_<KEBAB-NAME>", () => {
    const got = read({
      "INPUT_FAIL-ON": " warn ",
      "INPUT_MAX-P95-MS": "250.5",
      INPUT_MODEL: "models/ranker.onnx",
    });
    expect(got).toMatchObject({ failOn: "warn", maxP95Ms: 250.5, model: "models/ranker.onnx" });
  });

  it.each([
    ["true", true],
    ["TRUE", true],
    ["Yes", true],
    ["1", true],
    ["false", false],
    ["No", false],
    ["0", false],
  ])("accepts boolean %s", (raw, value) => {
    expect(read({ INPUT_STRICT: raw }).strict).toBe(value);
  });

  it("lets a union of boolean and literal take either", () => {
    expect(read({ INPUT_COMMENT: "no" }).comment).toBe(false);
    expect(read({ INPUT_COMMENT: "on-failure" }).comment).toBe("on-failure");
  });

  it("splits multiline inputs, dropping blanks and # comments", () => {
    const gates = "accuracy >= 0.92\n\n  # latency next\n  p95 < 250ms  \r\nwarn: delta(f1) >= -0.005\n";
    expect(read({ INPUT_GATES: gates }).gates).toEqual([
      "accuracy >= 0.92",
      "p95 < 250ms",
      "warn: delta(f1) >= -0.005",
    ]);
  });

  it("names the input and the allowed values when a value is wrong", () => {
    expect(errorOf(() => read({ "INPUT_FAIL-ON": "sometimes" }))).toBe(
      'input "fail-on": expected one of pass, warn, fail; got "sometimes"',
    );
    expect(errorOf(() => read({ INPUT_STRICT: "maybe" }))).toBe(
      'input "strict": expected true or false (or yes/no, 1/0); got "maybe"',
    );
    expect(errorOf(() => read({ INPUT_COMMENT: "sometimes" }))).toBe(
      'input "comment": expected one of true, false, on-failure; got "sometimes"',
    );
    expect(errorOf(() => read({ "INPUT_MAX-P95-MS": "fast" }))).toBe(
      'input "max-p95-ms": expected a number; got "fast"',
    );
    expect(errorOf(() => read({ "INPUT_MAX-P95-MS": "-3" }))).toMatch(
      /^input "max-p95-ms": Too small: .*; got "-3"$/,
    );
  });

  it("reports every bad input at once and says which are required", () => {
    const required = z.object({ model: z.string(), failOn: z.enum(["pass", "fail"]) });
    expect(errorOf(() => read({ "INPUT_FAIL-ON": "nope" }, required))).toBe(
      'input "model" is required; input "fail-on": expected one of pass, fail; got "nope"',
    );
  });

  it("masks secret-looking inputs and never echoes them in errors", () => {
    const secretSchema = z.object({
      apiToken: z.string().min(40),
      dbPassword: z.string(),
      clientSecret: z.string(),
    });
    const message = errorOf(() =>
      read(
        { "INPUT_API-TOKEN": "ghp_short", "INPUT_DB-PASSWORD": "hunter2", "INPUT_CLIENT-SECRET": "s3" },
        secretSchema,
      ),
    );
    expect(message).toMatch(/^input "api-token": Too small/);
    expect(message).not.toContain("ghp_short");
    const masks = stdout.filter((l) => l.startsWith("::add-mask::"));
    expect(masks).toEqual(["::add-mask::ghp_short\n", "::add-mask::hunter2\n", "::add-mask::s3\n"]);
  });

  it("does not mask ordinary inputs", () => {
    read({ INPUT_MODEL: "m.onnx" });
    expect(stdout.join("")).not.toContain("add-mask");
  });
});

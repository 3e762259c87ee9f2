import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGateError } from "@mlgate/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_SIGNATURE_LIMITS, parseSignatureText, readSignature } from "../../src/tensor/index.js";

function parse(text: string, limits = {}) {
  return parseSignatureText(text, "m.yaml", "yaml", { ...DEFAULT_SIGNATURE_LIMITS, ...limits });
}

function gateError(fn: () => unknown): { message: string; line?: number; ms: number } {
  const start = performance.now();
  try {
    fn();
  } catch (e) {
    if (!isGateError(e)) throw e;
    return {
      message: e.message,
      ...(e.location?.line !== undefined ? { line: e.location.line } : {}),
      ms: performance.now() - start,
    };
  }
  throw new Error("expected a GateError");
}

const OK = "  outputs: []\n";

describe("hostile signature files", () => {
  it("refuses billion-laughs alias expansion quickly", () => {
    const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(",")}]`,
      );
    const text = `${lines.join("\n")}\nsignature:\n  inputs: [{ name: x, dtype: f, shape: *a9 }]\n${OK}`;
    const err = gateError(() => parse(text));
    expect(err.message).toContain("cannot read m.yaml");
    expect(err.ms).toBeLessThan(1000);
  });

  it("refuses deep flow nesting, dash nesting and indentation nesting, at the line, quickly", () => {
    const flow = gateError(() =>
      parse(`signature:\n  inputs: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n${OK}`),
    );
    expect(flow).toMatchObject({ message: "m.yaml nests deeper than 64 levels", line: 2 });
    expect(flow.ms).toBeLessThan(1000);
    const dashes = gateError(() => parse(`signature:\n  inputs:\n    ${"- ".repeat(200_000)}x\n${OK}`));
    expect(dashes).toMatchObject({ message: "m.yaml nests deeper than 64 levels", line: 3 });
    expect(dashes.ms).toBeLessThan(1000);
    let indented = "";
    for (let d = 0; d < 200; d++) indented += `${" ".repeat(d)}k${d}:\n`;
    const indent = gateError(() => parse(indented));
    expect(indent).toMatchObject({ message: "m.yaml nests deeper than 64 levels", line: 65 });
  });

  it("does not count brackets and indentation inside quoted and block scalars", () => {
    const text = `description: |
  ${"[".repeat(100)}
      deeply
          indented
              text
note: "${"{".repeat(100)}"
other: '${"[".repeat(100)} it''s fine'
signature:
  inputs: [{ name: x, dtype: float32, shape: [N] }]
${OK}`;
    expect(parse(text).signature.inputs).toEqual([{ name: "x", dtype: "float32", shape: ["N"] }]);
  });

  it("refuses files over the size limit without reading them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mlgate-signature-hostile-"));
    const path = join(dir, "big.yaml");
    await writeFile(path, `# ${"x".repeat(DEFAULT_SIGNATURE_LIMITS.maxBytes)}\n`);
    const start = performance.now();
    await expect(readSignature(path)).rejects.toThrow(/over the limit of 4194304 bytes for a signature file/);
    expect(performance.now() - start).toBeLessThan(500);
    expect(gateError(() => parse("x: 1\n", { maxBytes: 2 })).message).toContain("over the limit of 2 bytes");
  });

  it("refuses too many tensors, too high a rank and too long a name", () => {
    const many = `signature:\n  inputs: [${Array.from({ length: 11 }, (_, i) => `{ name: t${i}, dtype: f, shape: [] }`).join(", ")}]\n${OK}`;
    expect(gateError(() => parse(many, { maxTensors: 10 })).message).toBe(
      "signature.inputs: 11 inputs, over the limit of 10",
    );
    const rank = `signature:\n  inputs: [{ name: x, dtype: f, shape: [${Array(70).fill(1).join(",")}] }]\n${OK}`;
    expect(gateError(() => parse(rank)).message).toBe(
      "signature.inputs[0].shape: shape has 70 dimensions, over the limit of 64",
    );
    const long = `signature:\n  inputs: [{ name: ${"n".repeat(5000)}, dtype: f, shape: [] }]\n${OK}`;
    expect(gateError(() => parse(long)).message).toBe(
      "signature.inputs[0].name: name is longer than 4096 characters",
    );
  });

  it("ignores prototype-polluting names", () => {
    const text = `signature:\n  inputs: [{ name: __proto__, dtype: float32, shape: [] }, { name: constructor, dtype: int64, shape: [1] }]\n${OK}`;
    const doc = parse(text);
    expect(doc.signature.inputs.map((t) => t.name)).toEqual(["__proto__", "constructor"]);
    expect(doc.inputs?.get("__proto__")?.line).toBe(2);
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
  });
});

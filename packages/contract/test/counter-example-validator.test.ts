/**
 * The validator that confirms counter-examples: OpenAPI's formats, and schemas it cannot apply
 * (which must yield no verdict rather than a wrong one or an exception).
 */
import { describe, expect, it } from "vitest";
import { projectSchema } from "../src/counter-example/project.js";
import { validates } from "../src/counter-example/validator.js";
import { DEFAULT_CONTRACT_LIMITS } from "../src/limits.js";
import { parseContractDocument } from "../src/load/document.js";

function projected(schema: Record<string, unknown>, instance: unknown) {
  const text = JSON.stringify(schema);
  const doc = parseContractDocument(
    new TextEncoder().encode(text),
    "s.json",
    "s.json",
    DEFAULT_CONTRACT_LIMITS,
  );
  const out = projectSchema(doc.value, { doc, pointer: "" }, "oas30", instance, "request");
  if (out === undefined) throw new Error("projection refused a small schema");
  return out;
}

describe("counter-example validator", () => {
  it("applies the standard string formats", () => {
    expect(validates({ type: "string", format: "date-time" }, "2026-01-02T03:04:05Z")).toBe(true);
    expect(validates({ type: "string", format: "date-time" }, "yesterday")).toBe(false);
    expect(validates({ type: "string", format: "email" }, "not an address")).toBe(false);
  });

  it("applies OpenAPI's base64 `byte` format and ignores unknown formats", () => {
    expect(validates({ type: "string", format: "byte" }, "aGVsbG8=")).toBe(true);
    expect(validates({ type: "string", format: "byte" }, "not base64!")).toBe(false);
    expect(validates({ type: "string", format: "x-currency-code" }, "anything")).toBe(true);
  });

  it("turns integer widths into ranges on numbers only", () => {
    const int32 = { type: "integer", format: "int32" };
    expect(validates(projected(int32, 5), 5)).toBe(true);
    expect(validates(projected(int32, 2 ** 31), 2 ** 31)).toBe(false);
    expect(validates(projected(int32, -(2 ** 31)), -(2 ** 31))).toBe(true);
    expect(validates(projected(int32, 1.5), 1.5)).toBe(false);
    const int64 = { type: "integer", format: "int64" };
    expect(validates(projected(int64, 2 ** 53), 2 ** 53)).toBe(true);
    expect(validates(projected(int64, 2 ** 64), 2 ** 64)).toBe(false);
    // Some APIs carry 64-bit integers as strings: the width does not apply to them.
    const asString = { type: "string", format: "int64" };
    expect(validates(projected(asString, "123"), "123")).toBe(true);
  });

  it("gives no verdict for a schema it cannot apply", () => {
    expect(validates({ type: "string", pattern: "(" }, "x")).toBeUndefined();
  });

  it("treats format names that are object members as unknown formats", () => {
    for (const name of ["__proto__", "hasOwnProperty", "constructor", "toString"]) {
      expect(validates({ type: "string", format: name }, "x")).toBe(true);
    }
  });
});

/**
 * The labelled OpenAPI and JSON Schema corpus: every case's changes must be exactly the expected
 * rule ids and levels (paths where the case gives them), and cases marked so must come with a
 * verified counter-example for every breaking change.
 */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { Change } from "../src/change.js";
import { diffLoadedSides, loadSchemaContract } from "../src/diff-schemas.js";
import { RULES } from "../src/rules/registry.js";
import { JSON_SCHEMA_CASES } from "./corpus/json-schema/cases.js";
import { BODY_CASES } from "./corpus/openapi/bodies.js";
import { COMPOSITION_CASES } from "./corpus/openapi/composition.js";
import { CONSTRAINT_CASES } from "./corpus/openapi/constraints.js";
import type { Expected } from "./corpus/openapi/harness.js";
import { MIRROR_CASES } from "./corpus/openapi/mirrors.js";
import { OPERATION_CASES } from "./corpus/openapi/operations.js";
import { PARAMETER_CASES } from "./corpus/openapi/parameters.js";
import { PROPERTY_CASES } from "./corpus/openapi/properties.js";
import { RESPONSE_CASES } from "./corpus/openapi/responses.js";
import { SECURITY_CASES } from "./corpus/openapi/security.js";
import { SWAGGER2_CASES } from "./corpus/openapi/swagger2.js";
import { TYPE_CASES } from "./corpus/openapi/types.js";
import { MemoryFiles } from "./helpers/memory-files.js";

const API_FAMILIES = {
  operations: OPERATION_CASES,
  parameters: PARAMETER_CASES,
  "request bodies": BODY_CASES,
  responses: RESPONSE_CASES,
  properties: PROPERTY_CASES,
  types: TYPE_CASES,
  constraints: CONSTRAINT_CASES,
  composition: COMPOSITION_CASES,
  security: SECURITY_CASES,
  "swagger 2.0": SWAGGER2_CASES,
  "mirrored directions": MIRROR_CASES,
};

async function diff(base: unknown, head: unknown, yaml: boolean, role?: "request" | "response" | "both") {
  const ext = yaml ? "yaml" : "json";
  const text = (v: unknown) => (yaml ? stringify(v) : JSON.stringify(v, null, 2));
  const files = new MemoryFiles({ [`base.${ext}`]: text(base), [`head.${ext}`]: text(head) });
  const b = await loadSchemaContract(`base.${ext}`, files);
  const h = await loadSchemaContract(`head.${ext}`, files);
  return diffLoadedSides(b, h, role ? { role } : {}).changes;
}

function check(changes: Change[], expected: Expected[], counterExamples: boolean | undefined): void {
  const shown = changes.map((c) => `${c.rule} ${c.level} ${c.path}`).join("\n");
  const actual = changes.map((c) => `${c.rule} ${c.level}`).sort();
  const wanted = expected.map(([rule, level]) => `${rule} ${level}`).sort();
  expect(actual, `changes found:\n${shown}`).toEqual(wanted);
  for (const [rule, , path] of expected) {
    if (path === undefined) continue;
    expect(
      changes.some((c) => c.rule === rule && c.path === path),
      `${rule} at ${path}; found:\n${shown}`,
    ).toBe(true);
  }
  if (counterExamples) {
    const breaking = changes.filter((c) => c.level === "breaking");
    expect(breaking.length).toBeGreaterThan(0);
    for (const c of breaking)
      expect(c.counterExample, `${c.rule} at ${c.path} has no counter-example`).toBeDefined();
  }
}

for (const [family, cases] of Object.entries(API_FAMILIES)) {
  describe(`OpenAPI corpus: ${family}`, () => {
    for (const c of cases) {
      it(c.name, async () => {
        check(await diff(c.base, c.head, c.yaml ?? false), c.expect, c.counterExamples);
      });
    }
  });
}

describe("JSON Schema corpus", () => {
  for (const c of JSON_SCHEMA_CASES) {
    it(c.name, async () => {
      check(await diff(c.base, c.head, false, c.role), c.expect, c.counterExamples);
    });
  }
});

describe("corpus coverage", () => {
  it("exercises every OpenAPI and JSON Schema rule at least once", () => {
    const used = new Set(
      [...Object.values(API_FAMILIES).flat(), ...JSON_SCHEMA_CASES].flatMap((c) =>
        c.expect.map(([rule]) => rule),
      ),
    );
    expect(RULES.map((r) => r.id).filter((id) => !used.has(id))).toEqual([]);
  });

  it("holds at least 110 labelled OpenAPI and JSON Schema pairs", () => {
    const total =
      Object.values(API_FAMILIES).reduce((n, list) => n + list.length, 0) + JSON_SCHEMA_CASES.length;
    expect(total).toBeGreaterThanOrEqual(110);
  });
});

/**
 * Labelled JSON Schema change pairs (draft-07 and 2020-12), judged as request schemas (what
 * clients send to the model) unless the case names another role.
 */
import type { Expected } from "../openapi/harness.js";

export interface SchemaCase {
  name: string;
  base: unknown;
  head: unknown;
  role?: "request" | "response" | "both";
  expect: Expected[];
  counterExamples?: boolean;
}

const D7 = "http://json-schema.org/draft-07/schema#";
const D2020 = "https://json-schema.org/draft/2020-12/schema";

/** `then` written through a computed key: as a literal property it would make the object look thenable to linters. */
const conditional = (required: string[]) => ({ ["then" as string]: { required } });

const features = (more: Record<string, unknown> = {}, schema = D2020) => ({
  $schema: schema,
  type: "object",
  required: ["features"],
  properties: {
    features: { type: "array", items: { type: "number" }, minItems: 4, maxItems: 4 },
    top_k: { type: "integer", minimum: 1, maximum: 20, default: 5 },
    ...more,
  },
});

export const JSON_SCHEMA_CASES: SchemaCase[] = [
  {
    name: "2020-12: unchanged",
    base: features(),
    head: features(),
    expect: [],
  },
  {
    name: "2020-12: new required input",
    base: features(),
    head: { ...features({ model: { type: "string" } }), required: ["features", "model"] },
    expect: [["schema.request-required-property-added", "breaking", "/properties/model"]],
    counterExamples: true,
  },
  {
    name: "2020-12: new optional input",
    base: features(),
    head: features({ temperature: { type: "number" } }),
    expect: [["schema.request-optional-property-added", "safe", "/properties/temperature"]],
  },
  {
    name: "2020-12: feature vector length changed",
    base: features(),
    head: {
      ...features(),
      properties: {
        ...features().properties,
        features: { type: "array", items: { type: "number" }, minItems: 8, maxItems: 8 },
      },
    },
    expect: [
      ["schema.request-min-items-increased", "breaking", "/properties/features/minItems"],
      ["schema.request-max-items-increased", "safe", "/properties/features/maxItems"],
    ],
    counterExamples: true,
  },
  {
    name: "2020-12 as a response: the same feature length change",
    role: "response",
    base: features(),
    head: {
      ...features(),
      properties: {
        ...features().properties,
        features: { type: "array", items: { type: "number" }, minItems: 8, maxItems: 8 },
      },
    },
    expect: [
      ["schema.response-min-items-increased", "safe"],
      ["schema.response-max-items-increased", "breaking"],
    ],
    counterExamples: true,
  },
  {
    name: "judged both ways: a new enum value is safe to send but dangerous to receive",
    role: "both",
    base: { $schema: D2020, type: "string", enum: ["cat", "dog"] },
    head: { $schema: D2020, type: "string", enum: ["cat", "dog", "bird"] },
    expect: [
      ["schema.request-enum-value-added", "safe", "/enum"],
      ["schema.response-enum-value-added", "dangerous", "/enum"],
    ],
  },
  {
    name: "draft-07: tuple items narrowed",
    base: { $schema: D7, type: "array", items: [{ type: "number" }, { type: "string" }] },
    head: { $schema: D7, type: "array", items: [{ type: "integer" }, { type: "string" }] },
    expect: [["schema.request-type-narrowed", "breaking", "/items/0"]],
    counterExamples: true,
  },
  {
    name: "2020-12: prefixItems narrowed",
    base: { $schema: D2020, type: "array", prefixItems: [{ type: "number" }, { type: "string" }] },
    head: {
      $schema: D2020,
      type: "array",
      prefixItems: [{ type: "number" }, { type: "string", maxLength: 3 }],
    },
    expect: [["schema.request-max-length-decreased", "breaking", "/prefixItems/1/maxLength"]],
    counterExamples: true,
  },
  {
    name: "draft-07: definitions and $ref, changed definition reported at its place",
    base: {
      $schema: D7,
      type: "object",
      properties: { user: { $ref: "#/definitions/User" } },
      definitions: { User: { type: "object", properties: { age: { type: "integer", minimum: 0 } } } },
    },
    head: {
      $schema: D7,
      type: "object",
      properties: { user: { $ref: "#/definitions/User" } },
      definitions: { User: { type: "object", properties: { age: { type: "integer", minimum: 18 } } } },
    },
    expect: [["schema.request-minimum-increased", "breaking", "/definitions/User/properties/age/minimum"]],
    counterExamples: true,
  },
  {
    name: "2020-12: recursive $defs through $ref: '#'",
    base: { $schema: D2020, type: "object", properties: { value: { type: "integer" }, next: { $ref: "#" } } },
    head: { $schema: D2020, type: "object", properties: { value: { type: "string" }, next: { $ref: "#" } } },
    expect: [["schema.request-type-changed", "breaking", "/properties/value"]],
    counterExamples: true,
  },
  {
    name: "2020-12: boolean schema false closes additional properties",
    base: { $schema: D2020, type: "object", properties: { a: { type: "string" } } },
    head: {
      $schema: D2020,
      type: "object",
      properties: { a: { type: "string" } },
      additionalProperties: false,
    },
    expect: [["schema.request-additional-properties-closed", "breaking", "/additionalProperties"]],
    counterExamples: true,
  },
  {
    name: "2020-12: $anchor reference",
    base: {
      $schema: D2020,
      type: "object",
      properties: { id: { $ref: "#ident" } },
      $defs: { ident: { $anchor: "ident", type: "string", maxLength: 20 } },
    },
    head: {
      $schema: D2020,
      type: "object",
      properties: { id: { $ref: "#ident" } },
      $defs: { ident: { $anchor: "ident", type: "string", maxLength: 10 } },
    },
    expect: [["schema.request-max-length-decreased", "breaking", "/$defs/ident/maxLength"]],
    counterExamples: true,
  },
  {
    name: "draft-07 to 2020-12 with the same meaning",
    base: { $schema: D7, type: "object", required: ["a"], properties: { a: { type: "string", const: "x" } } },
    head: {
      $schema: D2020,
      type: "object",
      required: ["a"],
      properties: { a: { type: "string", const: "x" } },
    },
    expect: [],
  },
  {
    name: "2020-12: if/then changed is flagged for review",
    base: {
      $schema: D2020,
      type: "object",
      if: { properties: { a: { const: 1 } } },
      ...conditional(["b"]),
    },
    head: {
      $schema: D2020,
      type: "object",
      if: { properties: { a: { const: 1 } } },
      ...conditional(["b", "c"]),
    },
    expect: [["schema.request-schema-keyword-changed", "dangerous", "/then"]],
  },
  {
    name: "2020-12: default of an input changed",
    base: features(),
    head: {
      ...features(),
      properties: {
        ...features().properties,
        top_k: { type: "integer", minimum: 1, maximum: 20, default: 10 },
      },
    },
    expect: [["schema.request-default-changed", "dangerous", "/properties/top_k/default"]],
  },
];

import { type ApiCase, obj, REQ, RES, request, response } from "./harness.js";

const s = { type: "string" };
const i = { type: "integer" };

export const PROPERTY_CASES: ApiCase[] = [
  {
    name: "request: required property added",
    base: request(obj({ a: s })),
    head: request(obj({ a: s, b: s }, ["b"])),
    expect: [["schema.request-required-property-added", "breaking", `${REQ}/properties/b`]],
    counterExamples: true,
  },
  {
    name: "request: optional property added",
    base: request(obj({ a: s })),
    head: request(obj({ a: s, b: s })),
    expect: [["schema.request-optional-property-added", "safe", `${REQ}/properties/b`]],
  },
  {
    name: "request: property removed is silently ignored",
    base: request(obj({ a: s, b: s })),
    head: request(obj({ a: s })),
    expect: [["schema.request-property-removed", "dangerous", `${REQ}/properties/b`]],
  },
  {
    name: "request: property removed from a closed object is rejected",
    base: request(obj({ a: s, b: s }, [], { additionalProperties: false })),
    head: request(obj({ a: s }, [], { additionalProperties: false })),
    expect: [["schema.request-property-removed-rejected", "breaking"]],
    counterExamples: true,
  },
  {
    name: "request: property became required",
    base: request(obj({ a: s, b: s }, ["a"])),
    head: request(obj({ a: s, b: s }, ["a", "b"])),
    expect: [["schema.request-property-became-required", "breaking", `${REQ}/properties/b`]],
    counterExamples: true,
  },
  {
    name: "request: property became optional",
    base: request(obj({ a: s, b: s }, ["a", "b"])),
    head: request(obj({ a: s, b: s }, ["a"])),
    expect: [["schema.request-property-became-optional", "safe"]],
  },
  {
    name: "response: required property removed",
    base: response(obj({ a: s, b: s }, ["a", "b"])),
    head: response(obj({ a: s }, ["a"])),
    expect: [["schema.response-required-property-removed", "breaking"]],
    counterExamples: true,
  },
  {
    name: "response: optional property removed",
    base: response(obj({ a: s, b: s }, ["a"])),
    head: response(obj({ a: s }, ["a"])),
    expect: [["schema.response-optional-property-removed", "dangerous"]],
  },
  {
    name: "response: property added",
    base: response(obj({ a: s })),
    head: response(obj({ a: s, b: s }, ["b"])),
    expect: [["schema.response-property-added", "safe", `${RES}/properties/b`]],
  },
  {
    name: "response: property added to a closed object",
    base: response(obj({ a: s }, [], { additionalProperties: false })),
    head: response(obj({ a: s, b: s }, [], { additionalProperties: false })),
    expect: [["schema.response-property-added-to-closed-object", "dangerous"]],
  },
  {
    name: "response: property became optional",
    base: response(obj({ a: s, b: s }, ["a", "b"])),
    head: response(obj({ a: s, b: s }, ["a"])),
    expect: [["schema.response-property-became-optional", "breaking"]],
    counterExamples: true,
  },
  {
    name: "response: property became required",
    base: response(obj({ a: s, b: s }, ["a"])),
    head: response(obj({ a: s, b: s }, ["a", "b"])),
    expect: [["schema.response-property-became-required", "safe"]],
  },
  {
    name: "request: readOnly properties are not part of requests",
    base: request(obj({ id: { ...s, readOnly: true }, a: s }, ["id"])),
    head: request(
      obj({ id: { ...s, readOnly: true }, a: s, created: { ...s, readOnly: true } }, ["id", "created"]),
    ),
    expect: [],
  },
  {
    name: "request: property became readOnly",
    base: request(obj({ a: s, b: s })),
    head: request(obj({ a: s, b: { ...s, readOnly: true } })),
    expect: [["schema.request-property-became-read-only", "dangerous"]],
  },
  {
    name: "request: readOnly lifted from a required property makes it a new required input",
    base: request(obj({ id: { ...s, readOnly: true }, a: s }, ["id"])),
    head: request(obj({ id: s, a: s }, ["id"])),
    expect: [["schema.request-required-property-added", "breaking", `${REQ}/properties/id`]],
    counterExamples: true,
  },
  {
    name: "response: property became writeOnly",
    base: response(obj({ a: s, secret: s }, ["a", "secret"])),
    head: response(obj({ a: s, secret: { ...s, writeOnly: true } }, ["a", "secret"])),
    expect: [["schema.response-property-became-write-only", "breaking"]],
    counterExamples: true,
  },
  {
    name: "request: additionalProperties closed",
    base: request(obj({ a: s })),
    head: request(obj({ a: s }, [], { additionalProperties: false })),
    expect: [["schema.request-additional-properties-closed", "breaking", `${REQ}/additionalProperties`]],
    counterExamples: true,
  },
  {
    name: "request: additionalProperties opened",
    base: request(obj({ a: s }, [], { additionalProperties: false })),
    head: request(obj({ a: s })),
    expect: [["schema.request-additional-properties-opened", "safe"]],
  },
  {
    name: "response: additionalProperties opened",
    base: response(obj({ a: s }, [], { additionalProperties: false })),
    head: response(obj({ a: s }, [], { additionalProperties: true })),
    expect: [["schema.response-additional-properties-opened", "dangerous"]],
  },
  {
    name: "response: additionalProperties closed",
    base: response(obj({ a: s })),
    head: response(obj({ a: s }, [], { additionalProperties: false })),
    expect: [["schema.response-additional-properties-closed", "safe"]],
  },
  {
    name: "request: map value type narrowed (additionalProperties schema)",
    base: request({ type: "object", additionalProperties: { type: "number" } }),
    head: request({ type: "object", additionalProperties: { type: "integer" } }),
    expect: [["schema.request-type-narrowed", "breaking", `${REQ}/additionalProperties`]],
    counterExamples: true,
  },
  {
    name: "request: nested property change reports the nested path",
    base: request(obj({ model: obj({ name: s, params: obj({ temperature: { type: "number" } }) }) })),
    head: request(
      obj({ model: obj({ name: s, params: obj({ temperature: { type: "number" }, seed: i }, ["seed"]) }) }),
    ),
    expect: [
      [
        "schema.request-required-property-added",
        "breaking",
        `${REQ}/properties/model/properties/params/properties/seed`,
      ],
    ],
    counterExamples: true,
  },
  {
    name: "property deprecated",
    base: request(obj({ a: s })),
    head: request(obj({ a: { ...s, deprecated: true } })),
    expect: [["schema.schema-deprecated", "safe", `${REQ}/properties/a`]],
  },
  {
    name: "request: default changed (temperature)",
    base: request(obj({ temperature: { type: "number", default: 0.7 } })),
    head: request(obj({ temperature: { type: "number", default: 1.0 } })),
    expect: [["schema.request-default-changed", "dangerous", `${REQ}/properties/temperature/default`]],
  },
  {
    name: "request: default added and removed",
    base: request(obj({ a: { ...i, default: 1 }, b: i })),
    head: request(obj({ a: i, b: { ...i, default: 2 } })),
    expect: [
      ["schema.request-default-removed", "dangerous"],
      ["schema.request-default-added", "safe"],
    ],
  },
  {
    name: "response: defaults are not judged",
    base: response(obj({ a: { ...i, default: 1 } })),
    head: response(obj({ a: { ...i, default: 2 } })),
    expect: [],
  },
];

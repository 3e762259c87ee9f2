/**
 * The other direction of each constraint family: loosening a request, tightening a response,
 * and the response-side breaks that mirror the request-side ones elsewhere in the corpus.
 */
import { type ApiCase, api, obj, request, response } from "./harness.js";

const prop = (schema: unknown) => obj({ v: schema }, ["v"]);
const req = (base: unknown, head: unknown) => ({ base: request(prop(base)), head: request(prop(head)) });
const res = (base: unknown, head: unknown) => ({ base: response(prop(base)), head: response(prop(head)) });
const s = { type: "string" };
const arr = { type: "array", items: { type: "integer" } };

export const MIRROR_CASES: ApiCase[] = [
  {
    name: "request: format removed",
    ...req({ ...s, format: "email" }, s),
    expect: [["schema.request-format-removed", "safe"]],
  },
  {
    name: "request: enum removed",
    ...req({ ...s, enum: ["a"] }, s),
    expect: [["schema.request-enum-removed", "safe"]],
  },
  {
    name: "request: minimum lowered",
    ...req({ type: "integer", minimum: 5 }, { type: "integer", minimum: 0 }),
    expect: [["schema.request-minimum-decreased", "safe"]],
  },
  {
    name: "request: minLength lowered",
    ...req({ ...s, minLength: 5 }, { ...s, minLength: 1 }),
    expect: [["schema.request-min-length-decreased", "safe"]],
  },
  {
    name: "request: maxLength removed",
    ...req({ ...s, maxLength: 5 }, s),
    expect: [["schema.request-max-length-increased", "safe"]],
  },
  {
    name: "request: minItems lowered",
    ...req({ ...arr, minItems: 2 }, arr),
    expect: [["schema.request-min-items-decreased", "safe"]],
  },
  {
    name: "request: minProperties raised",
    ...req({ type: "object" }, { type: "object", minProperties: 2 }),
    expect: [["schema.request-min-properties-increased", "breaking"]],
    counterExamples: true,
  },
  {
    name: "request: minProperties lowered and maxProperties raised",
    ...req(
      { type: "object", minProperties: 2, maxProperties: 3 },
      { type: "object", minProperties: 1, maxProperties: 5 },
    ),
    expect: [
      ["schema.request-min-properties-decreased", "safe"],
      ["schema.request-max-properties-increased", "safe"],
    ],
  },
  {
    name: "request: uniqueItems removed",
    ...req({ ...arr, uniqueItems: true }, arr),
    expect: [["schema.request-unique-items-removed", "safe"]],
  },
  {
    name: "request: anyOf variant added",
    ...req({ anyOf: [s] }, { anyOf: [s, { type: "integer" }] }),
    expect: [
      ["schema.request-type-widened", "safe"],
      ["schema.request-any-of-variant-added", "safe"],
    ],
  },
  {
    name: "request: allOf member removed",
    base: request({ allOf: [obj({ a: s }), obj({ b: s }, ["b"])] }),
    head: request({ allOf: [obj({ a: s })] }),
    expect: [["schema.request-all-of-member-removed", "safe"]],
  },
  {
    name: "request: discriminator property renamed",
    base: request({ type: "object", discriminator: { propertyName: "kind" }, properties: { kind: s } }),
    head: request({ type: "object", discriminator: { propertyName: "type" }, properties: { kind: s } }),
    expect: [["schema.request-discriminator-changed", "breaking"]],
  },
  {
    name: "request: discriminator value added",
    base: request({ type: "object", discriminator: { propertyName: "kind", mapping: { a: "#/x" } } }),
    head: request({
      type: "object",
      discriminator: { propertyName: "kind", mapping: { a: "#/x", b: "#/y" } },
    }),
    expect: [["schema.request-discriminator-mapping-added", "safe"]],
  },
  {
    name: "response: format changed",
    ...res({ ...s, format: "date" }, { ...s, format: "date-time" }),
    expect: [["schema.response-format-changed", "breaking"]],
    counterExamples: true,
  },
  {
    name: "response: format narrowed int64 to int32",
    ...res({ type: "integer", format: "int64" }, { type: "integer", format: "int32" }),
    expect: [["schema.response-format-narrowed", "safe"]],
  },
  {
    name: "response: enum added",
    ...res(s, { ...s, enum: ["a", "b"] }),
    expect: [["schema.response-enum-added", "safe"]],
  },
  {
    name: "response: minimum lowered",
    ...res({ type: "integer", minimum: 1 }, { type: "integer", minimum: 0 }),
    expect: [["schema.response-minimum-decreased", "breaking"]],
    counterExamples: true,
  },
  {
    name: "response: maximum lowered",
    ...res({ type: "integer", maximum: 10 }, { type: "integer", maximum: 5 }),
    expect: [["schema.response-maximum-decreased", "safe"]],
  },
  {
    name: "response: minLength lowered (may now be empty)",
    ...res({ ...s, minLength: 1 }, s),
    expect: [["schema.response-min-length-decreased", "breaking"]],
    counterExamples: true,
  },
  {
    name: "response: minLength raised and maxLength lowered",
    ...res({ ...s, minLength: 1, maxLength: 10 }, { ...s, minLength: 2, maxLength: 8 }),
    expect: [
      ["schema.response-min-length-increased", "safe"],
      ["schema.response-max-length-decreased", "safe"],
    ],
  },
  {
    name: "response: maxItems lowered",
    ...res({ ...arr, maxItems: 10 }, { ...arr, maxItems: 5 }),
    expect: [["schema.response-max-items-decreased", "safe"]],
  },
  {
    name: "response: minProperties lowered and maxProperties raised",
    ...res({ type: "object", minProperties: 1, maxProperties: 2 }, { type: "object", maxProperties: 4 }),
    expect: [
      ["schema.response-min-properties-decreased", "breaking"],
      ["schema.response-max-properties-increased", "breaking"],
    ],
    counterExamples: true,
  },
  {
    name: "response: minProperties raised and maxProperties lowered",
    ...res(
      { type: "object", minProperties: 1, maxProperties: 4 },
      { type: "object", minProperties: 2, maxProperties: 3 },
    ),
    expect: [
      ["schema.response-min-properties-increased", "safe"],
      ["schema.response-max-properties-decreased", "safe"],
    ],
  },
  {
    name: "response: multipleOf finer",
    ...res({ type: "number", multipleOf: 1 }, { type: "number", multipleOf: 0.5 }),
    expect: [["schema.response-multiple-of-widened", "breaking"]],
    counterExamples: true,
  },
  {
    name: "response: multipleOf coarser",
    ...res({ type: "number", multipleOf: 0.5 }, { type: "number", multipleOf: 1 }),
    expect: [["schema.response-multiple-of-narrowed", "safe"]],
  },
  {
    name: "response: pattern changed with nothing found that it newly allows",
    ...res({ ...s, pattern: "^[a-z]+$" }, { ...s, pattern: "^[a-z]{2}$" }),
    expect: [["schema.response-pattern-changed", "dangerous"]],
  },
  {
    name: "response: pattern added and another removed",
    base: response(obj({ a: { ...s }, b: { ...s, pattern: "^x" } }, ["a", "b"])),
    head: response(obj({ a: { ...s, pattern: "^x" }, b: { ...s } }, ["a", "b"])),
    expect: [
      ["schema.response-pattern-added", "safe"],
      ["schema.response-pattern-removed", "dangerous"],
    ],
  },
  {
    name: "response: uniqueItems added",
    ...res(arr, { ...arr, uniqueItems: true }),
    expect: [["schema.response-unique-items-added", "safe"]],
  },
  {
    name: "response: anyOf variant added and removed",
    base: response(obj({ a: { anyOf: [s, { type: "integer" }] }, b: { anyOf: [s] } }, ["a", "b"])),
    head: response(obj({ a: { anyOf: [s] }, b: { anyOf: [s, { type: "boolean" }] } }, ["a", "b"])),
    expect: [
      ["schema.response-type-narrowed", "safe"],
      ["schema.response-any-of-variant-removed", "safe"],
      ["schema.response-type-widened", "breaking"],
      ["schema.response-any-of-variant-added", "dangerous"],
    ],
    counterExamples: true,
  },
  {
    name: "response: allOf member added",
    base: response({ allOf: [obj({ a: s })] }),
    head: response({ allOf: [obj({ a: s }), obj({ b: s })] }),
    expect: [["schema.response-all-of-member-added", "safe"]],
  },
  {
    name: "response: discriminator value removed",
    base: response({
      type: "object",
      discriminator: { propertyName: "kind", mapping: { a: "#/x", b: "#/y" } },
    }),
    head: response({ type: "object", discriminator: { propertyName: "kind", mapping: { a: "#/x" } } }),
    expect: [["schema.response-discriminator-mapping-removed", "safe"]],
  },
  {
    name: "response: a keyword the rules do not model changed",
    ...res(
      { type: "object", dependentRequired: { a: ["b"] } },
      { type: "object", dependentRequired: { a: ["c"] } },
    ),
    expect: [["schema.response-schema-keyword-changed", "dangerous"]],
  },
  {
    name: "response header became required",
    base: api({
      paths: {
        "/x": { get: { responses: { "200": { description: "ok", headers: { ETag: { schema: s } } } } } },
      },
    }),
    head: api({
      paths: {
        "/x": {
          get: {
            responses: { "200": { description: "ok", headers: { ETag: { schema: s, required: true } } } },
          },
        },
      },
    }),
    expect: [["openapi.response-header-became-required", "safe"]],
  },
  {
    name: "OAuth flow removed from a security scheme",
    base: api({
      components: {
        securitySchemes: {
          oauth: {
            type: "oauth2",
            flows: {
              clientCredentials: { tokenUrl: "https://a.example.com/t", scopes: {} },
              password: { tokenUrl: "https://a.example.com/t", scopes: {} },
            },
          },
        },
      },
    }),
    head: api({
      components: {
        securitySchemes: {
          oauth: {
            type: "oauth2",
            flows: { clientCredentials: { tokenUrl: "https://a.example.com/t", scopes: {} } },
          },
        },
      },
    }),
    expect: [["openapi.security-scheme-flow-removed", "breaking"]],
  },
];

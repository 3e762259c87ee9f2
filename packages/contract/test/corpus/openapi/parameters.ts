import { type ApiCase, GET, params } from "./harness.js";

const q = (name: string, more: Record<string, unknown> = {}) => ({
  name,
  in: "query",
  schema: { type: "integer" },
  ...more,
});

export const PARAMETER_CASES: ApiCase[] = [
  {
    name: "required query parameter added",
    base: params([]),
    head: params([q("limit", { required: true })]),
    expect: [["openapi.request-required-parameter-added", "breaking", `${GET}/parameters/query/limit`]],
    counterExamples: true,
  },
  {
    name: "optional query parameter added",
    base: params([]),
    head: params([q("limit")]),
    expect: [["openapi.request-optional-parameter-added", "safe", `${GET}/parameters/query/limit`]],
  },
  {
    name: "query parameter removed",
    base: params([q("limit")]),
    head: params([]),
    expect: [["openapi.request-parameter-removed", "dangerous", `${GET}/parameters/query/limit`]],
  },
  {
    name: "parameter became required",
    base: params([q("limit")]),
    head: params([q("limit", { required: true })]),
    expect: [["openapi.request-parameter-became-required", "breaking"]],
    counterExamples: true,
  },
  {
    name: "parameter became optional",
    base: params([q("limit", { required: true })]),
    head: params([q("limit")]),
    expect: [["openapi.request-parameter-became-optional", "safe"]],
  },
  {
    name: "parameter moved from query to header",
    base: params([q("X-Trace", { required: true })]),
    head: params([{ name: "X-Trace", in: "header", required: true, schema: { type: "integer" } }]),
    expect: [["openapi.request-parameter-moved", "breaking", `${GET}/parameters/query/X-Trace`]],
    counterExamples: true,
  },
  {
    name: "header names are case-insensitive",
    base: params([{ name: "X-Trace", in: "header", schema: { type: "string" } }]),
    head: params([{ name: "x-trace", in: "header", schema: { type: "string" } }]),
    expect: [],
  },
  {
    name: "array parameter serialisation changed (explode)",
    base: params([{ name: "ids", in: "query", schema: { type: "array", items: { type: "string" } } }]),
    head: params([
      { name: "ids", in: "query", explode: false, schema: { type: "array", items: { type: "string" } } },
    ]),
    expect: [["openapi.request-parameter-serialization-changed", "breaking"]],
  },
  {
    name: "parameter deprecated",
    base: params([q("limit")]),
    head: params([q("limit", { deprecated: true })]),
    expect: [["openapi.parameter-deprecated", "safe"]],
  },
  {
    name: "parameter schema narrowed: maximum lowered",
    base: params([{ name: "limit", in: "query", schema: { type: "integer", maximum: 100 } }]),
    head: params([{ name: "limit", in: "query", schema: { type: "integer", maximum: 50 } }]),
    expect: [
      ["schema.request-maximum-decreased", "breaking", `${GET}/parameters/query/limit/schema/maximum`],
    ],
    counterExamples: true,
  },
  {
    name: "parameter enum value removed",
    base: params([
      { name: "sort", in: "query", schema: { type: "string", enum: ["asc", "desc", "random"] } },
    ]),
    head: params([{ name: "sort", in: "query", schema: { type: "string", enum: ["asc", "desc"] } }]),
    expect: [["schema.request-enum-value-removed", "breaking", `${GET}/parameters/query/sort/schema/enum`]],
    counterExamples: true,
  },
  {
    name: "parameter type widened from integer to number",
    base: params([q("limit")]),
    head: params([{ name: "limit", in: "query", schema: { type: "number" } }]),
    expect: [["schema.request-type-widened", "safe"]],
  },
  {
    name: "parameter via $ref, moved to components: same parameter",
    base: params([q("limit")]),
    head: {
      ...params([{ $ref: "#/components/parameters/Limit" }]),
      components: { parameters: { Limit: q("limit") } },
    },
    expect: [],
  },
  {
    name: "path-level parameter shared by every method",
    base: {
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      paths: { "/x": { parameters: [q("page")], get: { responses: { "200": { description: "ok" } } } } },
    },
    head: {
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      paths: {
        "/x": {
          parameters: [q("page", { required: true })],
          get: { responses: { "200": { description: "ok" } } },
        },
      },
    },
    expect: [["openapi.request-parameter-became-required", "breaking"]],
    counterExamples: true,
  },
];

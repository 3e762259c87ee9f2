import { type ApiCase, api, GET, obj, RES, response } from "./harness.js";

const get = (responses: Record<string, unknown>) => api({ paths: { "/x": { get: { responses } } } });
const json = (schema: unknown) => ({ "application/json": { schema } });
const header = (schema: unknown, more: Record<string, unknown> = {}) => ({ schema, ...more });

export const RESPONSE_CASES: ApiCase[] = [
  {
    name: "success status removed",
    base: get({ "200": { description: "ok" }, "201": { description: "created" } }),
    head: get({ "200": { description: "ok" } }),
    expect: [["openapi.response-success-status-removed", "breaking", `${GET}/responses/201`]],
  },
  {
    name: "success status changed from 200 to 202",
    base: get({ "200": { description: "ok" } }),
    head: get({ "202": { description: "accepted" } }),
    expect: [
      ["openapi.response-success-status-removed", "breaking"],
      ["openapi.response-success-status-added", "dangerous"],
    ],
  },
  {
    name: "error status removed",
    base: get({ "200": { description: "ok" }, "404": { description: "missing" } }),
    head: get({ "200": { description: "ok" } }),
    expect: [["openapi.response-error-status-removed", "safe"]],
  },
  {
    name: "error status and default added",
    base: get({ "200": { description: "ok" } }),
    head: get({
      "200": { description: "ok" },
      "429": { description: "slow down" },
      default: { description: "error" },
    }),
    expect: [
      ["openapi.response-error-status-added", "safe", `${GET}/responses/429`],
      ["openapi.response-error-status-added", "safe", `${GET}/responses/default`],
    ],
  },
  {
    name: "status ranges are their own keys",
    base: get({ "2XX": { description: "ok" } }),
    head: get({ "2xx": { description: "ok" } }),
    expect: [],
  },
  {
    name: "response media type removed",
    base: get({
      "200": {
        description: "ok",
        content: { ...json({ type: "object" }), "text/csv": { schema: { type: "string" } } },
      },
    }),
    head: get({ "200": { description: "ok", content: json({ type: "object" }) } }),
    expect: [["openapi.response-media-type-removed", "breaking", `${GET}/responses/200/content/text~1csv`]],
  },
  {
    name: "response media type added",
    base: get({ "200": { description: "ok", content: json({ type: "object" }) } }),
    head: get({
      "200": {
        description: "ok",
        content: { ...json({ type: "object" }), "application/x-ndjson": { schema: { type: "string" } } },
      },
    }),
    expect: [["openapi.response-media-type-added", "safe"]],
  },
  {
    name: "required response header removed",
    base: get({
      "200": {
        description: "ok",
        headers: { "X-Rate-Limit": header({ type: "integer" }, { required: true }) },
      },
    }),
    head: get({ "200": { description: "ok" } }),
    expect: [
      ["openapi.response-required-header-removed", "breaking", `${GET}/responses/200/headers/X-Rate-Limit`],
    ],
    counterExamples: true,
  },
  {
    name: "optional response header removed",
    base: get({ "200": { description: "ok", headers: { "X-Request-Id": header({ type: "string" }) } } }),
    head: get({ "200": { description: "ok" } }),
    expect: [["openapi.response-optional-header-removed", "dangerous"]],
  },
  {
    name: "response header became optional",
    base: get({
      "200": { description: "ok", headers: { ETag: header({ type: "string" }, { required: true }) } },
    }),
    head: get({ "200": { description: "ok", headers: { ETag: header({ type: "string" }) } } }),
    expect: [["openapi.response-header-became-optional", "breaking"]],
    counterExamples: true,
  },
  {
    name: "response header added and another deprecated",
    base: get({ "200": { description: "ok", headers: { ETag: header({ type: "string" }) } } }),
    head: get({
      "200": {
        description: "ok",
        headers: {
          ETag: header({ type: "string" }, { deprecated: true }),
          "X-New": header({ type: "string" }),
        },
      },
    }),
    expect: [
      ["openapi.header-deprecated", "safe"],
      ["openapi.response-header-added", "safe"],
    ],
  },
  {
    name: "response header type widened",
    base: get({ "200": { description: "ok", headers: { "X-Count": header({ type: "integer" }) } } }),
    head: get({ "200": { description: "ok", headers: { "X-Count": header({ type: "number" }) } } }),
    expect: [["schema.response-type-widened", "breaking", `${GET}/responses/200/headers/X-Count/schema`]],
    counterExamples: true,
  },
  {
    name: "response property removed is reported with the response path",
    base: response(obj({ id: { type: "string" }, name: { type: "string" } }, ["id", "name"])),
    head: response(obj({ id: { type: "string" } }, ["id"])),
    expect: [["schema.response-required-property-removed", "breaking", `${RES}/properties/name`]],
    counterExamples: true,
  },
];

import type { ApiCase } from "./harness.js";

function swagger(
  paths: Record<string, unknown>,
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    swagger: "2.0",
    info: { title: "t", version: "1.0.0" },
    host: "api.example.com",
    basePath: "/v1",
    paths,
    ...more,
  };
}

const ok = { "200": { description: "ok" } };

export const SWAGGER2_CASES: ApiCase[] = [
  {
    name: "2.0: body parameter gains a required property",
    base: swagger(
      {
        "/pets": {
          post: {
            parameters: [{ in: "body", name: "pet", required: true, schema: { $ref: "#/definitions/Pet" } }],
            responses: ok,
          },
        },
      },
      { definitions: { Pet: { type: "object", properties: { name: { type: "string" } } } } },
    ),
    head: swagger(
      {
        "/pets": {
          post: {
            parameters: [{ in: "body", name: "pet", required: true, schema: { $ref: "#/definitions/Pet" } }],
            responses: ok,
          },
        },
      },
      {
        definitions: {
          Pet: {
            type: "object",
            required: ["tag"],
            properties: { name: { type: "string" }, tag: { type: "string" } },
          },
        },
      },
    ),
    expect: [["schema.request-required-property-added", "breaking", "/definitions/Pet/properties/tag"]],
    counterExamples: true,
  },
  {
    name: "2.0: consumes drops a media type",
    base: swagger({
      "/pets": {
        post: {
          consumes: ["application/json", "application/xml"],
          parameters: [{ in: "body", name: "p", schema: { type: "object" } }],
          responses: ok,
        },
      },
    }),
    head: swagger({
      "/pets": {
        post: {
          consumes: ["application/json"],
          parameters: [{ in: "body", name: "p", schema: { type: "object" } }],
          responses: ok,
        },
      },
    }),
    expect: [["openapi.request-media-type-removed", "breaking"]],
  },
  {
    name: "2.0: formData field became required",
    base: swagger({
      "/upload": {
        post: {
          parameters: [
            { in: "formData", name: "note", type: "string" },
            { in: "formData", name: "size", type: "integer" },
          ],
          responses: ok,
        },
      },
    }),
    head: swagger({
      "/upload": {
        post: {
          parameters: [
            { in: "formData", name: "note", type: "string", required: true },
            { in: "formData", name: "size", type: "integer" },
          ],
          responses: ok,
        },
      },
    }),
    expect: [
      ["openapi.request-body-became-required", "breaking"],
      ["schema.request-property-became-required", "breaking"],
    ],
  },
  {
    name: "2.0: query parameter enum value removed",
    base: swagger({
      "/pets": {
        get: {
          parameters: [{ in: "query", name: "status", type: "string", enum: ["available", "sold"] }],
          responses: ok,
        },
      },
    }),
    head: swagger({
      "/pets": {
        get: {
          parameters: [{ in: "query", name: "status", type: "string", enum: ["available"] }],
          responses: ok,
        },
      },
    }),
    expect: [["schema.request-enum-value-removed", "breaking"]],
    counterExamples: true,
  },
  {
    name: "2.0: response schema property removed",
    base: swagger({
      "/pets": {
        get: {
          produces: ["application/json"],
          responses: {
            "200": {
              description: "ok",
              schema: { type: "object", required: ["id"], properties: { id: { type: "integer" } } },
            },
          },
        },
      },
    }),
    head: swagger({
      "/pets": {
        get: {
          produces: ["application/json"],
          responses: { "200": { description: "ok", schema: { type: "object", properties: {} } } },
        },
      },
    }),
    expect: [["schema.response-required-property-removed", "breaking"]],
    counterExamples: true,
  },
  {
    name: "2.0: x-nullable added to a response field",
    base: swagger({
      "/pets": {
        get: {
          responses: {
            "200": { description: "ok", schema: { type: "object", properties: { tag: { type: "string" } } } },
          },
        },
      },
    }),
    head: swagger({
      "/pets": {
        get: {
          responses: {
            "200": {
              description: "ok",
              schema: { type: "object", properties: { tag: { type: "string", "x-nullable": true } } },
            },
          },
        },
      },
    }),
    expect: [["schema.response-nullable-added", "breaking"]],
    counterExamples: true,
  },
  {
    name: "2.0: collectionFormat changed",
    base: swagger({
      "/pets": {
        get: {
          parameters: [
            { in: "query", name: "ids", type: "array", items: { type: "string" }, collectionFormat: "csv" },
          ],
          responses: ok,
        },
      },
    }),
    head: swagger({
      "/pets": {
        get: {
          parameters: [
            { in: "query", name: "ids", type: "array", items: { type: "string" }, collectionFormat: "multi" },
          ],
          responses: ok,
        },
      },
    }),
    expect: [["openapi.request-parameter-serialization-changed", "breaking"]],
  },
  {
    name: "2.0: basePath changed",
    base: swagger({ "/pets": { get: { responses: ok } } }),
    head: swagger({ "/pets": { get: { responses: ok } } }, { basePath: "/v2" }),
    expect: [
      ["openapi.server-removed", "dangerous"],
      ["openapi.server-added", "safe"],
    ],
  },
  {
    name: "2.0 migrated to 3.0 with the same meaning",
    base: swagger(
      {
        "/pets": {
          get: {
            produces: ["application/json"],
            parameters: [{ in: "query", name: "limit", type: "integer", maximum: 50 }],
            responses: { "200": { description: "ok", schema: { $ref: "#/definitions/Pets" } } },
          },
        },
      },
      { definitions: { Pets: { type: "array", items: { type: "string" } } } },
    ),
    head: {
      openapi: "3.0.3",
      info: { title: "t", version: "1.0.0" },
      servers: [{ url: "https://api.example.com/v1" }],
      paths: {
        "/pets": {
          get: {
            parameters: [{ in: "query", name: "limit", schema: { type: "integer", maximum: 50 } }],
            responses: {
              "200": {
                description: "ok",
                content: { "application/json": { schema: { $ref: "#/components/schemas/Pets" } } },
              },
            },
          },
        },
      },
      components: { schemas: { Pets: { type: "array", items: { type: "string" } } } },
    },
    expect: [],
  },
];

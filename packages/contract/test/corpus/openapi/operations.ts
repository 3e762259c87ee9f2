import { type ApiCase, api, GET } from "./harness.js";

const ok = { responses: { "200": { description: "ok" } } };

export const OPERATION_CASES: ApiCase[] = [
  {
    name: "identical descriptions: no changes",
    base: api({ paths: { "/x": { get: ok } } }),
    head: api({ paths: { "/x": { get: ok } } }),
    expect: [],
  },
  {
    name: "descriptions, summaries and examples change nothing",
    base: api({ paths: { "/x": { get: { summary: "a", description: "b", ...ok } } } }),
    head: api({ paths: { "/x": { get: { summary: "c", description: "d", ...ok } } } }),
    expect: [],
  },
  {
    name: "operation removed",
    base: api({ paths: { "/x": { get: ok, delete: ok } } }),
    head: api({ paths: { "/x": { get: ok } } }),
    expect: [["openapi.operation-removed", "breaking", "/paths/~1x/delete"]],
  },
  {
    name: "whole path removed",
    base: api({ paths: { "/x": { get: ok }, "/y": { get: ok, post: ok } } }),
    head: api({ paths: { "/x": { get: ok } } }),
    expect: [
      ["openapi.operation-removed", "breaking", "/paths/~1y/get"],
      ["openapi.operation-removed", "breaking", "/paths/~1y/post"],
    ],
  },
  {
    name: "deprecated operation removed is dangerous",
    base: api({ paths: { "/x": { get: ok, delete: { deprecated: true, ...ok } } } }),
    head: api({ paths: { "/x": { get: ok } } }),
    expect: [["openapi.deprecated-operation-removed", "dangerous", "/paths/~1x/delete"]],
  },
  {
    name: "operation added",
    base: api({ paths: { "/x": { get: ok } } }),
    head: api({ paths: { "/x": { get: ok }, "/y": { put: ok } } }),
    expect: [["openapi.operation-added", "safe", "/paths/~1y/put"]],
  },
  {
    name: "operation deprecated",
    base: api({ paths: { "/x": { get: ok } } }),
    head: api({ paths: { "/x": { get: { deprecated: true, ...ok } } } }),
    expect: [["openapi.operation-deprecated", "safe", `${GET}/deprecated`]],
  },
  {
    name: "operationId changed",
    base: api({ paths: { "/x": { get: { operationId: "getX", ...ok } } } }),
    head: api({ paths: { "/x": { get: { operationId: "fetchX", ...ok } } } }),
    expect: [["openapi.operation-id-changed", "dangerous", `${GET}/operationId`]],
  },
  {
    name: "operationId removed and added",
    base: api({ paths: { "/x": { get: { operationId: "getX", ...ok } }, "/y": { get: ok } } }),
    head: api({ paths: { "/x": { get: ok }, "/y": { get: { operationId: "getY", ...ok } } } }),
    expect: [
      ["openapi.operation-id-removed", "dangerous"],
      ["openapi.operation-id-added", "safe"],
    ],
  },
  {
    name: "path parameter renamed: same route",
    base: api({
      paths: {
        "/users/{id}": {
          get: {
            parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
            ...ok,
          },
        },
      },
    }),
    head: api({
      paths: {
        "/users/{userId}": {
          get: {
            parameters: [{ name: "userId", in: "path", required: true, schema: { type: "string" } }],
            ...ok,
          },
        },
      },
    }),
    expect: [["openapi.path-parameter-renamed", "safe"]],
  },
  {
    name: "server removed and added",
    base: api({ servers: [{ url: "https://api.example.com/v1" }], paths: { "/x": { get: ok } } }),
    head: api({ servers: [{ url: "https://api.example.com/v2" }], paths: { "/x": { get: ok } } }),
    expect: [
      ["openapi.server-removed", "dangerous", "/servers/https:~1~1api.example.com~1v1"],
      ["openapi.server-added", "safe"],
    ],
  },
  {
    name: "path item moved behind a $ref: same operations",
    base: api({ paths: { "/x": { get: ok } } }),
    head: api({ paths: { "/x": { $ref: "#/x-items/x" } }, "x-items": { x: { get: ok } } }),
    expect: [],
  },
  {
    name: "3.0 to 3.1 with the same meaning changes nothing",
    base: api({ paths: { "/x": { get: ok } } }, "3.0"),
    head: api({ paths: { "/x": { get: ok } } }, "3.1"),
    expect: [],
    yaml: true,
  },
];

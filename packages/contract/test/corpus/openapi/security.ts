import { type ApiCase, api } from "./harness.js";

const schemes = {
  apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
  oauth: {
    type: "oauth2",
    flows: {
      clientCredentials: { tokenUrl: "https://auth.example.com/token", scopes: { read: "", write: "" } },
    },
  },
  basic: { type: "http", scheme: "basic" },
};

function secured(
  security: unknown,
  securitySchemes: Record<string, unknown> = schemes,
): Record<string, unknown> {
  return api({
    components: { securitySchemes },
    paths: {
      "/x": {
        get: { ...(security === undefined ? {} : { security }), responses: { "200": { description: "ok" } } },
      },
    },
  });
}

export const SECURITY_CASES: ApiCase[] = [
  {
    name: "anonymous access removed",
    base: secured(undefined),
    head: secured([{ apiKey: [] }]),
    expect: [["openapi.security-requirement-removed", "breaking", "/paths/~1x/get/security"]],
  },
  {
    name: "an alternative way to authenticate added",
    base: secured([{ apiKey: [] }]),
    head: secured([{ apiKey: [] }, { oauth: ["read"] }]),
    expect: [["openapi.security-requirement-added", "safe"]],
  },
  {
    name: "an alternative removed",
    base: secured([{ apiKey: [] }, { oauth: ["read"] }]),
    head: secured([{ oauth: ["read"] }]),
    expect: [["openapi.security-requirement-removed", "breaking"]],
  },
  {
    name: "scope added to a requirement",
    base: secured([{ oauth: ["read"] }]),
    head: secured([{ oauth: ["read", "write"] }]),
    expect: [["openapi.security-scope-added", "breaking"]],
  },
  {
    name: "scope removed from a requirement",
    base: secured([{ oauth: ["read", "write"] }]),
    head: secured([{ oauth: ["read"] }]),
    expect: [["openapi.security-scope-removed", "safe"]],
  },
  {
    name: "a second scheme now required on top (AND)",
    base: secured([{ apiKey: [] }]),
    head: secured([{ apiKey: [], basic: [] }]),
    expect: [["openapi.security-requirement-removed", "breaking"]],
  },
  {
    name: "document-level security applies when the operation has none",
    base: api({
      components: { securitySchemes: schemes },
      security: [{ apiKey: [] }],
      paths: { "/x": { get: { responses: { "200": { description: "ok" } } } } },
    }),
    head: api({
      components: { securitySchemes: schemes },
      security: [{ apiKey: [] }],
      paths: { "/x": { get: { security: [{ apiKey: [] }], responses: { "200": { description: "ok" } } } } },
    }),
    expect: [],
  },
  {
    name: "API key moved from header to query",
    base: secured([{ apiKey: [] }]),
    head: secured([{ apiKey: [] }], { ...schemes, apiKey: { type: "apiKey", in: "query", name: "api_key" } }),
    expect: [["openapi.security-scheme-location-changed", "breaking", "/components/securitySchemes/apiKey"]],
  },
  {
    name: "security scheme kind changed from basic to bearer",
    base: secured([{ basic: [] }]),
    head: secured([{ basic: [] }], { ...schemes, basic: { type: "http", scheme: "bearer" } }),
    expect: [["openapi.security-scheme-type-changed", "breaking"]],
  },
  {
    name: "OAuth scope and token URL changed in the scheme",
    base: secured([{ oauth: ["read"] }]),
    head: secured([{ oauth: ["read"] }], {
      ...schemes,
      oauth: {
        type: "oauth2",
        flows: { clientCredentials: { tokenUrl: "https://login.example.com/token", scopes: { read: "" } } },
      },
    }),
    expect: [
      ["openapi.security-scheme-scope-removed", "breaking"],
      ["openapi.security-scheme-url-changed", "dangerous"],
    ],
  },
  {
    name: "security scheme added and another removed",
    base: secured([{ apiKey: [] }], { apiKey: schemes.apiKey, basic: schemes.basic }),
    head: secured([{ apiKey: [] }], { apiKey: schemes.apiKey, oauth: schemes.oauth }),
    expect: [
      ["openapi.security-scheme-removed", "dangerous"],
      ["openapi.security-scheme-added", "safe"],
    ],
  },
];

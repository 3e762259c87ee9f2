import { type ApiCase, api, obj, POST, REQ, request } from "./harness.js";

const ok = { responses: { "200": { description: "ok" } } };
const json = (schema: unknown) => ({ "application/json": { schema } });
const post = (requestBody?: unknown) =>
  api({ paths: { "/x": { post: { ...(requestBody ? { requestBody } : {}), ...ok } } } });

export const BODY_CASES: ApiCase[] = [
  {
    name: "required request body added",
    base: post(),
    head: post({ required: true, content: json(obj({ a: { type: "string" } })) }),
    expect: [["openapi.request-required-body-added", "breaking", `${POST}/requestBody`]],
    counterExamples: true,
  },
  {
    name: "optional request body added",
    base: post(),
    head: post({ content: json(obj({ a: { type: "string" } })) }),
    expect: [["openapi.request-body-added", "safe"]],
  },
  {
    name: "request body removed",
    base: post({ content: json({ type: "object" }) }),
    head: post(),
    expect: [["openapi.request-body-removed", "dangerous"]],
  },
  {
    name: "request body became required",
    base: post({ content: json({ type: "object" }) }),
    head: post({ required: true, content: json({ type: "object" }) }),
    expect: [["openapi.request-body-became-required", "breaking"]],
    counterExamples: true,
  },
  {
    name: "request body became optional",
    base: post({ required: true, content: json({ type: "object" }) }),
    head: post({ content: json({ type: "object" }) }),
    expect: [["openapi.request-body-became-optional", "safe"]],
  },
  {
    name: "request media type removed",
    base: post({
      required: true,
      content: { ...json({ type: "object" }), "application/xml": { schema: { type: "object" } } },
    }),
    head: post({ required: true, content: json({ type: "object" }) }),
    expect: [
      ["openapi.request-media-type-removed", "breaking", `${POST}/requestBody/content/application~1xml`],
    ],
    counterExamples: true,
  },
  {
    name: "request media type added",
    base: post({ required: true, content: json({ type: "object" }) }),
    head: post({
      required: true,
      content: {
        ...json({ type: "object" }),
        "application/x-www-form-urlencoded": { schema: { type: "object" } },
      },
    }),
    expect: [["openapi.request-media-type-added", "safe"]],
  },
  {
    name: "media type parameters and case do not matter",
    base: post({
      required: true,
      content: { "application/json; charset=utf-8": { schema: { type: "object" } } },
    }),
    head: post({ required: true, content: { "Application/JSON": { schema: { type: "object" } } } }),
    expect: [],
  },
  {
    name: "request body schema moved into components: same schema",
    base: request(obj({ a: { type: "string" } }, ["a"])),
    head: request({ $ref: "#/components/schemas/A" }, "3.0", {
      components: { schemas: { A: obj({ a: { type: "string" } }, ["a"]) } },
    }),
    expect: [],
  },
  {
    name: "changes in a shared request schema are reported at the component",
    base: request({ $ref: "#/components/schemas/A" }, "3.0", {
      components: { schemas: { A: obj({ a: { type: "string" } }) } },
    }),
    head: request({ $ref: "#/components/schemas/A" }, "3.0", {
      components: { schemas: { A: obj({ a: { type: "string" }, b: { type: "string" } }, ["b"]) } },
    }),
    expect: [["schema.request-required-property-added", "breaking", "/components/schemas/A/properties/b"]],
    counterExamples: true,
  },
  {
    name: "inline request schema path",
    base: request(obj({ a: { type: "string" } })),
    head: request(obj({ a: { type: "string" }, b: { type: "string" } })),
    expect: [["schema.request-optional-property-added", "safe", `${REQ}/properties/b`]],
  },
];

/**
 * Labelled OpenAPI change pairs: a small base and head description and every change the engine
 * must report (full rule id, level and, when given, the path). Builders keep each case to the
 * part that changes.
 */
export type Level = "breaking" | "dangerous" | "safe";
export type Expected = [rule: string, level: Level, path?: string];

export interface ApiCase {
  name: string;
  base: unknown;
  head: unknown;
  expect: Expected[];
  /** Every breaking change of this case must come with a verified counter-example. */
  counterExamples?: boolean;
  /** Serialise as YAML instead of JSON (both are read the same way). */
  yaml?: boolean;
}

export type Version = "3.0" | "3.1";

const OPENAPI: Record<Version, string> = { "3.0": "3.0.3", "3.1": "3.1.0" };

export function api(fields: Record<string, unknown> = {}, version: Version = "3.0"): Record<string, unknown> {
  return { openapi: OPENAPI[version], info: { title: "t", version: "1.0.0" }, paths: {}, ...fields };
}

/** POST /x taking `schema` as a required JSON body. */
export function request(
  schema: unknown,
  version: Version = "3.0",
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return api(
    {
      paths: {
        "/x": {
          post: {
            requestBody: { required: true, content: { "application/json": { schema } } },
            responses: { "200": { description: "ok" } },
          },
        },
      },
      ...extra,
    },
    version,
  );
}

/** GET /x answering `schema` as JSON with 200. */
export function response(
  schema: unknown,
  version: Version = "3.0",
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return api(
    {
      paths: {
        "/x": {
          get: { responses: { "200": { description: "ok", content: { "application/json": { schema } } } } },
        },
      },
      ...extra,
    },
    version,
  );
}

/** GET /x with the given parameters. */
export function params(parameters: unknown[], version: Version = "3.0"): Record<string, unknown> {
  return api(
    { paths: { "/x": { get: { parameters, responses: { "200": { description: "ok" } } } } } },
    version,
  );
}

export const REQ = "/paths/~1x/post/requestBody/content/application~1json/schema";
export const RES = "/paths/~1x/get/responses/200/content/application~1json/schema";
export const GET = "/paths/~1x/get";
export const POST = "/paths/~1x/post";

export function obj(
  properties: Record<string, unknown>,
  required: string[] = [],
  more: Record<string, unknown> = {},
) {
  return { type: "object", properties, ...(required.length > 0 ? { required } : {}), ...more };
}

/**
 * The normalised contract: OpenAPI 2.0, 3.0 and 3.1 and plain JSON Schema all become this shape,
 * so one rule engine judges them. Every part remembers where it was written (`place`) for
 * annotations, and schemas reached through `$ref` remember the name they were reached by (`home`).
 */
import type { DocPlace } from "../load/contract.js";

export type JsonType = "string" | "number" | "integer" | "boolean" | "array" | "object";

export const ALL_TYPES: readonly JsonType[] = ["string", "number", "integer", "boolean", "array", "object"];

/** How a schema's keywords are read: they changed meaning between versions. */
export type Dialect = "swagger2" | "oas30" | "oas31" | "draft-07" | "2020-12";

export interface Bound {
  value: number;
  exclusive: boolean;
}

export interface Discriminator {
  propertyName: string;
  mapping: Map<string, string>;
}

export interface SchemaNode {
  /** Unique per loaded side; pairs of ids key the comparison memo. */
  readonly id: number;
  readonly place: DocPlace;
  /** The address it is known by when reached through `$ref` (`/components/schemas/Pet`). */
  readonly home?: string;
  readonly dialect: Dialect;
  /** The schema object as written (for counter-example validation). */
  readonly raw: unknown;
  /** True for a schema with no constraints at all (`{}`, `true`, or a missing schema). */
  readonly unconstrained: boolean;
  /** Non-null types; undefined when the type is unconstrained. */
  readonly types?: ReadonlySet<JsonType>;
  readonly nullable: boolean;
  readonly format?: string;
  /** Allowed values without null (`const` is a one-value enum); undefined when unconstrained. */
  readonly enum?: readonly unknown[];
  readonly minimum?: Bound;
  readonly maximum?: Bound;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly items?: SchemaNode;
  readonly prefixItems?: readonly SchemaNode[];
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems: boolean;
  readonly properties: ReadonlyMap<string, SchemaNode>;
  readonly required: ReadonlySet<string>;
  /** `true` when any extra property is allowed (the default), `false` when none is. */
  readonly additionalProperties: boolean | SchemaNode;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly oneOf?: readonly SchemaNode[];
  readonly anyOf?: readonly SchemaNode[];
  readonly allOf?: readonly SchemaNode[];
  readonly discriminator?: Discriminator;
  readonly readOnly: boolean;
  readonly writeOnly: boolean;
  readonly deprecated: boolean;
  readonly default?: { value: unknown };
  /** Validation keywords the rules do not model, as canonical JSON, so changes to them still show. */
  readonly other: ReadonlyMap<string, string>;
}

export type ParameterLocation = "path" | "query" | "header" | "cookie";

export interface Parameter {
  name: string;
  in: ParameterLocation;
  required: boolean;
  style: string;
  explode: boolean;
  deprecated: boolean;
  schema: SchemaNode;
  place: DocPlace;
}

export interface MediaType {
  /** As written, e.g. `application/json; charset=utf-8`. */
  name: string;
  schema: SchemaNode;
  place: DocPlace;
}

export interface RequestBody {
  required: boolean;
  /** Keyed by media type without parameters, lower case. */
  content: Map<string, MediaType>;
  place: DocPlace;
}

export interface Header {
  name: string;
  required: boolean;
  deprecated: boolean;
  schema: SchemaNode;
  place: DocPlace;
}

export interface ResponseModel {
  status: string;
  /** Keyed by lower-case name. */
  headers: Map<string, Header>;
  content: Map<string, MediaType>;
  place: DocPlace;
}

/** Alternatives (OR) of scheme sets (AND), each scheme with its required scopes. */
export type SecurityRequirement = Map<string, Set<string>>;

export interface Operation {
  method: string;
  /** The path as written, e.g. `/users/{userId}`. */
  path: string;
  /** `GET /users/{}`: what operations are matched by across versions. */
  key: string;
  /** `GET /users/{userId}`: how reports name it. */
  label: string;
  /** Pointer of the operation object, e.g. `/paths/~1users~1{userId}/get`. */
  pointer: string;
  operationId?: string;
  deprecated: boolean;
  /** Keyed by `in:name` (header names lower case); path parameters by position, `path:#0`. */
  parameters: Map<string, Parameter>;
  requestBody?: RequestBody;
  responses: Map<string, ResponseModel>;
  /** Effective requirements (operation-level, else document-level); `[]` entries mean anonymous. */
  security: SecurityRequirement[];
  securityPlace: DocPlace;
  place: DocPlace;
}

export interface SecurityScheme {
  name: string;
  type: string;
  /** apiKey: where and under which name; http: the scheme (basic, bearer). */
  in?: string;
  paramName?: string;
  scheme?: string;
  /** oauth2 flows by name, each with its URLs and scopes. */
  flows: Map<string, { urls: Record<string, string>; scopes: Set<string> }>;
  openIdConnectUrl?: string;
  place: DocPlace;
}

export interface ApiModel {
  kind: "openapi";
  /** The top of the root document. */
  root: DocPlace;
  /** `2.0`, `3.0.3`, `3.1.0`. */
  specVersion: string;
  /** `info.version` as written. */
  version?: string;
  versionPlace?: DocPlace;
  operations: Map<string, Operation>;
  securitySchemes: Map<string, SecurityScheme>;
  servers: { url: string; place: DocPlace }[];
}

export interface SchemaModel {
  kind: "json-schema";
  root: SchemaNode;
  /** The top of the root document. */
  rootPlace: DocPlace;
  dialect: Dialect;
  version?: string;
  versionPlace?: DocPlace;
}

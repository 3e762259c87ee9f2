import type { Operation, ParameterLocation, SchemaNode } from "../model/types.js";
import { exampleOf } from "./examples.js";
import type { Direction, Envelope } from "./plan.js";
import { type JsonSchema, projectSchema } from "./project.js";
import { validates } from "./validator.js";

const LOCATIONS: readonly ParameterLocation[] = ["path", "query", "header", "cookie"];

function projectNode(node: SchemaNode, value: unknown, direction: Direction): JsonSchema | undefined {
  return projectSchema(node.raw, node.place, node.dialect, value, direction);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function checkBothSides(
  direction: Direction,
  base: JsonSchema | undefined,
  head: JsonSchema | undefined,
  payload: unknown,
): boolean {
  if (base === undefined || head === undefined) return false;
  const [valid, other] = direction === "request" ? [base, head] : [head, base];
  return validates(valid, payload) === true && validates(other, payload) === false;
}

/** A standalone JSON Schema: the payload is the instance itself. */
export function instanceEnvelope(
  base: SchemaNode,
  head: SchemaNode,
  direction: Direction,
  describes: string,
): Envelope {
  return {
    direction,
    describes,
    wrap: (local) => local,
    verify: (payload) =>
      checkBothSides(
        direction,
        projectNode(base, payload, direction),
        projectNode(head, payload, direction),
        payload,
      ),
  };
}

export type RequestFocus =
  | { kind: "body"; mediaType: string }
  | { kind: "param"; key: string }
  | { kind: "none" };

export interface RequestParts {
  /** The payload for the focused position. */
  value?: unknown;
  /** A parameter key to leave out even though the valid side requires it. */
  omit?: string;
  /** A parameter key to send even though it is optional. */
  include?: string;
  omitBody?: boolean;
  /** The media type to send the body as (key form). */
  mediaType?: string;
}

/**
 * A whole request: `{ path, query, header, cookie, contentType, body }`, checked against a schema
 * built from each side's parameters and request body.
 */
export class RequestEnvelope implements Envelope {
  readonly direction = "request" as const;

  constructor(
    private readonly base: Operation,
    private readonly head: Operation,
    private readonly focus: RequestFocus,
    readonly describes: string,
  ) {}

  /** The name a parameter has in the payload: path parameters by the base's name for that position. */
  private nameOf(key: string): string {
    const p = this.base.parameters.get(key) ?? this.head.parameters.get(key);
    if (!p) return key.slice(key.indexOf(":") + 1);
    return p.in === "header" ? p.name.toLowerCase() : p.name;
  }

  wrap(local: unknown): unknown {
    if (this.focus.kind === "body") return this.build({ value: local, mediaType: this.focus.mediaType });
    if (this.focus.kind === "param") return this.build({ value: local, include: this.focus.key });
    return this.build({});
  }

  build(parts: RequestParts): Record<string, unknown> {
    const op = this.base;
    const out: Record<string, Record<string, unknown> | unknown> = {};
    for (const [key, p] of op.parameters) {
      if (key === parts.omit) continue;
      const focused = this.focus.kind === "param" && this.focus.key === key && parts.value !== undefined;
      if (!p.required && key !== parts.include && !focused) continue;
      if (out[p.in] === undefined) out[p.in] = {};
      const bucket = out[p.in] as Record<string, unknown>;
      bucket[this.nameOf(key)] = focused ? parts.value : exampleOf(p.schema);
    }
    const body = op.requestBody;
    const mediaType = parts.mediaType ?? (body?.required ? [...body.content.keys()][0] : undefined);
    if (!parts.omitBody && mediaType !== undefined) {
      out.contentType = mediaType;
      const media = body?.content.get(mediaType);
      const bodyFocus =
        this.focus.kind === "body" && this.focus.mediaType === mediaType && parts.value !== undefined;
      out.body = bodyFocus ? parts.value : media ? exampleOf(media.schema) : {};
    }
    return out;
  }

  private schemaFor(op: Operation, payload: unknown): JsonSchema | undefined {
    if (!isRecord(payload)) return false;
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const location of LOCATIONS) {
      const given = isRecord(payload[location]) ? (payload[location] as Record<string, unknown>) : {};
      const props: Record<string, JsonSchema> = {};
      const names: string[] = [];
      for (const [key, p] of op.parameters) {
        if (p.in !== location) continue;
        const name = this.nameOf(key);
        if (given[name] !== undefined) {
          const projected = projectNode(p.schema, given[name], "request");
          if (projected === undefined) return undefined;
          props[name] = projected;
        }
        if (p.required) names.push(name);
      }
      if (names.length > 0 || Object.keys(props).length > 0) {
        properties[location] = { type: "object", properties: props, required: names };
      }
      if (names.length > 0) required.push(location);
    }
    const body = op.requestBody;
    if (body) {
      properties.contentType = { enum: [...body.content.keys()] };
      const media =
        typeof payload.contentType === "string" ? body.content.get(payload.contentType) : undefined;
      if (media && payload.body !== undefined) {
        const projected = projectNode(media.schema, payload.body, "request");
        if (projected === undefined) return undefined;
        properties.body = projected;
      }
      if (body.required) required.push("contentType", "body");
    }
    return { type: "object", properties, required };
  }

  verify(payload: unknown): boolean {
    return checkBothSides(
      "request",
      this.schemaFor(this.base, payload),
      this.schemaFor(this.head, payload),
      payload,
    );
  }
}

export type ResponseFocus =
  | { kind: "body"; mediaType: string }
  | { kind: "header"; name: string }
  | { kind: "none" };

/** A whole response: `{ status, headers, contentType, body }` for one status code. */
export class ResponseEnvelope implements Envelope {
  readonly direction = "response" as const;

  constructor(
    private readonly base: Operation,
    private readonly head: Operation,
    private readonly status: string,
    private readonly focus: ResponseFocus,
    readonly describes: string,
  ) {}

  wrap(local: unknown): unknown {
    return this.build({ value: local });
  }

  build(parts: { value?: unknown; omitHeader?: string }): Record<string, unknown> {
    const response = this.head.responses.get(this.status);
    const out: Record<string, unknown> = { status: this.status };
    const headers: Record<string, unknown> = {};
    for (const [name, h] of response?.headers ?? []) {
      if (name === parts.omitHeader) continue;
      const focused = this.focus.kind === "header" && this.focus.name === name && parts.value !== undefined;
      if (focused) headers[name] = parts.value;
      else if (h.required) headers[name] = exampleOf(h.schema);
    }
    if (Object.keys(headers).length > 0) out.headers = headers;
    if (this.focus.kind === "body" && parts.value !== undefined) {
      out.contentType = this.focus.mediaType;
      out.body = parts.value;
    }
    return out;
  }

  private schemaFor(op: Operation, payload: unknown): JsonSchema | undefined {
    if (!isRecord(payload)) return false;
    const response = op.responses.get(this.status);
    if (!response) return false;
    const headerProps: Record<string, JsonSchema> = {};
    const headerNames: string[] = [];
    const given = isRecord(payload.headers) ? payload.headers : {};
    for (const [name, h] of response.headers) {
      if (given[name] !== undefined) {
        const projected = projectNode(h.schema, given[name], "response");
        if (projected === undefined) return undefined;
        headerProps[name] = projected;
      }
      if (h.required) headerNames.push(name);
    }
    const properties: Record<string, JsonSchema> = {
      status: { const: this.status },
      headers: { type: "object", properties: headerProps, required: headerNames },
    };
    const required = ["status", ...(headerNames.length > 0 ? ["headers"] : [])];
    if (payload.body !== undefined) {
      properties.contentType = { enum: [...response.content.keys()] };
      const media =
        typeof payload.contentType === "string" ? response.content.get(payload.contentType) : undefined;
      if (media) {
        const projected = projectNode(media.schema, payload.body, "response");
        if (projected === undefined) return undefined;
        properties.body = projected;
      }
    }
    return { type: "object", properties, required };
  }

  verify(payload: unknown): boolean {
    return checkBothSides(
      "response",
      this.schemaFor(this.base, payload),
      this.schemaFor(this.head, payload),
      payload,
    );
  }
}

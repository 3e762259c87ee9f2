import { GateError } from "@mlgate/core";
import type { DocPlace, LoadedContract } from "../load/contract.js";
import { childPointer } from "../load/pointer.js";
import { mediaTypeKey, normalizePathTemplate, normalizeStatus, pathParameterNames } from "./path-template.js";
import { SchemaFactory } from "./schema.js";
import type {
  ApiModel,
  Header,
  MediaType,
  Operation,
  Parameter,
  ParameterLocation,
  RequestBody,
  ResponseModel,
  SecurityRequirement,
  SecurityScheme,
} from "./types.js";

export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
const LOCATIONS = new Set(["path", "query", "header", "cookie"]);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Shared helpers for reading OpenAPI objects with located errors. */
export class Reader {
  constructor(readonly contract: LoadedContract) {}

  at(place: DocPlace, ...tokens: (string | number)[]): DocPlace {
    return { doc: place.doc, pointer: childPointer(place.pointer, ...tokens) };
  }

  fail(place: DocPlace, message: string, hint?: string): never {
    const pos = place.doc.locate([place.pointer]).get(place.pointer);
    throw new GateError(`invalid OpenAPI description at ${place.pointer || "the root"}: ${message}`, {
      location: { file: place.doc.display, ...(pos ?? {}) },
      ...(hint ? { hint } : {}),
    });
  }

  /** An object that may be a `$ref` (path items, parameters, responses, headers, bodies, schemes). */
  object(place: DocPlace, value: unknown, what: string): { place: DocPlace; value: Record<string, unknown> } {
    const target = this.contract.deref(place, value);
    if (!isRecord(target.value)) this.fail(target, `${what} must be an object`);
    return { place: target, value: target.value as Record<string, unknown> };
  }

  entries(place: DocPlace, value: unknown, what: string): [string, unknown][] {
    if (value === undefined || value === null) return [];
    if (!isRecord(value)) this.fail(place, `${what} must be a mapping`);
    return Object.entries(value as Record<string, unknown>);
  }
}

export function securityOf(reader: Reader, place: DocPlace, value: unknown): SecurityRequirement[] {
  if (value === undefined) return [new Map()];
  if (!Array.isArray(value)) reader.fail(place, "security must be a list of requirements");
  const list = value as unknown[];
  if (list.length === 0) return [new Map()];
  return list.map((req, i) => {
    if (!isRecord(req)) reader.fail(reader.at(place, i), "a security requirement must be an object");
    const out: SecurityRequirement = new Map();
    for (const [name, scopes] of Object.entries(req as Record<string, unknown>)) {
      out.set(name, new Set(Array.isArray(scopes) ? scopes.map(String) : []));
    }
    return out;
  });
}

function defaultStyle(location: ParameterLocation): string {
  return location === "query" || location === "cookie" ? "form" : "simple";
}

/** Parameters keyed for matching: path parameters by their position in the template. */
export function parameterKey(location: ParameterLocation, name: string, template: string[]): string {
  if (location === "path") {
    const index = template.indexOf(name);
    return index === -1 ? `path:${name}` : `path:#${index}`;
  }
  return `${location}:${location === "header" ? name.toLowerCase() : name}`;
}

/** OpenAPI 3.0 and 3.1 descriptions. */
export function buildOpenApi3(contract: LoadedContract): ApiModel {
  const doc = contract.root;
  const rootValue = doc.value as Record<string, unknown>;
  const specVersion = String(rootValue.openapi);
  const factory = new SchemaFactory(contract, specVersion.startsWith("3.1") ? "oas31" : "oas30");
  const r: Reader = new Reader(contract);
  const root: DocPlace = { doc, pointer: "" };

  const info = isRecord(rootValue.info) ? rootValue.info : {};
  const model: ApiModel = {
    kind: "openapi",
    root,
    specVersion,
    ...(info.version !== undefined
      ? { version: String(info.version), versionPlace: r.at(root, "info", "version") }
      : {}),
    operations: new Map(),
    securitySchemes: new Map(),
    servers: [],
  };
  if (Array.isArray(rootValue.servers)) {
    rootValue.servers.forEach((s, i) => {
      if (isRecord(s) && typeof s.url === "string")
        model.servers.push({ url: s.url, place: r.at(root, "servers", i) });
    });
  }

  const components = isRecord(rootValue.components) ? rootValue.components : {};
  const schemesPlace = r.at(root, "components", "securitySchemes");
  for (const [name, raw] of r.entries(
    schemesPlace,
    components.securitySchemes,
    "components.securitySchemes",
  )) {
    const { place, value } = r.object(r.at(schemesPlace, name), raw, "a security scheme");
    const flows = new Map<string, { urls: Record<string, string>; scopes: Set<string> }>();
    for (const [flow, f] of Object.entries(isRecord(value.flows) ? value.flows : {})) {
      if (!isRecord(f)) continue;
      const urls: Record<string, string> = {};
      for (const k of ["authorizationUrl", "tokenUrl", "refreshUrl"])
        if (typeof f[k] === "string") urls[k] = f[k] as string;
      flows.set(flow, { urls, scopes: new Set(Object.keys(isRecord(f.scopes) ? f.scopes : {})) });
    }
    const scheme: SecurityScheme = { name, type: String(value.type ?? ""), flows, place };
    if (typeof value.in === "string") scheme.in = value.in;
    if (typeof value.name === "string") scheme.paramName = value.name;
    if (typeof value.scheme === "string") scheme.scheme = value.scheme.toLowerCase();
    if (typeof value.openIdConnectUrl === "string") scheme.openIdConnectUrl = value.openIdConnectUrl;
    model.securitySchemes.set(name, scheme);
  }

  const pathsPlace = r.at(root, "paths");
  for (const [path, rawItem] of r.entries(pathsPlace, rootValue.paths, "paths")) {
    if (!path.startsWith("/")) continue;
    const item = r.object(r.at(pathsPlace, path), rawItem, "a path item");
    const template = pathParameterNames(path);
    const shared = readParameters(r, factory, item.place, item.value.parameters, template);
    for (const method of METHODS) {
      if (item.value[method] === undefined) continue;
      const opPlace = r.at(item.place, method);
      const op = item.value[method];
      if (!isRecord(op)) r.fail(opPlace, `${method} must be an operation object`);
      const parameters = new Map(shared);
      for (const [k, p] of readParameters(r, factory, opPlace, op.parameters, template)) parameters.set(k, p);
      const operation: Operation = {
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${normalizePathTemplate(path)}`,
        label: `${method.toUpperCase()} ${path}`,
        pointer: opPlace.pointer,
        deprecated: op.deprecated === true,
        parameters,
        responses: readResponses(r, factory, opPlace, op.responses),
        security: securityOf(
          r,
          op.security !== undefined ? r.at(opPlace, "security") : r.at(root, "security"),
          op.security ?? rootValue.security,
        ),
        securityPlace:
          op.security !== undefined
            ? r.at(opPlace, "security")
            : rootValue.security !== undefined
              ? r.at(root, "security")
              : opPlace,
        place: opPlace,
      };
      if (typeof op.operationId === "string") operation.operationId = op.operationId;
      if (op.requestBody !== undefined)
        operation.requestBody = readRequestBody(r, factory, r.at(opPlace, "requestBody"), op.requestBody);
      model.operations.set(operation.key, operation);
    }
  }
  return model;
}

function readParameters(
  r: Reader,
  factory: SchemaFactory,
  owner: DocPlace,
  value: unknown,
  template: string[],
): Map<string, Parameter> {
  const out = new Map<string, Parameter>();
  if (value === undefined) return out;
  const listPlace = r.at(owner, "parameters");
  if (!Array.isArray(value)) r.fail(listPlace, "parameters must be a list");
  (value as unknown[]).forEach((raw, i) => {
    const { place, value: p } = r.object(r.at(listPlace, i), raw, "a parameter");
    const location = p.in;
    if (typeof p.name !== "string" || typeof location !== "string" || !LOCATIONS.has(location)) {
      r.fail(place, `a parameter needs a "name" and an "in" of path, query, header or cookie`);
    }
    const loc = location as ParameterLocation;
    let schema = factory.any(place);
    if (p.schema !== undefined) schema = factory.node(r.at(place, "schema"), p.schema);
    else if (isRecord(p.content)) {
      const [mt, media] = Object.entries(p.content)[0] ?? [];
      if (mt !== undefined && isRecord(media) && media.schema !== undefined) {
        schema = factory.node(r.at(place, "content", mt, "schema"), media.schema);
      }
    }
    const style = typeof p.style === "string" ? p.style : defaultStyle(loc);
    out.set(parameterKey(loc, p.name as string, template), {
      name: p.name as string,
      in: loc,
      required: loc === "path" ? true : p.required === true,
      style,
      explode: typeof p.explode === "boolean" ? p.explode : style === "form",
      deprecated: p.deprecated === true,
      schema,
      place,
    });
  });
  return out;
}

function readContent(
  r: Reader,
  factory: SchemaFactory,
  owner: DocPlace,
  value: unknown,
): Map<string, MediaType> {
  const out = new Map<string, MediaType>();
  const place = r.at(owner, "content");
  for (const [name, media] of r.entries(place, value, "content")) {
    const mtPlace = r.at(place, name);
    const schemaValue = isRecord(media) ? media.schema : undefined;
    out.set(mediaTypeKey(name), {
      name,
      schema:
        schemaValue === undefined ? factory.any(mtPlace) : factory.node(r.at(mtPlace, "schema"), schemaValue),
      place: mtPlace,
    });
  }
  return out;
}

function readRequestBody(r: Reader, factory: SchemaFactory, at: DocPlace, raw: unknown): RequestBody {
  const { place, value } = r.object(at, raw, "a request body");
  return { required: value.required === true, content: readContent(r, factory, place, value.content), place };
}

function readResponses(
  r: Reader,
  factory: SchemaFactory,
  opPlace: DocPlace,
  value: unknown,
): Map<string, ResponseModel> {
  const out = new Map<string, ResponseModel>();
  const place = r.at(opPlace, "responses");
  for (const [status, raw] of r.entries(place, value, "responses")) {
    if (status.startsWith("x-")) continue;
    const resp = r.object(r.at(place, status), raw, "a response");
    const headers = new Map<string, Header>();
    const headersPlace = resp.value.headers === undefined ? resp.place : r.at(resp.place, "headers");
    for (const [name, h] of r.entries(headersPlace, resp.value.headers, "headers")) {
      if (name.toLowerCase() === "content-type") continue;
      const header = r.object(r.at(headersPlace, name), h, "a header");
      let schema = factory.any(header.place);
      if (header.value.schema !== undefined)
        schema = factory.node(r.at(header.place, "schema"), header.value.schema);
      else if (isRecord(header.value.content)) {
        const [mt, media] = Object.entries(header.value.content)[0] ?? [];
        if (mt !== undefined && isRecord(media) && media.schema !== undefined) {
          schema = factory.node(r.at(header.place, "content", mt, "schema"), media.schema);
        }
      }
      headers.set(name.toLowerCase(), {
        name,
        required: header.value.required === true,
        deprecated: header.value.deprecated === true,
        schema,
        place: header.place,
      });
    }
    out.set(normalizeStatus(status), {
      status,
      headers,
      content: readContent(r, factory, resp.place, resp.value.content),
      place: resp.place,
    });
  }
  return out;
}

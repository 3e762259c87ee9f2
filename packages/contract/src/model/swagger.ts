import type { DocPlace, LoadedContract } from "../load/contract.js";
import { isRecord, METHODS, parameterKey, Reader, securityOf } from "./openapi.js";
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
  SchemaNode,
  SecurityScheme,
} from "./types.js";

/** Swagger 2.0's collectionFormat in OpenAPI 3 terms. */
function serialization(format: unknown, location: ParameterLocation): { style: string; explode: boolean } {
  switch (format) {
    case "multi":
      return { style: "form", explode: true };
    case "ssv":
      return { style: "spaceDelimited", explode: false };
    case "pipes":
      return { style: "pipeDelimited", explode: false };
    case "tsv":
      return { style: "tabDelimited", explode: false };
    default:
      return { style: location === "query" || location === "cookie" ? "form" : "simple", explode: false };
  }
}

const FLOW_NAMES: Record<string, string> = {
  implicit: "implicit",
  password: "password",
  application: "clientCredentials",
  accessCode: "authorizationCode",
};

interface RawParam {
  place: DocPlace;
  value: Record<string, unknown>;
}

/**
 * Swagger 2.0 read into the OpenAPI 3 shape: body and formData parameters become a request body
 * per `consumes` media type, response schemas become content per `produces` media type, and
 * securityDefinitions become security schemes. Definitions stay where they are (`/definitions/X`).
 */
export function buildSwagger2(contract: LoadedContract): ApiModel {
  const doc = contract.root;
  const rootValue = doc.value as Record<string, unknown>;
  const factory = new SchemaFactory(contract, "swagger2");
  const r: Reader = new Reader(contract);
  const root: DocPlace = { doc, pointer: "" };
  const info = isRecord(rootValue.info) ? rootValue.info : {};
  const model: ApiModel = {
    kind: "openapi",
    root,
    specVersion: "2.0",
    ...(info.version !== undefined
      ? { version: String(info.version), versionPlace: r.at(root, "info", "version") }
      : {}),
    operations: new Map(),
    securitySchemes: new Map(),
    servers: [],
  };
  if (typeof rootValue.host === "string" || typeof rootValue.basePath === "string") {
    const schemes =
      Array.isArray(rootValue.schemes) && rootValue.schemes.length > 0 ? rootValue.schemes : ["https"];
    for (const scheme of schemes) {
      model.servers.push({
        url: `${String(scheme)}://${String(rootValue.host ?? "")}${String(rootValue.basePath ?? "")}`,
        place: r.at(root, rootValue.host !== undefined ? "host" : "basePath"),
      });
    }
  }
  const defsPlace = r.at(root, "securityDefinitions");
  for (const [name, raw] of r.entries(defsPlace, rootValue.securityDefinitions, "securityDefinitions")) {
    if (!isRecord(raw)) continue;
    const place = r.at(defsPlace, name);
    const type = String(raw.type ?? "");
    const flows = new Map<string, { urls: Record<string, string>; scopes: Set<string> }>();
    if (type === "oauth2") {
      const urls: Record<string, string> = {};
      if (typeof raw.authorizationUrl === "string") urls.authorizationUrl = raw.authorizationUrl;
      if (typeof raw.tokenUrl === "string") urls.tokenUrl = raw.tokenUrl;
      flows.set(FLOW_NAMES[String(raw.flow)] ?? String(raw.flow), {
        urls,
        scopes: new Set(Object.keys(isRecord(raw.scopes) ? raw.scopes : {})),
      });
    }
    const scheme: SecurityScheme = { name, type: type === "basic" ? "http" : type, flows, place };
    if (type === "basic") scheme.scheme = "basic";
    if (typeof raw.in === "string") scheme.in = raw.in;
    if (typeof raw.name === "string") scheme.paramName = raw.name;
    model.securitySchemes.set(name, scheme);
  }

  const globalConsumes = stringList(rootValue.consumes);
  const globalProduces = stringList(rootValue.produces);
  const pathsPlace = r.at(root, "paths");
  for (const [path, rawItem] of r.entries(pathsPlace, rootValue.paths, "paths")) {
    if (!path.startsWith("/")) continue;
    const item = r.object(r.at(pathsPlace, path), rawItem, "a path item");
    const template = pathParameterNames(path);
    const shared = rawParameters(r, item.place, item.value.parameters);
    for (const method of METHODS) {
      const op = item.value[method];
      if (op === undefined) continue;
      const opPlace = r.at(item.place, method);
      if (!isRecord(op)) r.fail(opPlace, `${method} must be an operation object`);
      const byKey = new Map<string, RawParam>();
      for (const p of [...shared, ...rawParameters(r, opPlace, op.parameters)]) {
        byKey.set(`${String(p.value.in)}:${String(p.value.name)}`, p);
      }
      const consumes = stringList(op.consumes) ?? globalConsumes ?? ["application/json"];
      const produces = stringList(op.produces) ?? globalProduces ?? ["application/json"];
      const parameters = new Map<string, Parameter>();
      const form: RawParam[] = [];
      let requestBody: RequestBody | undefined;
      for (const p of byKey.values()) {
        const location = p.value.in;
        if (location === "body") {
          const schemaPlace = r.at(p.place, "schema");
          const schema =
            p.value.schema === undefined ? factory.any(p.place) : factory.node(schemaPlace, p.value.schema);
          requestBody = {
            required: p.value.required === true,
            content: new Map(
              consumes.map((mt): [string, MediaType] => [
                mediaTypeKey(mt),
                { name: mt, schema, place: p.place },
              ]),
            ),
            place: p.place,
          };
        } else if (location === "formData") form.push(p);
        else if (location === "query" || location === "header" || location === "path") {
          const loc = location as ParameterLocation;
          parameters.set(parameterKey(loc, String(p.value.name), template), {
            name: String(p.value.name),
            in: loc,
            required: loc === "path" ? true : p.value.required === true,
            ...serialization(p.value.collectionFormat, loc),
            deprecated: false,
            schema: factory.node(p.place, p.value),
            place: p.place,
          });
        }
      }
      if (form.length > 0 && !requestBody) requestBody = formBody(factory, form, consumes);
      const operation: Operation = {
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${normalizePathTemplate(path)}`,
        label: `${method.toUpperCase()} ${path}`,
        pointer: opPlace.pointer,
        deprecated: op.deprecated === true,
        parameters,
        responses: responses(r, factory, opPlace, op.responses, produces),
        security: securityOf(
          r,
          r.at(op.security !== undefined ? opPlace : root, "security"),
          op.security ?? rootValue.security,
        ),
        securityPlace: op.security !== undefined ? r.at(opPlace, "security") : opPlace,
        place: opPlace,
      };
      if (typeof op.operationId === "string") operation.operationId = op.operationId;
      if (requestBody) operation.requestBody = requestBody;
      model.operations.set(operation.key, operation);
    }
  }
  return model;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value.map(String) : undefined;
}

function rawParameters(r: Reader, owner: DocPlace, value: unknown): RawParam[] {
  if (value === undefined) return [];
  const listPlace = r.at(owner, "parameters");
  if (!Array.isArray(value)) r.fail(listPlace, "parameters must be a list");
  return (value as unknown[]).map((raw, i) => {
    const p = r.object(r.at(listPlace, i), raw, "a parameter");
    if (typeof p.value.name !== "string" || typeof p.value.in !== "string") {
      r.fail(p.place, `a parameter needs a "name" and an "in"`);
    }
    return p;
  });
}

/** formData parameters as one object schema, per form media type. */
function formBody(factory: SchemaFactory, form: RawParam[], consumes: string[]): RequestBody {
  const properties = new Map<string, SchemaNode>();
  const required: string[] = [];
  const rawProps: Record<string, unknown> = {};
  for (const p of form) {
    const name = String(p.value.name);
    properties.set(name, factory.node(p.place, p.value));
    rawProps[name] = p.value;
    if (p.value.required === true) required.push(name);
  }
  const place = form[0]!.place;
  const raw = { type: "object", properties: rawProps, ...(required.length > 0 ? { required } : {}) };
  const schema = factory.synthetic(place, raw, properties, required);
  const hasFile = form.some((p) => p.value.type === "file");
  const forms = consumes.filter((mt) => /form/i.test(mt));
  const types =
    forms.length > 0 ? forms : [hasFile ? "multipart/form-data" : "application/x-www-form-urlencoded"];
  return {
    required: required.length > 0,
    content: new Map(types.map((mt): [string, MediaType] => [mediaTypeKey(mt), { name: mt, schema, place }])),
    place,
  };
}

function responses(
  r: Reader,
  factory: SchemaFactory,
  opPlace: DocPlace,
  value: unknown,
  produces: string[],
): Map<string, ResponseModel> {
  const out = new Map<string, ResponseModel>();
  const place = r.at(opPlace, "responses");
  for (const [status, raw] of r.entries(place, value, "responses")) {
    if (status.startsWith("x-")) continue;
    const resp = r.object(r.at(place, status), raw, "a response");
    const headers = new Map<string, Header>();
    const headersPlace = r.at(resp.place, "headers");
    for (const [name, h] of r.entries(headersPlace, resp.value.headers, "headers")) {
      if (!isRecord(h)) continue;
      const hPlace = r.at(headersPlace, name);
      headers.set(name.toLowerCase(), {
        name,
        required: false,
        deprecated: false,
        schema: factory.node(hPlace, h),
        place: hPlace,
      });
    }
    const content = new Map<string, MediaType>();
    if (resp.value.schema !== undefined) {
      const schema = factory.node(r.at(resp.place, "schema"), resp.value.schema);
      for (const mt of produces) content.set(mediaTypeKey(mt), { name: mt, schema, place: resp.place });
    }
    out.set(normalizeStatus(status), { status, headers, content, place: resp.place });
  }
  return out;
}

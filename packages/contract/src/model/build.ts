import { GateError } from "@mlgate/core";
import type { LoadedContract } from "../load/contract.js";
import { buildOpenApi3, isRecord } from "./openapi.js";
import { SchemaFactory } from "./schema.js";
import { buildSwagger2 } from "./swagger.js";
import type { ApiModel, Dialect, SchemaModel } from "./types.js";

/** What a parsed document is, from its content. */
export function documentKind(value: unknown): "openapi" | "json-schema" | undefined {
  if (!isRecord(value)) return typeof value === "boolean" ? "json-schema" : undefined;
  if (typeof value.openapi === "string" || value.swagger !== undefined) return "openapi";
  if (typeof value.$schema === "string" && /json-schema/i.test(value.$schema)) return "json-schema";
  const schemaKeys = [
    "type",
    "properties",
    "items",
    "oneOf",
    "anyOf",
    "allOf",
    "$ref",
    "enum",
    "const",
    "$defs",
    "definitions",
  ];
  return schemaKeys.some((k) => value[k] !== undefined) ? "json-schema" : undefined;
}

export function jsonSchemaDialect(value: unknown): Dialect {
  const declared = isRecord(value) && typeof value.$schema === "string" ? value.$schema : "";
  return /draft-0[4-7]/.test(declared) ? "draft-07" : "2020-12";
}

/** The normalised model of a loaded contract: an API description or a standalone JSON Schema. */
export function buildModel(contract: LoadedContract): ApiModel | SchemaModel {
  const value = contract.root.value;
  const kind = documentKind(value);
  if (kind === "openapi") {
    const v = value as Record<string, unknown>;
    if (v.swagger !== undefined) {
      if (String(v.swagger) !== "2.0") {
        throw new GateError(`${contract.root.display} is Swagger ${String(v.swagger)}; only 2.0 is read`, {
          location: { file: contract.root.display },
        });
      }
      return buildSwagger2(contract);
    }
    if (!/^3\.[01]\./.test(String(v.openapi))) {
      throw new GateError(
        `${contract.root.display} declares OpenAPI ${String(v.openapi)}; 2.0, 3.0.x and 3.1.x are read`,
        { location: { file: contract.root.display } },
      );
    }
    return buildOpenApi3(contract);
  }
  if (kind === "json-schema") {
    const dialect = jsonSchemaDialect(value);
    const factory = new SchemaFactory(contract, dialect);
    const place = { doc: contract.root, pointer: "" };
    return { kind: "json-schema", dialect, root: factory.node(place, value, ""), rootPlace: place };
  }
  throw new GateError(`${contract.root.display} is neither an OpenAPI description nor a JSON Schema`, {
    location: { file: contract.root.display },
    hint: 'an OpenAPI description has a top-level "openapi" (or "swagger") key; a JSON Schema has "$schema", "type" or "properties"',
  });
}

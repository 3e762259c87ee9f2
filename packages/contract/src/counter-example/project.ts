/**
 * A contract schema specialised to one payload, as a self-contained JSON Schema 2020-12 document:
 * `$ref`s followed, OpenAPI 3.0 and Swagger 2.0 keywords translated (nullable, boolean
 * exclusive bounds, `file`), and every subschema the payload never reaches left out.
 *
 * Validation only ever applies a subschema to parts of the payload that exist, so leaving out the
 * others does not change the verdict for this payload; it keeps recursive, densely linked
 * descriptions (Stripe's) from turning every check into a compilation of the whole document.
 */

import { hasRef } from "../json-schema/equal.js";
import { contractOf, type DocPlace, refOf } from "../load/contract.js";
import { childPointer } from "../load/pointer.js";
import type { Dialect } from "../model/types.js";

export type JsonSchema = boolean | Record<string, unknown>;

/** Keywords copied as they are: they constrain the value itself, not its parts. */
const PLAIN = [
  "const",
  "format",
  "multipleOf",
  "maximum",
  "minimum",
  "maxLength",
  "minLength",
  "pattern",
  "maxItems",
  "minItems",
  "uniqueItems",
  "maxProperties",
  "minProperties",
  "dependentRequired",
];

/**
 * OpenAPI's integer widths constrain numbers, and validators apply `format` to strings only: the
 * width becomes a range that applies when the value is a number.
 */
const INTEGER_FORMATS: Record<string, JsonSchema> = {
  int32: numberWithin(-(2 ** 31), 2 ** 31 - 1),
  int64: numberWithin(-(2 ** 63), 2 ** 63),
};

/** Anything that is not a number, or an integer in [low, high]. */
function numberWithin(low: number, high: number): JsonSchema {
  return { anyOf: [{ not: { type: "number" } }, { type: "integer", minimum: low, maximum: high }] };
}

/** A projection refuses to go on forever (a schema that is its own allOf member, say). */
class TooDeep extends Error {}

const MAX_SAME_LEVEL = 64;
const MAX_NODES = 20_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

interface State {
  nodes: number;
  /** OpenAPI leaves readOnly properties out of requests and writeOnly ones out of responses. */
  direction: "request" | "response";
}

/** The schema at `place` (whose value is `raw`) specialised to `instance`; undefined when too large. */
export function projectSchema(
  raw: unknown,
  place: DocPlace,
  dialect: Dialect,
  instance: unknown,
  direction: "request" | "response",
): JsonSchema | undefined {
  try {
    return project(raw, place, dialect, instance, { nodes: 0, direction }, 0);
  } catch (e) {
    if (e instanceof TooDeep) return undefined;
    throw e;
  }
}

function project(
  raw: unknown,
  at: DocPlace,
  dialect: Dialect,
  inst: unknown,
  state: State,
  level: number,
): JsonSchema {
  if (++state.nodes > MAX_NODES || level > MAX_SAME_LEVEL) throw new TooDeep();
  if (typeof raw === "boolean") return raw;
  if (!isRecord(raw)) return true;
  const legacy = dialect === "oas30" || dialect === "swagger2";
  const ref = refOf(raw);
  if (ref !== undefined) {
    const target = contractOf(at.doc).resolveRef(at.doc, ref);
    const resolved = project(target.value, target, dialect, inst, state, level + 1);
    const siblings = dialect === "2020-12" || dialect === "oas31";
    if (!siblings) return resolved;
    const { $ref: _, ...rest } = raw;
    return { allOf: [resolved, project(rest, at, dialect, inst, state, level + 1)] };
  }
  const here = (...tokens: (string | number)[]): DocPlace => ({
    doc: at.doc,
    pointer: childPointer(at.pointer, ...tokens),
  });
  const out: Record<string, unknown> = {};

  const nullable =
    legacy && (raw.nullable === true || (dialect === "swagger2" && raw["x-nullable"] === true));
  if (raw.type !== undefined) {
    // Swagger 2.0's `file` is an upload, not a JSON value: no type constraint for it.
    const types = (Array.isArray(raw.type) ? raw.type : [raw.type]).filter((t) => t !== "file");
    if (types.length > 0) out.type = nullable ? [...new Set([...types, "null"])] : types;
  }
  if (Array.isArray(raw.enum))
    out.enum = nullable && !raw.enum.includes(null) ? [...raw.enum, null] : raw.enum;
  for (const k of PLAIN) {
    if (raw[k] === undefined) continue;
    if (legacy && k === "const") continue;
    out[k] = raw[k];
  }
  if (Array.isArray(raw.required)) out.required = requiredHere(raw, at, state.direction);
  // Boolean exclusive bounds (OpenAPI 3.0, Swagger 2.0, draft-04) become 2020-12 numbers.
  for (const [bound, exclusive] of [
    ["minimum", "exclusiveMinimum"],
    ["maximum", "exclusiveMaximum"],
  ] as const) {
    const flag = raw[exclusive];
    if (typeof flag === "number") out[exclusive] = flag;
    else if (flag === true && typeof raw[bound] === "number") {
      out[exclusive] = raw[bound];
      delete out[bound];
    }
  }

  for (const k of ["allOf", "anyOf", "oneOf"] as const) {
    const members = raw[k];
    if (Array.isArray(members)) {
      out[k] = members.map((m, i) => project(m, here(k, i), dialect, inst, state, level + 1));
    }
  }
  for (const k of ["not", "if", "then", "else"] as const) {
    if (raw[k] !== undefined) out[k] = project(raw[k], here(k), dialect, inst, state, level + 1);
  }
  const width = typeof raw.format === "string" ? INTEGER_FORMATS[raw.format] : undefined;
  if (width) out.allOf = [...((out.allOf as JsonSchema[] | undefined) ?? []), width];

  if (isRecord(inst)) projectObject(raw, here, dialect, inst, state, out);
  if (Array.isArray(inst)) projectArray(raw, here, dialect, inst, state, out);
  return out;
}

/** `required` without the properties this direction never carries (readOnly in requests, writeOnly in responses). */
function requiredHere(
  raw: Record<string, unknown>,
  at: DocPlace,
  direction: "request" | "response",
): unknown[] {
  const required = raw.required as unknown[];
  const properties = isRecord(raw.properties) ? raw.properties : {};
  const flag = direction === "request" ? "readOnly" : "writeOnly";
  return required.filter((name) => {
    if (typeof name !== "string" || !Object.hasOwn(properties, name)) return true;
    const place = { doc: at.doc, pointer: childPointer(at.pointer, "properties", name) };
    const target = contractOf(at.doc).deref(place, properties[name]);
    return !(isRecord(target.value) && target.value[flag] === true);
  });
}

function projectObject(
  raw: Record<string, unknown>,
  here: (...tokens: (string | number)[]) => DocPlace,
  dialect: Dialect,
  inst: Record<string, unknown>,
  state: State,
  out: Record<string, unknown>,
): void {
  const properties = isRecord(raw.properties) ? raw.properties : {};
  const patterns = isRecord(raw.patternProperties) ? raw.patternProperties : {};
  const projected: Record<string, unknown> = {};
  const deps: JsonSchema[] = [];
  for (const [key, value] of Object.entries(inst)) {
    const applied: JsonSchema[] = [];
    let listed = false;
    if (Object.hasOwn(properties, key)) {
      listed = true;
      applied.push(project(properties[key], here("properties", key), dialect, value, state, 0));
    }
    for (const [pattern, schema] of Object.entries(patterns)) {
      let matches = false;
      try {
        matches = new RegExp(pattern, "u").test(key);
      } catch {
        matches = false;
      }
      if (matches) {
        listed = true;
        applied.push(project(schema, here("patternProperties", pattern), dialect, value, state, 0));
      }
    }
    if (!listed && raw.additionalProperties !== undefined) {
      applied.push(project(raw.additionalProperties, here("additionalProperties"), dialect, value, state, 0));
    }
    if (applied.length === 1) projected[key] = applied[0];
    else if (applied.length > 1) projected[key] = { allOf: applied };
    const dependent = isRecord(raw.dependentSchemas) ? raw.dependentSchemas[key] : undefined;
    if (dependent !== undefined)
      deps.push(project(dependent, here("dependentSchemas", key), dialect, inst, state, 1));
  }
  // Each present key meets exactly the subschemas that apply to it; absent keys need none.
  if (Object.keys(projected).length > 0) out.properties = projected;
  if (deps.length > 0) out.allOf = [...((out.allOf as JsonSchema[]) ?? []), ...deps];
  if (raw.propertyNames !== undefined && !hasRef(raw.propertyNames)) out.propertyNames = raw.propertyNames;
}

function projectArray(
  raw: Record<string, unknown>,
  here: (...tokens: (string | number)[]) => DocPlace,
  dialect: Dialect,
  inst: unknown[],
  state: State,
  out: Record<string, unknown>,
): void {
  const schemaFor = (i: number): [unknown, DocPlace] | undefined => {
    if (Array.isArray(raw.prefixItems) && i < raw.prefixItems.length)
      return [raw.prefixItems[i], here("prefixItems", i)];
    if (Array.isArray(raw.items)) {
      if (i < raw.items.length) return [raw.items[i], here("items", i)];
      return raw.additionalItems === undefined ? undefined : [raw.additionalItems, here("additionalItems")];
    }
    return raw.items === undefined ? undefined : [raw.items, here("items")];
  };
  // Every item gets its own projection, so they sit in prefixItems; nothing is left for `items`.
  if (inst.length > 0) {
    out.prefixItems = inst.map((item, i) => {
      const found = schemaFor(i);
      return found ? project(found[0], found[1], dialect, item, state, 0) : true;
    });
  }
  // `contains` asks for one matching item among all; kept as written when it needs no references.
  if (raw.contains !== undefined && !hasRef(raw.contains)) {
    out.contains = raw.contains;
    if (raw.minContains !== undefined) out.minContains = raw.minContains;
    if (raw.maxContains !== undefined) out.maxContains = raw.maxContains;
  }
}

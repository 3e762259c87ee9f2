import type { DocPlace } from "../load/contract.js";
import type { JsonType, SchemaNode } from "../model/types.js";

let nextMergedId = -1;

/**
 * An allOf flattened into one object view (properties and required lists united, types
 * intersected), so refactoring a schema into or out of allOf reads as what it really changes.
 */
export function mergeAllOf(node: SchemaNode, _any: (place: DocPlace) => SchemaNode, depth = 0): SchemaNode {
  const members: SchemaNode[] = [node];
  for (const m of node.allOf ?? []) members.push(m.allOf && depth < 8 ? mergeAllOf(m, _any, depth + 1) : m);
  const properties = new Map<string, SchemaNode>();
  const required = new Set<string>();
  let types: Set<JsonType> | undefined;
  for (const m of members) {
    for (const [k, v] of m.properties) if (!properties.has(k)) properties.set(k, v);
    for (const r of m.required) required.add(r);
    if (m.types) {
      const t = m.types;
      types = types
        ? new Set([...types].filter((x) => t.has(x) || (x === "integer" && t.has("number"))))
        : new Set(t);
    }
  }
  const first = <K extends keyof SchemaNode>(key: K): SchemaNode[K] | undefined => {
    for (const m of members) if (m[key] !== undefined) return m[key];
    return undefined;
  };
  const merged: SchemaNode = {
    id: nextMergedId--,
    place: node.place,
    dialect: node.dialect,
    raw: node.raw,
    unconstrained: members.every((m) => m.unconstrained),
    ...(types ? { types } : {}),
    nullable: members.every((m) => m.nullable),
    ...optional("format", first("format")),
    ...optional("enum", first("enum")),
    ...optional("minimum", first("minimum")),
    ...optional("maximum", first("maximum")),
    ...optional("multipleOf", first("multipleOf")),
    ...optional("minLength", first("minLength")),
    ...optional("maxLength", first("maxLength")),
    ...optional("pattern", first("pattern")),
    ...optional("items", first("items")),
    ...optional("prefixItems", first("prefixItems")),
    ...optional("minItems", first("minItems")),
    ...optional("maxItems", first("maxItems")),
    uniqueItems: members.some((m) => m.uniqueItems),
    properties,
    required,
    additionalProperties: members.some((m) => m.additionalProperties === false)
      ? false
      : node.additionalProperties,
    ...optional("minProperties", first("minProperties")),
    ...optional("maxProperties", first("maxProperties")),
    ...optional("oneOf", first("oneOf")),
    ...optional("anyOf", first("anyOf")),
    ...optional("discriminator", first("discriminator")),
    readOnly: node.readOnly,
    writeOnly: node.writeOnly,
    deprecated: node.deprecated,
    ...optional("default", node.default),
    other: node.other,
  };
  return merged;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

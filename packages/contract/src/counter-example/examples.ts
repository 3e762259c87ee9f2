import { ALL_TYPES, type JsonType, type SchemaNode } from "../model/types.js";
import { sampleRegex } from "./regex-sample.js";

const MAX_DEPTH = 12;

const FORMAT_EXAMPLES: Record<string, string> = {
  "date-time": "2024-01-01T00:00:00Z",
  date: "2024-01-01",
  time: "12:00:00Z",
  email: "user@example.com",
  "idn-email": "user@example.com",
  uri: "https://example.com/",
  "uri-reference": "https://example.com/",
  url: "https://example.com/",
  iri: "https://example.com/",
  uuid: "00000000-0000-4000-8000-000000000000",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  hostname: "example.com",
  "idn-hostname": "example.com",
  byte: "AA==",
  duration: "P1D",
  "json-pointer": "/a",
  regex: "a+",
};

/** Types a node admits, seen through oneOf/anyOf/allOf when it names none itself; undefined = any. */
export function effectiveTypes(node: SchemaNode, depth = 0): Set<JsonType> | undefined {
  if (node.types) return new Set(node.types);
  if (depth > 8) return undefined;
  const variants = node.oneOf ?? node.anyOf;
  if (variants && variants.length > 0) {
    const out = new Set<JsonType>();
    for (const v of variants) {
      const t = effectiveTypes(v, depth + 1);
      if (!t) return undefined;
      for (const x of t) out.add(x);
    }
    return out;
  }
  if (node.allOf) {
    let out: Set<JsonType> | undefined;
    for (const m of node.allOf) {
      const t = effectiveTypes(m, depth + 1);
      if (!t) continue;
      out = out ? new Set([...out].filter((x) => t.has(x) || (x === "integer" && t.has("number")))) : t;
    }
    return out;
  }
  return undefined;
}

export function allowsType(types: ReadonlySet<JsonType> | undefined, t: JsonType): boolean {
  return !types || types.has(t) || (t === "integer" && types.has("number"));
}

function pickNumber(node: SchemaNode, integer: boolean): number {
  let lo = node.minimum ? node.minimum.value + (node.minimum.exclusive ? (integer ? 1 : 0.5) : 0) : undefined;
  const hi = node.maximum
    ? node.maximum.value - (node.maximum.exclusive ? (integer ? 1 : 0.5) : 0)
    : undefined;
  if (integer && lo !== undefined) lo = Math.ceil(lo);
  let x = lo !== undefined ? lo : hi !== undefined && hi < 1 ? (integer ? Math.floor(hi) : hi) : 1;
  if (node.multipleOf) {
    const m = node.multipleOf;
    x = Math.ceil(x / m) * m;
    if (integer && !Number.isInteger(x)) x = Math.ceil(x);
  }
  return x;
}

function fitString(node: SchemaNode, s: string): string {
  let out = s;
  if (node.minLength !== undefined && out.length < node.minLength)
    out = out + "a".repeat(node.minLength - out.length);
  if (node.maxLength !== undefined && out.length > node.maxLength) out = out.slice(0, node.maxLength);
  return out;
}

export function stringExample(node: SchemaNode): string {
  if (node.format && FORMAT_EXAMPLES[node.format]) return FORMAT_EXAMPLES[node.format]!;
  if (node.pattern) {
    const fitting = sampleRegex(node.pattern).find(
      (s) =>
        (node.minLength === undefined || s.length >= node.minLength) &&
        (node.maxLength === undefined || s.length <= node.maxLength),
    );
    if (fitting !== undefined) return fitting;
  }
  return fitString(node, "example");
}

/** A value of one given type that satisfies the node's constraints for that type, as far as it can. */
export function valueOfType(node: SchemaNode, type: JsonType, depth = 0): unknown {
  // A type that only a variant brings: take it from that variant.
  const variants = node.oneOf ?? node.anyOf;
  if (variants && !node.types && depth < MAX_DEPTH) {
    const v = variants.find((x) => allowsType(effectiveTypes(x), type));
    if (v) return valueOfType(v, type, depth + 1);
  }
  switch (type) {
    case "string":
      return stringExample(node);
    case "integer":
      return pickNumber(node, true);
    case "number":
      return pickNumber(node, false);
    case "boolean":
      return true;
    case "array": {
      const item = node.items ? exampleOf(node.items, depth + 1) : "example";
      const prefix = (node.prefixItems ?? []).map((p) => exampleOf(p, depth + 1));
      const out = [...prefix];
      while (out.length < (node.minItems ?? 0)) out.push(item);
      return out;
    }
    case "object":
      return objectExample(node, depth);
  }
}

/** An object with the node's required properties, each given an example. */
export function objectExample(node: SchemaNode, depth = 0, omit?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const variant = node.oneOf?.[0] ?? node.anyOf?.[0];
  for (const member of [...(node.allOf ?? []), ...(variant ? [variant] : [])]) {
    const v = exampleOf(member, depth + 1);
    if (v !== null && typeof v === "object" && !Array.isArray(v)) Object.assign(out, v);
  }
  for (const name of node.required) {
    if (name === omit) continue;
    const schema = node.properties.get(name);
    out[name] = schema ? exampleOf(schema, depth + 1) : "example";
  }
  if (node.discriminator && !(node.discriminator.propertyName in out)) {
    const first = [...node.discriminator.mapping.keys()][0];
    if (first !== undefined) out[node.discriminator.propertyName] = first;
  }
  if (omit !== undefined) delete out[omit];
  return out;
}

/** A small instance the node accepts (checked by the validator before anyone sees it). */
export function exampleOf(node: SchemaNode, depth = 0): unknown {
  if (depth > MAX_DEPTH) return null;
  if (node.enum && node.enum.length > 0) return node.enum[0];
  const types = effectiveTypes(node);
  if (!types) {
    if (node.properties.size > 0 || node.required.size > 0) return objectExample(node, depth);
    if (node.items || node.prefixItems) return valueOfType(node, "array", depth);
    const variant = node.oneOf?.[0] ?? node.anyOf?.[0];
    if (variant) return exampleOf(variant, depth + 1);
    if (node.allOf) return objectExample(node, depth);
    return "example";
  }
  if (types.size === 0) return node.nullable ? null : undefined;
  const order: JsonType[] = [
    node.properties.size > 0 ? "object" : "string",
    "string",
    "integer",
    "number",
    "boolean",
    "object",
    "array",
  ];
  const type = order.find((t) => types.has(t)) ?? ALL_TYPES.find((t) => types.has(t))!;
  if (type !== "object" && type !== "array" && (node.oneOf || node.anyOf)) {
    const variant = (node.oneOf ?? node.anyOf)![0]!;
    return exampleOf(variant, depth + 1);
  }
  return valueOfType(node, type, depth);
}

/** Whether null is accepted, seen through oneOf/anyOf (some variant) and allOf (every member). */
export function effectiveNullable(node: SchemaNode, depth = 0): boolean {
  if (!node.nullable) return false;
  if (depth > 8) return true;
  const variants = node.oneOf ?? node.anyOf;
  if (variants && variants.length > 0 && !variants.some((v) => effectiveNullable(v, depth + 1))) return false;
  if (node.allOf && !node.allOf.every((m) => effectiveNullable(m, depth + 1))) return false;
  return true;
}

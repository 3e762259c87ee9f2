import { valueOfType } from "../counter-example/examples.js";
import type { DocPlace } from "../load/contract.js";
import { childPointer } from "../load/pointer.js";
import { showValue } from "../model/canonical.js";
import type { Bound, JsonType, SchemaNode } from "../model/types.js";

const WIDER_FORMAT: Record<string, string> = { int32: "int64", float: "double" };

export function widens(from: string, to: string): boolean {
  return WIDER_FORMAT[from] === to;
}

export function place(node: SchemaNode, keyword?: string | (string | number)[]): DocPlace {
  if (keyword === undefined) return node.place;
  const tokens = Array.isArray(keyword) ? keyword : [keyword];
  const raw = node.raw;
  if (raw === null || typeof raw !== "object" || !(String(tokens[0]) in (raw as object))) return node.place;
  return { doc: node.place.doc, pointer: childPointer(node.place.pointer, ...tokens) };
}

export function boundPlace(node: SchemaNode, keyword: "minimum" | "maximum"): DocPlace {
  const raw = node.raw as Record<string, unknown> | null;
  const exclusive = keyword === "minimum" ? "exclusiveMinimum" : "exclusiveMaximum";
  return place(node, raw && typeof raw === "object" && raw[keyword] === undefined ? exclusive : keyword);
}

export function showBound(b: Bound | undefined, lower: boolean): string {
  if (!b) return "none";
  return `${lower ? (b.exclusive ? ">" : ">=") : b.exclusive ? "<" : "<="} ${b.value}`;
}

/** -1 when a is a tighter lower bound than b, 1 when looser, 0 when equal. */
export function compareLower(a: Bound | undefined, b: Bound | undefined): number {
  if (!a && !b) return 0;
  if (!a) return 1;
  if (!b) return -1;
  if (a.value !== b.value) return a.value > b.value ? -1 : 1;
  if (a.exclusive === b.exclusive) return 0;
  return a.exclusive ? -1 : 1;
}

export function compareUpper(a: Bound | undefined, b: Bound | undefined): number {
  if (!a && !b) return 0;
  if (!a) return 1;
  if (!b) return -1;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  if (a.exclusive === b.exclusive) return 0;
  return a.exclusive ? -1 : 1;
}

export function isMultiple(x: number, m: number): boolean {
  const q = x / m;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

export function list(values: readonly unknown[], max = 5): string {
  const shown = values.slice(0, max).map((v) => showValue(v));
  return values.length > max ? `${shown.join(", ")} and ${values.length - max} more` : shown.join(", ");
}

export function typeList(types: Set<JsonType> | undefined): string {
  return types ? [...types].sort().join(" | ") || "nothing" : "any";
}

/** Whether a scalar satisfies the node's numeric and string constraints (types and enums aside). */
export function scalarAccepts(node: SchemaNode, value: unknown): boolean {
  if (typeof value === "number") {
    const lo = node.minimum;
    const hi = node.maximum;
    if (lo && (value < lo.value || (lo.exclusive && value === lo.value))) return false;
    if (hi && (value > hi.value || (hi.exclusive && value === hi.value))) return false;
    if (node.multipleOf !== undefined && !isMultiple(value, node.multipleOf)) return false;
    return true;
  }
  if (typeof value === "string") {
    const length = [...value].length;
    if (node.minLength !== undefined && length < node.minLength) return false;
    if (node.maxLength !== undefined && length > node.maxLength) return false;
    if (node.pattern !== undefined) {
      try {
        if (!new RegExp(node.pattern, "u").test(value)) return false;
      } catch {
        return true;
      }
    }
  }
  return true;
}

/** Values of one type the node accepts; numbers that are not integers when the other side wants integers. */
export function typeWitnesses(node: SchemaNode, type: JsonType): unknown[] {
  const value = valueOfType(node, type);
  if (type !== "number" || typeof value !== "number") return [value];
  return [value + 0.5, value - 0.5, 0.5, value];
}

/** A property name neither side lists, for payloads that test unlisted properties. */
export function freshName(b: SchemaNode, h: SchemaNode): string {
  let name = "unlisted_property";
  for (let i = 2; b.properties.has(name) || h.properties.has(name); i++) name = `unlisted_property_${i}`;
  return name;
}

/** The extremes a node's own bounds allow (a value the other side may exclude). */
export function inside(node: SchemaNode, step: number): number[] {
  const out: number[] = [];
  if (node.minimum) out.push(node.minimum.exclusive ? node.minimum.value + step : node.minimum.value);
  if (node.maximum) out.push(node.maximum.exclusive ? node.maximum.value - step : node.maximum.value);
  return out;
}

/** Values just past a bound (on the side the bound excludes). */
export function justOutside(bound: Bound, lower: boolean, step: number): number[] {
  if (bound.exclusive) return [bound.value];
  const s = Number.isInteger(bound.value) ? step : Math.max(Math.abs(bound.value) * 1e-6, 1e-9);
  return lower ? [bound.value - s, bound.value - 1] : [bound.value + s, bound.value + 1];
}

const FORMAT_WITNESSES: Record<string, unknown[]> = {
  date: ["2024-01-01"],
  "date-time": ["2024-01-01T00:00:00Z"],
  time: ["12:00:00Z"],
  email: ["user@example.com"],
  uri: ["https://example.com/"],
  uuid: ["00000000-0000-4000-8000-000000000000"],
  ipv4: ["192.0.2.1"],
  ipv6: ["2001:db8::1"],
  hostname: ["example.com"],
  int64: [2 ** 31, -(2 ** 31) - 1],
  double: [3.4e39, 1.5],
  int32: [1],
  float: [1.5],
};

/** Values in the `accept` format that are not in the `reject` format. */
export function formatWitnesses(accept: string, reject: string): unknown[] {
  const known = FORMAT_WITNESSES[accept] ?? [];
  return [...known, "example", `not-a-${reject.replace(/[^a-z]/gi, "")}`, 1.5, 2 ** 31];
}

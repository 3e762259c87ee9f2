import type { ProtoTypeRef } from "./model.js";

/**
 * Scalars that share a wire encoding, so bytes written as one decode as another
 * (https://protobuf.dev/programming-guides/proto3/#updating). Enums travel as varints.
 */
const WIRE_GROUP: Record<string, string> = {
  int32: "varint",
  int64: "varint",
  uint32: "varint",
  uint64: "varint",
  bool: "varint",
  sint32: "zigzag",
  sint64: "zigzag",
  fixed32: "fixed32",
  sfixed32: "fixed32",
  fixed64: "fixed64",
  sfixed64: "fixed64",
  float: "float",
  double: "double",
  string: "length",
  bytes: "length",
};

/**
 * Changes under which every value of the old type decodes to the same value in the new one, in
 * binary (int32 negatives are sign-extended to ten bytes) and in JSON (numbers stay numbers).
 */
const LOSSLESS = new Set(["int32>int64", "uint32>uint64", "uint32>int64", "sint32>sint64"]);

export type TypeChange = "same" | "widened" | "wire-compatible" | "incompatible";

function groupOf(type: ProtoTypeRef): string {
  if (type.kind === "enum") return "varint";
  if (type.kind === "message") return "message";
  return WIRE_GROUP[type.name] ?? `unknown:${type.name}`;
}

/** How a reader of `head` copes with bytes written as `base`. Named types compare by (canonical) name. */
export function classifyTypeChange(base: ProtoTypeRef, head: ProtoTypeRef): TypeChange {
  if (base.kind === head.kind && base.name === head.name) return "same";
  if (base.kind === "scalar" && head.kind === "scalar" && LOSSLESS.has(`${base.name}>${head.name}`))
    return "widened";
  // Distinct message or enum types promise nothing about each other.
  if (base.kind !== "scalar" && base.kind === head.kind) return "incompatible";
  const a = groupOf(base);
  const b = groupOf(head);
  if (a === b) return "wire-compatible";
  // An embedded message is length-delimited bytes on the wire.
  const pair = new Set([a, b]);
  if (pair.has("message") && (base.name === "bytes" || head.name === "bytes")) return "wire-compatible";
  return "incompatible";
}

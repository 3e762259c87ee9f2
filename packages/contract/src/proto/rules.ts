import type { Change, ChangeLevel, RuleInfo, SourceLocation } from "../change.js";

type Rule = Omit<RuleInfo, "family">;

/**
 * The gate's stance is wire + JSON: a change that breaks clients on the binary wire is `breaking`;
 * one that is safe on the wire but breaks clients of the proto3 JSON mapping (gRPC-gateway, Envoy
 * transcoding, Connect JSON) or silently changes what a value means is `dangerous`.
 */
const RULES = [
  // Files and packages.
  {
    id: "proto.package-changed",
    level: "breaking",
    summary: "A file's package changed.",
    rationale:
      "gRPC calls address /package.Service/Method, so every call from an existing client fails with UNIMPLEMENTED; google.protobuf.Any type URLs and generated imports change too.",
  },
  {
    id: "proto.file-syntax-changed",
    level: "dangerous",
    summary: "A file's syntax or edition changed (proto2, proto3, editions).",
    rationale:
      "The syntax sets defaults for field presence, enum openness and default values; the wire format stays, but whether an unset field is distinguishable from zero and what happens to unknown enum values changes for every field.",
  },
  // Services and RPCs.
  {
    id: "proto.service-removed",
    level: "breaking",
    summary: "A service was removed.",
    rationale: "Every call to one of its RPCs fails with UNIMPLEMENTED.",
  },
  {
    id: "proto.service-added",
    level: "safe",
    summary: "A service was added.",
    rationale: "Existing clients do not call it.",
  },
  {
    id: "proto.rpc-removed",
    level: "breaking",
    summary: "An RPC was removed from a service.",
    rationale: "Clients calling it get UNIMPLEMENTED.",
  },
  {
    id: "proto.rpc-added",
    level: "safe",
    summary: "An RPC was added.",
    rationale: "Existing clients do not call it.",
  },
  {
    id: "proto.rpc-request-type-changed",
    level: "breaking",
    summary: "An RPC's request message type changed.",
    rationale:
      "Clients keep sending the old message; the server decodes its bytes as a different type. Two distinct types carry no promise of agreeing field by field, so evolve the request type in place instead.",
  },
  {
    id: "proto.rpc-response-type-changed",
    level: "breaking",
    summary: "An RPC's response message type changed.",
    rationale: "Clients decode the new message's bytes as the old type.",
  },
  {
    id: "proto.rpc-client-streaming-changed",
    level: "breaking",
    summary: "An RPC's request switched between a single message and a stream.",
    rationale:
      "Unary and streaming calls are framed and dispatched differently; the generated client stubs no longer match the server.",
  },
  {
    id: "proto.rpc-server-streaming-changed",
    level: "breaking",
    summary: "An RPC's response switched between a single message and a stream.",
    rationale: "Clients wait for one response where a stream comes (or the reverse) and fail.",
  },
  // Messages and enums as a whole.
  {
    id: "proto.message-removed",
    level: "dangerous",
    summary: "A message type was removed.",
    rationale:
      "Nothing on the wire changes by itself (every field or RPC that used it is reported on its own), but code generated from the old file and google.protobuf.Any payloads that name it break.",
  },
  {
    id: "proto.message-added",
    level: "safe",
    summary: "A message type was added.",
    rationale: "Nothing existing refers to it.",
  },
  {
    id: "proto.enum-removed",
    level: "dangerous",
    summary: "An enum type was removed.",
    rationale:
      "Nothing on the wire changes by itself (fields that used it are reported on their own), but code generated from the old file breaks.",
  },
  {
    id: "proto.enum-added",
    level: "safe",
    summary: "An enum type was added.",
    rationale: "Nothing existing refers to it.",
  },
  // Fields: existence and identity.
  {
    id: "proto.field-removed",
    level: "breaking",
    summary: "A field was removed and its number is not reserved.",
    rationale:
      "The number can be reused for a field of another type, which old clients then misread; and whoever read the field now gets the default value.",
  },
  {
    id: "proto.field-removed-name-not-reserved",
    level: "dangerous",
    summary: "A field was removed with its number reserved but not its name.",
    rationale:
      "Safe on the wire, but the JSON name can be reused for a different field, and JSON clients still sending the old name are rejected by strict parsers.",
  },
  {
    id: "proto.field-removed-reserved",
    level: "dangerous",
    summary: "A field was removed with its number and name reserved.",
    rationale:
      "The wire stays consistent, but clients that read the field silently get the default value, and strict JSON parsers reject clients that still send it.",
  },
  {
    id: "proto.field-added",
    level: "safe",
    summary: "A field was added.",
    rationale: "Old clients skip unknown fields and do not send it; the reader sees the default.",
  },
  {
    id: "proto.field-reuses-reserved-number",
    level: "breaking",
    summary: "A new field uses a number the base reserved.",
    rationale:
      "The number was reserved because an earlier field used it; clients built against that field misread the new one.",
  },
  {
    id: "proto.field-number-changed",
    level: "breaking",
    summary: "A field kept its name but changed its number.",
    rationale:
      "On the wire a field is its number: old clients send and read the old number, which the new side ignores (or reads as another field).",
  },
  {
    id: "proto.field-renamed",
    level: "dangerous",
    summary: "A field kept its number but changed its name (and so its JSON name).",
    rationale:
      "The binary wire is unaffected; JSON clients use the old name, which is now rejected or ignored, and generated code no longer compiles.",
  },
  {
    id: "proto.field-renamed-json-compatible",
    level: "safe",
    summary: "A field was renamed but json_name keeps its JSON name.",
    rationale: "Wire and JSON are unchanged; only source code that names the field needs updating.",
  },
  {
    id: "proto.field-json-name-changed",
    level: "dangerous",
    summary: "A field's JSON name changed (json_name option).",
    rationale: "The binary wire is unaffected; JSON clients send and expect the old key.",
  },
  // Fields: type and encoding.
  {
    id: "proto.field-type-changed",
    level: "breaking",
    summary:
      "A field's type changed to one with a different wire encoding (or to another message or enum type).",
    rationale:
      "The reader cannot decode the writer's bytes: a different wire type is skipped or fails to parse; a different message or enum type carries no promise of matching.",
  },
  {
    id: "proto.field-type-changed-wire-compatible",
    level: "dangerous",
    summary:
      "A field's type changed within a wire-compatible group (int32/uint32/int64/uint64/bool/enum, sint32/sint64, fixed32/sfixed32, fixed64/sfixed64, string/bytes, message/bytes).",
    rationale:
      "Bytes still decode, but values can be truncated or change sign (int64 read as int32, -1 read as uint32), and the JSON form changes (64-bit integers are strings, bytes are base64, enums are names).",
  },
  {
    id: "proto.request-field-type-widened",
    level: "safe",
    summary:
      "A field only the server reads was widened without loss (int32→int64, uint32→uint64, uint32→int64, sint32→sint64).",
    rationale:
      "Every value an old client sends decodes to the same number in the wider type, in binary and in JSON, and no client reads the field.",
  },
  {
    id: "proto.field-encoding-changed",
    level: "breaking",
    summary: "A message field switched between group (DELIMITED) and length-prefixed encoding.",
    rationale: "The two encodings use different wire types; the reader skips or rejects the writer's bytes.",
  },
  // Fields: cardinality and presence.
  {
    id: "proto.field-cardinality-changed",
    level: "breaking",
    summary: "A field switched between singular, repeated and map.",
    rationale:
      "JSON changes between a value, an array and an object; on the wire packed numbers are not read by a singular reader, and a singular reader keeps only the last of several values.",
  },
  {
    id: "proto.field-presence-changed",
    level: "dangerous",
    summary: "A field switched between explicit presence (optional, message, oneof) and implicit presence.",
    rationale:
      "The wire is compatible, but with implicit presence a zero value is not sent and cannot be told from unset; code that checks has_<field> changes behaviour.",
  },
  {
    id: "proto.field-required-added",
    level: "breaking",
    summary: "A field became required (or a required field was added) in a message the server reads.",
    rationale: "Old clients do not send it, so the server's parser rejects their messages.",
  },
  {
    id: "proto.response-field-required-added",
    level: "safe",
    summary: "A field became required (or a required field was added) in a message only clients read.",
    rationale:
      "The server now always sends it; old clients either knew it as optional or skip it as unknown.",
  },
  {
    id: "proto.field-required-removed",
    level: "breaking",
    summary: "A required field became optional or was removed in a message clients read.",
    rationale: "Old clients still require it, and their parser rejects messages that lack it.",
  },
  {
    id: "proto.request-field-required-removed",
    level: "safe",
    summary: "A required field became optional or was removed in a message only the server reads.",
    rationale: "Old clients keep sending it; the server accepts messages with or without it.",
  },
  {
    id: "proto.field-default-changed",
    level: "dangerous",
    summary: "A field's explicit default (proto2 [default = ...]) changed.",
    rationale:
      "Nothing fails, but a reader of an unset field now sees a different value than the writer intended: an old client omitting it gets the new default on the server, and the reverse.",
  },
  // Oneofs.
  {
    id: "proto.field-oneof-changed",
    level: "breaking",
    summary: "A field moved into, out of, or between oneofs that have other existing members.",
    rationale:
      "Fields that could be set together become exclusive (or the reverse): a reader keeps only the last member it sees, so data is silently dropped.",
  },
  {
    id: "proto.field-moved-into-new-oneof",
    level: "safe",
    summary: "An existing field was wrapped in a new oneof whose other members are all new.",
    rationale: "Binary compatible: no two previously existing fields become exclusive.",
  },
  {
    id: "proto.oneof-renamed",
    level: "safe",
    summary: "A oneof was renamed with the same members.",
    rationale: "Oneof names appear neither on the wire nor in JSON; only generated code changes.",
  },
  {
    id: "proto.oneof-member-added",
    level: "dangerous",
    summary: "A field was added to an existing oneof of a message clients read.",
    rationale:
      "When the server sets the new member, old clients see the oneof as unset, which they may treat as an error.",
  },
  // Maps.
  {
    id: "proto.map-key-type-changed",
    level: "breaking",
    summary: "A map's key type changed.",
    rationale:
      "Map entries are decoded with the key type; a different key type is misread on the wire and in JSON.",
  },
  {
    id: "proto.map-value-type-changed",
    level: "breaking",
    summary: "A map's value type changed to one with a different wire encoding.",
    rationale: "Entries written with one value type cannot be decoded as the other.",
  },
  // Reservations.
  {
    id: "proto.reserved-removed",
    level: "dangerous",
    summary: "A reserved field number or name (or enum value) is no longer reserved.",
    rationale:
      "The reservation protects clients built against a field that was removed earlier; without it the number or name can be reused for something they misread.",
  },
  // Enum values.
  {
    id: "proto.enum-value-removed",
    level: "breaking",
    summary: "An enum value was removed and its number is not reserved.",
    rationale:
      "Peers still send it: closed enums drop it, open enums keep an unnamed number, JSON parsers reject the name; and the number can be reused with another meaning.",
  },
  {
    id: "proto.enum-value-removed-reserved",
    level: "dangerous",
    summary: "An enum value was removed with its number reserved.",
    rationale:
      "The number cannot be reused, but peers that still send or expect the value see an unknown value, and JSON parsers reject its name.",
  },
  {
    id: "proto.enum-value-number-changed",
    level: "breaking",
    summary: "An enum value kept its name but changed its number.",
    rationale: "On the wire an enum value is its number; old clients send and expect the old one.",
  },
  {
    id: "proto.enum-value-renamed",
    level: "dangerous",
    summary: "An enum value kept its number but changed its name (or lost an alias).",
    rationale:
      "The binary wire is unaffected; JSON uses the name, so JSON clients sending the old name are rejected.",
  },
  {
    id: "proto.enum-value-added",
    level: "dangerous",
    summary: "An enum value was added to an enum clients read.",
    rationale:
      "Old clients receive a value they do not know: closed (proto2) enums drop it so the field looks unset, open enums surface an unnamed number that switch statements may not handle.",
  },
  {
    id: "proto.request-enum-value-added",
    level: "safe",
    summary: "An enum value was added to an enum only the server reads.",
    rationale: "Old clients never send it; the server knows every value they do send.",
  },
  {
    id: "proto.enum-openness-changed",
    level: "dangerous",
    summary: "An enum switched between open and closed (editions enum_type, or a proto2/proto3 move).",
    rationale:
      "Unknown values are kept by open enums and dropped into unknown fields by closed ones, so what a reader sees for a new value changes.",
  },
] as const satisfies readonly Rule[];

export type ProtoRuleId = (typeof RULES)[number]["id"];

/** Every protobuf rule, for the docs, SARIF rule metadata and exception validation. */
export const PROTO_RULES: readonly RuleInfo[] = RULES.map((r) => ({ ...r, family: "proto" as const }));

const LEVELS = new Map<string, ChangeLevel>(RULES.map((r) => [r.id, r.level]));

export interface ChangeInput {
  message: string;
  path: string;
  group: string;
  base?: SourceLocation | undefined;
  head?: SourceLocation | undefined;
}

/** A Change for a registered rule, at the rule's level. */
export function protoChange(rule: ProtoRuleId, input: ChangeInput): Change {
  return {
    rule,
    level: LEVELS.get(rule)!,
    message: input.message,
    path: input.path,
    group: input.group,
    ...(input.base ? { base: input.base } : {}),
    ...(input.head ? { head: input.head } : {}),
  };
}

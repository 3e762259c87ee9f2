/**
 * Labelled protobuf change pairs: a small base and head, and every change the engine must report
 * (rule id, level, and optionally the path). A text without a `syntax`/`edition` line gets
 * `syntax = "proto3"; package t;` in front. `files` cases give several files per side.
 */
export type Level = "breaking" | "dangerous" | "safe";
export type Expected = [rule: string, level: Level, path?: string];

export interface ProtoCase {
  name: string;
  base: string | Record<string, string>;
  head: string | Record<string, string>;
  expect: Expected[];
}

/** A request/response service around the messages, so direction-aware rules know who reads what. */
const SVC = "service S { rpc Call(Req) returns (Res); }\nmessage Res { string ok = 1; }\n";
const SVC_RES = "service S { rpc Call(Req) returns (Res); }\nmessage Req { string q = 1; }\n";

export const PROTO_CASES: ProtoCase[] = [
  // ── files and packages ─────────────────────────────────────────────
  {
    name: "package renamed: one finding, declarations matched under the new package",
    base: 'syntax = "proto3"; package acme.v1; message M { int32 x = 1; } service S { rpc Get(M) returns (M); }',
    head: 'syntax = "proto3"; package acme.v2; message M { int32 x = 1; } service S { rpc Get(M) returns (M); }',
    expect: [["proto.package-changed", "breaking", "main.proto"]],
  },
  {
    name: "package move keeps comparing fields under the new name",
    base: 'syntax = "proto3"; package a; message M { int32 x = 1; string y = 2; }',
    head: 'syntax = "proto3"; package b; message M { int32 x = 1; }',
    expect: [
      ["proto.package-changed", "breaking"],
      ["proto.field-removed", "breaking", "b.M.y"],
    ],
  },
  {
    name: "proto2 to proto3: syntax and presence of optional scalars",
    base: 'syntax = "proto2"; package t; message M { optional int32 x = 1; optional Sub s = 2; } message Sub {}',
    head: 'syntax = "proto3"; package t; message M { int32 x = 1; Sub s = 2; } message Sub {}',
    expect: [
      ["proto.file-syntax-changed", "dangerous"],
      ["proto.field-presence-changed", "dangerous", "t.M.x"],
    ],
  },
  {
    name: "reformatting and comments change nothing",
    base: "message M {\n  // the id\n  int32 id = 1;\n  string name = 2;\n}",
    head: "/* moved */ message M { int32 id = 1; /* still */ string name = 2; }\n\n\n",
    expect: [],
  },
  {
    name: "a message moved to another file of the same package changes nothing",
    base: { "a.proto": 'syntax = "proto3"; package t; message A { int32 x = 1; } message B { A a = 1; }' },
    head: {
      "a.proto": 'syntax = "proto3"; package t; import "b.proto"; message B { A a = 1; }',
      "b.proto": 'syntax = "proto3"; package t; message A { int32 x = 1; }',
    },
    expect: [],
  },
  // ── services and RPCs ──────────────────────────────────────────────
  {
    name: "service removed (its RPCs go with it)",
    base: "message M {} service A { rpc X(M) returns (M); rpc Y(M) returns (M); } service B { rpc Z(M) returns (M); }",
    head: "message M {} service B { rpc Z(M) returns (M); }",
    expect: [["proto.service-removed", "breaking", "t.A"]],
  },
  {
    name: "service added",
    base: "message M {}",
    head: "message M {} service A { rpc X(M) returns (M); }",
    expect: [["proto.service-added", "safe", "t.A"]],
  },
  {
    name: "RPC removed",
    base: "message M {} service A { rpc X(M) returns (M); rpc Y(M) returns (M); }",
    head: "message M {} service A { rpc X(M) returns (M); }",
    expect: [["proto.rpc-removed", "breaking", "t.A.Y"]],
  },
  {
    name: "RPC added",
    base: "message M {} service A { rpc X(M) returns (M); }",
    head: "message M {} service A { rpc X(M) returns (M); rpc Y(M) returns (M); }",
    expect: [["proto.rpc-added", "safe", "t.A.Y"]],
  },
  {
    name: "RPC request type changed",
    base: "message M {} message N {} service A { rpc X(M) returns (M); }",
    head: "message M {} message N {} service A { rpc X(N) returns (M); }",
    expect: [["proto.rpc-request-type-changed", "breaking", "t.A.X"]],
  },
  {
    name: "RPC response type changed",
    base: "message M {} message N {} service A { rpc X(M) returns (M); }",
    head: "message M {} message N {} service A { rpc X(M) returns (N); }",
    expect: [["proto.rpc-response-type-changed", "breaking", "t.A.X"]],
  },
  {
    name: "client streaming added",
    base: "message M {} service A { rpc X(M) returns (M); }",
    head: "message M {} service A { rpc X(stream M) returns (M); }",
    expect: [["proto.rpc-client-streaming-changed", "breaking", "t.A.X"]],
  },
  {
    name: "server streaming removed",
    base: "message M {} service A { rpc X(M) returns (stream M); }",
    head: "message M {} service A { rpc X(M) returns (M); }",
    expect: [["proto.rpc-server-streaming-changed", "breaking", "t.A.X"]],
  },
  // ── messages and enums as a whole ──────────────────────────────────
  {
    name: "unreferenced message removed",
    base: "message M {} message Old { int32 x = 1; }",
    head: "message M {}",
    expect: [["proto.message-removed", "dangerous", "t.Old"]],
  },
  {
    name: "a removed message takes its nested types along in one finding",
    base: "message Old { message Inner { int32 x = 1; } enum Kind { K0 = 0; } Inner i = 1; }",
    head: "",
    expect: [["proto.message-removed", "dangerous", "t.Old"]],
  },
  {
    name: "message added (nested types come with it)",
    base: "message M {}",
    head: "message M {} message New { message Inner {} Inner i = 1; }",
    expect: [["proto.message-added", "safe", "t.New"]],
  },
  {
    name: "enum removed",
    base: "enum E { E0 = 0; } message M {}",
    head: "message M {}",
    expect: [["proto.enum-removed", "dangerous", "t.E"]],
  },
  {
    name: "enum added",
    base: "message M {}",
    head: "message M {} enum E { E0 = 0; }",
    expect: [["proto.enum-added", "safe", "t.E"]],
  },
  // ── fields: existence and identity ─────────────────────────────────
  {
    name: "field removed without reserving its number",
    base: "message M { int32 a = 1; string b = 2; }",
    head: "message M { int32 a = 1; }",
    expect: [["proto.field-removed", "breaking", "t.M.b"]],
  },
  {
    name: "field removed, number reserved, name not",
    base: "message M { int32 a = 1; string b = 2; }",
    head: "message M { int32 a = 1; reserved 2; }",
    expect: [["proto.field-removed-name-not-reserved", "dangerous", "t.M.b"]],
  },
  {
    name: "field removed with number and name reserved",
    base: "message M { int32 a = 1; string b = 2; }",
    head: 'message M { int32 a = 1; reserved 2; reserved "b"; }',
    expect: [["proto.field-removed-reserved", "dangerous", "t.M.b"]],
  },
  {
    name: "field removed, its number inside a reserved range",
    base: "message M { int32 a = 1; string b = 7; }",
    head: 'message M { int32 a = 1; reserved 5 to 10; reserved "b"; }',
    expect: [["proto.field-removed-reserved", "dangerous", "t.M.b"]],
  },
  {
    name: "field added",
    base: "message M { int32 a = 1; }",
    head: "message M { int32 a = 1; repeated string tags = 2; }",
    expect: [["proto.field-added", "safe", "t.M.tags"]],
  },
  {
    name: "new field takes a reserved number (and lifts the reservation)",
    base: "message M { int32 a = 1; reserved 2; }",
    head: "message M { int32 a = 1; string b = 2; }",
    expect: [
      ["proto.field-reuses-reserved-number", "breaking", "t.M.b"],
      ["proto.reserved-removed", "dangerous", "t.M"],
    ],
  },
  {
    name: "field number changed",
    base: "message M { int32 a = 1; string b = 2; }",
    head: "message M { int32 a = 1; string b = 3; }",
    expect: [["proto.field-number-changed", "breaking", "t.M.b"]],
  },
  {
    name: "two fields swap numbers",
    base: "message M { int32 a = 1; int32 b = 2; }",
    head: "message M { int32 b = 1; int32 a = 2; }",
    expect: [
      ["proto.field-number-changed", "breaking", "t.M.a"],
      ["proto.field-number-changed", "breaking", "t.M.b"],
    ],
  },
  {
    name: "field renamed: wire-safe, JSON key changes",
    base: "message M { string model_name = 1; }",
    head: "message M { string model = 1; }",
    expect: [["proto.field-renamed", "dangerous", "t.M.model"]],
  },
  {
    name: "field renamed with json_name keeping the JSON key",
    base: "message M { string model_name = 1; }",
    head: 'message M { string model = 1 [json_name = "modelName"]; }',
    expect: [["proto.field-renamed-json-compatible", "safe", "t.M.model"]],
  },
  {
    name: "json_name changed",
    base: "message M { string model_name = 1; }",
    head: 'message M { string model_name = 1 [json_name = "model"]; }',
    expect: [["proto.field-json-name-changed", "dangerous", "t.M.model_name"]],
  },
  // ── fields: types ──────────────────────────────────────────────────
  {
    name: "string to int32: different wire type",
    base: "message M { string v = 1; }",
    head: "message M { int32 v = 1; }",
    expect: [["proto.field-type-changed", "breaking", "t.M.v"]],
  },
  {
    name: "float to double: different wire type",
    base: "message M { float v = 1; }",
    head: "message M { double v = 1; }",
    expect: [["proto.field-type-changed", "breaking", "t.M.v"]],
  },
  {
    name: "message field switches to another message type",
    base: "message A { int32 x = 1; } message B { int32 x = 1; } message M { A v = 1; }",
    head: "message A { int32 x = 1; } message B { int32 x = 1; } message M { B v = 1; }",
    expect: [["proto.field-type-changed", "breaking", "t.M.v"]],
  },
  {
    name: "int32 to uint32: same varint encoding, sign changes",
    base: "message M { int32 v = 1; }",
    head: "message M { uint32 v = 1; }",
    expect: [["proto.field-type-changed-wire-compatible", "dangerous", "t.M.v"]],
  },
  {
    name: "string to bytes: compatible on the wire, base64 in JSON",
    base: "message M { string v = 1; }",
    head: "message M { bytes v = 1; }",
    expect: [["proto.field-type-changed-wire-compatible", "dangerous", "t.M.v"]],
  },
  {
    name: "enum to int32: varint on the wire, names in JSON",
    base: "enum E { E0 = 0; } message M { E v = 1; }",
    head: "enum E { E0 = 0; } message M { int32 v = 1; }",
    expect: [["proto.field-type-changed-wire-compatible", "dangerous", "t.M.v"]],
  },
  {
    name: "sfixed32 to fixed32",
    base: "message M { sfixed32 v = 1; }",
    head: "message M { fixed32 v = 1; }",
    expect: [["proto.field-type-changed-wire-compatible", "dangerous", "t.M.v"]],
  },
  {
    name: "int32 to int64 in a message only the server reads: lossless widening",
    base: `message Req { int32 top_k = 1; }\n${SVC}`,
    head: `message Req { int64 top_k = 1; }\n${SVC}`,
    expect: [["proto.request-field-type-widened", "safe", "t.Req.top_k"]],
  },
  {
    name: "int32 to int64 in a response: old clients truncate",
    base: `message Res { int32 count = 1; }\n${SVC_RES}`,
    head: `message Res { int64 count = 1; }\n${SVC_RES}`,
    expect: [["proto.field-type-changed-wire-compatible", "dangerous", "t.Res.count"]],
  },
  {
    name: "group to length-prefixed message field",
    base: 'syntax = "proto2"; package t; message M { optional group Item = 1 { optional int32 x = 1; } }',
    head: 'syntax = "proto2"; package t; message M { message Item { optional int32 x = 1; } optional Item item = 1; }',
    expect: [["proto.field-encoding-changed", "breaking", "t.M.item"]],
  },
  // ── fields: cardinality and presence ───────────────────────────────
  {
    name: "singular to repeated",
    base: "message M { string tag = 1; }",
    head: "message M { repeated string tag = 1; }",
    expect: [["proto.field-cardinality-changed", "breaking", "t.M.tag"]],
  },
  {
    name: "map to repeated entries",
    base: "message M { map<string, string> labels = 1; }",
    head: "message M { message Entry { string key = 1; string value = 2; } repeated Entry labels = 1; }",
    expect: [
      ["proto.field-cardinality-changed", "breaking", "t.M.labels"],
      ["proto.message-added", "safe", "t.M.Entry"],
    ],
  },
  {
    name: "proto3 optional dropped: presence becomes implicit",
    base: "message M { optional float temperature = 1; }",
    head: "message M { float temperature = 1; }",
    expect: [["proto.field-presence-changed", "dangerous", "t.M.temperature"]],
  },
  {
    name: "editions: field presence switched to IMPLICIT",
    base: 'edition = "2023"; package t; message M { int32 a = 1; }',
    head: 'edition = "2023"; package t; message M { int32 a = 1 [features.field_presence = IMPLICIT]; }',
    expect: [["proto.field-presence-changed", "dangerous", "t.M.a"]],
  },
  {
    name: "proto2 field becomes required in a request",
    base: `syntax = "proto2"; package t; message Req { optional string q = 1; }\nservice S { rpc Call(Req) returns (Res); } message Res {}`,
    head: `syntax = "proto2"; package t; message Req { required string q = 1; }\nservice S { rpc Call(Req) returns (Res); } message Res {}`,
    expect: [["proto.field-required-added", "breaking", "t.Req.q"]],
  },
  {
    name: "new required field in a request",
    base: `syntax = "proto2"; package t; message Req { optional string q = 1; }\nservice S { rpc Call(Req) returns (Res); } message Res {}`,
    head: `syntax = "proto2"; package t; message Req { optional string q = 1; required int32 n = 2; }\nservice S { rpc Call(Req) returns (Res); } message Res {}`,
    expect: [["proto.field-required-added", "breaking", "t.Req.n"]],
  },
  {
    name: "editions LEGACY_REQUIRED in a message nobody is known to read",
    base: 'edition = "2023"; package t; message M { int32 a = 1; }',
    head: 'edition = "2023"; package t; message M { int32 a = 1 [features.field_presence = LEGACY_REQUIRED]; }',
    expect: [["proto.field-required-added", "breaking", "t.M.a"]],
  },
  {
    name: "field becomes required in a response only clients read",
    base: `syntax = "proto2"; package t; message Res { optional string ok = 1; }\nservice S { rpc Call(Req) returns (Res); } message Req {}`,
    head: `syntax = "proto2"; package t; message Res { required string ok = 1; }\nservice S { rpc Call(Req) returns (Res); } message Req {}`,
    expect: [["proto.response-field-required-added", "safe", "t.Res.ok"]],
  },
  {
    name: "required field becomes optional in a response",
    base: `syntax = "proto2"; package t; message Res { required string ok = 1; }\nservice S { rpc Call(Req) returns (Res); } message Req {}`,
    head: `syntax = "proto2"; package t; message Res { optional string ok = 1; }\nservice S { rpc Call(Req) returns (Res); } message Req {}`,
    expect: [["proto.field-required-removed", "breaking", "t.Res.ok"]],
  },
  {
    name: "required field becomes optional in a request",
    base: `syntax = "proto2"; package t; message Req { required string q = 1; }\nservice S { rpc Call(Req) returns (Res); } message Res {}`,
    head: `syntax = "proto2"; package t; message Req { optional string q = 1; }\nservice S { rpc Call(Req) returns (Res); } message Res {}`,
    expect: [["proto.request-field-required-removed", "safe", "t.Req.q"]],
  },
  {
    name: "required field removed from a response (number reserved)",
    base: `syntax = "proto2"; package t; message Res { required string ok = 1; optional int32 n = 2; }\nservice S { rpc Call(Req) returns (Res); } message Req {}`,
    head: `syntax = "proto2"; package t; message Res { optional int32 n = 2; reserved 1; reserved "ok"; }\nservice S { rpc Call(Req) returns (Res); } message Req {}`,
    expect: [
      ["proto.field-removed-reserved", "dangerous", "t.Res.ok"],
      ["proto.field-required-removed", "breaking", "t.Res.ok"],
    ],
  },
  {
    name: "proto2 default changed (a request default such as temperature)",
    base: 'syntax = "proto2"; package t; message M { optional float temperature = 1 [default = 1.0]; }',
    head: 'syntax = "proto2"; package t; message M { optional float temperature = 1 [default = 0.7]; }',
    expect: [["proto.field-default-changed", "dangerous", "t.M.temperature"]],
  },
  // ── oneofs ─────────────────────────────────────────────────────────
  {
    name: "existing field moved into an existing oneof",
    base: "message M { oneof choice { string a = 1; } string b = 2; }",
    head: "message M { oneof choice { string a = 1; string b = 2; } }",
    expect: [["proto.field-oneof-changed", "breaking", "t.M.b"]],
  },
  {
    name: "existing field moved out of a oneof that keeps other members",
    base: "message M { oneof choice { string a = 1; string b = 2; } }",
    head: "message M { oneof choice { string a = 1; } string b = 2; }",
    expect: [["proto.field-oneof-changed", "breaking", "t.M.b"]],
  },
  {
    name: "field wrapped in a new oneof with new members",
    base: "message M { string a = 1; }",
    head: "message M { oneof source { string a = 1; bytes raw = 2; } }",
    expect: [
      ["proto.field-moved-into-new-oneof", "safe", "t.M.a"],
      ["proto.field-added", "safe", "t.M.raw"],
    ],
  },
  {
    name: "a single-member oneof dissolved: only presence changes",
    base: "message M { oneof choice { int32 a = 1; } }",
    head: "message M { int32 a = 1; }",
    expect: [["proto.field-presence-changed", "dangerous", "t.M.a"]],
  },
  {
    name: "oneof renamed with the same members",
    base: "message M { oneof choice { string a = 1; int32 b = 2; } }",
    head: "message M { oneof pick { string a = 1; int32 b = 2; } }",
    expect: [["proto.oneof-renamed", "safe", "t.M.a"]],
  },
  {
    name: "member added to an existing oneof of a message clients may read",
    base: "message M { oneof value { string s = 1; int64 i = 2; } }",
    head: "message M { oneof value { string s = 1; int64 i = 2; double d = 3; } }",
    expect: [["proto.oneof-member-added", "dangerous", "t.M.d"]],
  },
  // ── maps ───────────────────────────────────────────────────────────
  {
    name: "map key type changed",
    base: "message M { map<string, int32> counts = 1; }",
    head: "message M { map<int64, int32> counts = 1; }",
    expect: [["proto.map-key-type-changed", "breaking", "t.M.counts"]],
  },
  {
    name: "map value type changed to another encoding",
    base: "message M { map<string, string> labels = 1; }",
    head: "message M { map<string, double> labels = 1; }",
    expect: [["proto.map-value-type-changed", "breaking", "t.M.labels"]],
  },
  {
    name: "map value widened where clients may read it",
    base: "message M { map<string, int32> counts = 1; }",
    head: "message M { map<string, int64> counts = 1; }",
    expect: [["proto.field-type-changed-wire-compatible", "dangerous", "t.M.counts"]],
  },
  // ── reservations ───────────────────────────────────────────────────
  {
    name: "reserved numbers and names lifted",
    base: 'message M { int32 a = 1; reserved 2 to 5, 9; reserved "old"; }',
    head: "message M { int32 a = 1; reserved 3; }",
    expect: [["proto.reserved-removed", "dangerous", "t.M"]],
  },
  // ── enum values ────────────────────────────────────────────────────
  {
    name: "enum value removed without reserving it",
    base: "enum Color { COLOR_UNSPECIFIED = 0; RED = 1; GREEN = 2; }",
    head: "enum Color { COLOR_UNSPECIFIED = 0; RED = 1; }",
    expect: [["proto.enum-value-removed", "breaking", "t.Color.GREEN"]],
  },
  {
    name: "enum value removed with its number reserved",
    base: "enum Color { COLOR_UNSPECIFIED = 0; RED = 1; GREEN = 2; }",
    head: 'enum Color { COLOR_UNSPECIFIED = 0; RED = 1; reserved 2; reserved "GREEN"; }',
    expect: [["proto.enum-value-removed-reserved", "dangerous", "t.Color.GREEN"]],
  },
  {
    name: "enum value changes its number",
    base: "enum Color { COLOR_UNSPECIFIED = 0; RED = 1; }",
    head: "enum Color { COLOR_UNSPECIFIED = 0; RED = 5; }",
    expect: [["proto.enum-value-number-changed", "breaking", "t.Color.RED"]],
  },
  {
    name: "enum value renamed",
    base: "enum Color { COLOR_UNSPECIFIED = 0; RED = 1; }",
    head: "enum Color { COLOR_UNSPECIFIED = 0; CRIMSON = 1; }",
    expect: [["proto.enum-value-renamed", "dangerous", "t.Color.CRIMSON"]],
  },
  {
    name: "enum value added to an enum clients may read",
    base: "enum Status { STATUS_UNSPECIFIED = 0; READY = 1; }",
    head: "enum Status { STATUS_UNSPECIFIED = 0; READY = 1; LOADING = 2; }",
    expect: [["proto.enum-value-added", "dangerous", "t.Status.LOADING"]],
  },
  {
    name: "enum value added to an enum only requests use",
    base: `enum Mode { MODE_UNSPECIFIED = 0; FAST = 1; } message Req { Mode mode = 1; }\n${SVC}`,
    head: `enum Mode { MODE_UNSPECIFIED = 0; FAST = 1; ACCURATE = 2; } message Req { Mode mode = 1; }\n${SVC}`,
    expect: [["proto.request-enum-value-added", "safe", "t.Mode.ACCURATE"]],
  },
  {
    name: "editions: enum made closed",
    base: 'edition = "2023"; package t; enum E { E0 = 0; E1 = 1; }',
    head: 'edition = "2023"; package t; enum E { option features.enum_type = CLOSED; E0 = 0; E1 = 1; }',
    expect: [["proto.enum-openness-changed", "dangerous", "t.E"]],
  },
  {
    name: "reserved enum values lifted",
    base: 'enum E { E0 = 0; reserved 3 to 4; reserved "OLD"; }',
    head: "enum E { E0 = 0; }",
    expect: [["proto.reserved-removed", "dangerous", "t.E"]],
  },
];

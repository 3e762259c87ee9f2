import { describe, expect, it } from "vitest";
import { diffProto, type ProtoSource, readProtoModel } from "../../src/proto/index.js";
import { edit, INFERENCE_PROTO } from "./inference-proto.js";

const PATH = "inference/grpc_service.proto";
const side = (text: string): ProtoSource => ({ files: [{ path: PATH, text }], root: "api" });
const BASE = side(INFERENCE_PROTO);

/** 1-based line of the one line of `text` that contains `snippet`. */
function lineOf(text: string, snippet: string): number {
  const lines = text.split("\n");
  const hits = lines.flatMap((l, i) => (l.includes(snippet) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`${snippet} occurs on ${hits.length} lines`);
  return hits[0]!;
}

/** 1-based line of the first line containing `snippet` after the line containing `anchor`. */
function lineAfter(text: string, anchor: string, snippet: string): number {
  const from = lineOf(text, anchor);
  const at = text.split("\n").findIndex((l, i) => i >= from && l.includes(snippet));
  if (at === -1) throw new Error(`${snippet} not found after ${anchor}`);
  return at + 1;
}

describe("KServe / Triton v2 style inference service", () => {
  it("reads every service, RPC, message and field with its line", () => {
    const model = readProtoModel(BASE);
    const service = model.services.get("inference.GRPCInferenceService")!;
    expect(service.methods.map((m) => m.name)).toEqual([
      "ServerLive",
      "ServerReady",
      "ModelReady",
      "ModelMetadata",
      "ModelInfer",
      "ModelStreamInfer",
    ]);
    const stream = service.methods.find((m) => m.name === "ModelStreamInfer")!;
    expect(stream).toMatchObject({ clientStreaming: true, serverStreaming: true });
    expect(stream.location).toEqual({
      file: `api/${PATH}`,
      line: lineOf(INFERENCE_PROTO, "rpc ModelStreamInfer"),
    });
    const tensor = model.messages.get("inference.ModelInferRequest.InferInputTensor")!;
    expect(tensor.location.line).toBe(lineOf(INFERENCE_PROTO, "message InferInputTensor"));
    const params = tensor.fields.find((f) => f.name === "parameters")!;
    expect(params).toMatchObject({
      cardinality: "map",
      mapKey: "string",
      type: { kind: "message", name: "inference.InferParameter" },
    });
    const completed = model.messages
      .get("inference.ModelInferResponse")!
      .fields.find((f) => f.name === "completed_at")!;
    expect(completed.type).toEqual({ kind: "message", name: "google.protobuf.Timestamp" });
    expect(completed.location.line).toBe(lineOf(INFERENCE_PROTO, "completed_at = 7"));
    expect(model.messages.get("inference.InferParameter")!.oneofs.get("parameter_choice")).toEqual([
      1, 2, 3, 4, 5,
    ]);
  });

  it("finds no change between a file and itself", () => {
    expect(diffProto(BASE, BASE)).toEqual([]);
  });

  it("reports a renamed request field as a JSON break at both lines", () => {
    const head = edit(
      INFERENCE_PROTO,
      "  string id = 3;\n  map<string, InferParameter> parameters = 4;\n  repeated InferInputTensor",
      "  string request_id = 3;\n  map<string, InferParameter> parameters = 4;\n  repeated InferInputTensor",
    );
    const changes = diffProto(BASE, side(head));
    expect(changes).toEqual([
      {
        rule: "proto.field-renamed",
        level: "dangerous",
        message:
          "field 3 of inference.ModelInferRequest was renamed from id to request_id (JSON key id → requestId)",
        path: "inference.ModelInferRequest.request_id",
        group: "inference.ModelInferRequest",
        base: {
          file: `api/${PATH}`,
          line: lineAfter(INFERENCE_PROTO, "message ModelInferRequest {", "string id = 3;"),
        },
        head: { file: `api/${PATH}`, line: lineOf(head, "string request_id = 3") },
      },
    ]);
  });

  it("blocks removing a response field without reserving its number", () => {
    const head = edit(INFERENCE_PROTO, "  repeated bytes raw_output_contents = 6;\n", "");
    const changes = diffProto(BASE, side(head));
    expect(changes.map((c) => [c.rule, c.level, c.path, c.base?.line])).toEqual([
      [
        "proto.field-removed",
        "breaking",
        "inference.ModelInferResponse.raw_output_contents",
        lineOf(INFERENCE_PROTO, "raw_output_contents"),
      ],
    ]);
  });

  it("judges widening by who reads the message", () => {
    // InferInputTensor travels only in requests: the server reads it, so int32 → int64 is lossless.
    const narrowBase = edit(
      INFERENCE_PROTO,
      "    string datatype = 2;\n    repeated int64 shape = 3;\n    map<string, InferParameter> parameters = 4;\n    InferTensorContents contents = 5;\n  }\n\n  message InferRequestedOutputTensor",
      "    string datatype = 2;\n    repeated int32 shape = 3;\n    map<string, InferParameter> parameters = 4;\n    InferTensorContents contents = 5;\n  }\n\n  message InferRequestedOutputTensor",
    );
    const request = diffProto(side(narrowBase), BASE);
    expect(request.map((c) => [c.rule, c.level, c.path])).toEqual([
      ["proto.request-field-type-widened", "safe", "inference.ModelInferRequest.InferInputTensor.shape"],
    ]);
    // InferTensorContents is in requests and responses: old clients would truncate.
    const contents = edit(
      INFERENCE_PROTO,
      "repeated int32 int_contents = 2;",
      "repeated int64 int_contents = 2;",
    );
    expect(diffProto(BASE, side(contents)).map((c) => [c.rule, c.level])).toEqual([
      ["proto.field-type-changed-wire-compatible", "dangerous"],
    ]);
  });

  it("blocks turning the streaming RPC into a unary one", () => {
    const head = edit(
      INFERENCE_PROTO,
      "rpc ModelStreamInfer(stream ModelInferRequest) returns (stream ModelStreamInferResponse)",
      "rpc ModelStreamInfer(ModelInferRequest) returns (stream ModelStreamInferResponse)",
    );
    const [change, ...rest] = diffProto(BASE, side(head));
    expect(rest).toEqual([]);
    expect(change).toMatchObject({
      rule: "proto.rpc-client-streaming-changed",
      level: "breaking",
      path: "inference.GRPCInferenceService.ModelStreamInfer",
      group: "inference.GRPCInferenceService.ModelStreamInfer",
    });
  });

  it("a new RPC with new messages is safe", () => {
    const head =
      INFERENCE_PROTO.replace(
        "  rpc ModelInfer(ModelInferRequest) returns (ModelInferResponse) {}\n",
        "  rpc ModelInfer(ModelInferRequest) returns (ModelInferResponse) {}\n  rpc ModelConfig(ModelConfigRequest) returns (ModelConfigResponse) {}\n",
      ) +
      "message ModelConfigRequest { string name = 1; }\nmessage ModelConfigResponse { string config_json = 1; }\n";
    const changes = diffProto(BASE, side(head));
    expect(changes.map((c) => [c.rule, c.level, c.path])).toEqual([
      ["proto.rpc-added", "safe", "inference.GRPCInferenceService.ModelConfig"],
      ["proto.message-added", "safe", "inference.ModelConfigRequest"],
      ["proto.message-added", "safe", "inference.ModelConfigResponse"],
    ]);
  });

  it("a versioned package move is one breaking change, not one per declaration", () => {
    const head = edit(INFERENCE_PROTO, "package inference;", "package inference.v2;");
    expect(diffProto(BASE, side(head)).map((c) => [c.rule, c.level, c.path, c.head?.line])).toEqual([
      ["proto.package-changed", "breaking", PATH, lineOf(head, "package inference.v2;")],
    ]);
  });

  it("splitting the file in two with an import changes nothing", () => {
    const start = INFERENCE_PROTO.indexOf("// A value of a request or response parameter.");
    const end = INFERENCE_PROTO.indexOf("message ModelInferRequest {");
    const shared = `syntax = "proto3";\npackage inference;\n${INFERENCE_PROTO.slice(start, end)}`;
    const main = edit(
      INFERENCE_PROTO.slice(0, start) + INFERENCE_PROTO.slice(end),
      'import "google/protobuf/timestamp.proto";',
      'import "google/protobuf/timestamp.proto";\nimport "inference/tensor.proto";',
    );
    const head: ProtoSource = {
      files: [
        { path: PATH, text: main },
        { path: "inference/tensor.proto", text: shared },
      ],
    };
    expect(diffProto(BASE, head)).toEqual([]);
  });
});

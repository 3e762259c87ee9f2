/**
 * A gRPC inference service in the shape of the KServe / Triton v2 protocol (health, metadata and
 * inference RPCs; tensors described by name, datatype and shape; typed or raw contents), written
 * for these tests. `variant` edits let a test derive head versions from it.
 */
export const INFERENCE_PROTO = `syntax = "proto3";

package inference;

import "google/protobuf/timestamp.proto";

// Health, metadata and inference for the models a server hosts.
service GRPCInferenceService {
  // Whether the server process is up.
  rpc ServerLive(ServerLiveRequest) returns (ServerLiveResponse) {}

  // Whether the server can take inference requests.
  rpc ServerReady(ServerReadyRequest) returns (ServerReadyResponse) {}

  // Whether one model can take inference requests.
  rpc ModelReady(ModelReadyRequest) returns (ModelReadyResponse) {}

  rpc ModelMetadata(ModelMetadataRequest) returns (ModelMetadataResponse) {}

  // One inference.
  rpc ModelInfer(ModelInferRequest) returns (ModelInferResponse) {}

  // Many inferences over one bidirectional stream.
  rpc ModelStreamInfer(stream ModelInferRequest) returns (stream ModelStreamInferResponse) {}
}

message ServerLiveRequest {}

message ServerLiveResponse {
  bool live = 1;
}

message ServerReadyRequest {}

message ServerReadyResponse {
  bool ready = 1;
}

message ModelReadyRequest {
  string name = 1;
  string version = 2;
}

message ModelReadyResponse {
  bool ready = 1;
}

message ModelMetadataRequest {
  string name = 1;
  string version = 2;
}

message ModelMetadataResponse {
  message TensorMetadata {
    string name = 1;
    // BOOL, UINT8, ..., FP32, FP64, BYTES
    string datatype = 2;
    // -1 marks a dimension of any size.
    repeated int64 shape = 3;
  }

  string name = 1;
  repeated string versions = 2;
  string platform = 3;
  repeated TensorMetadata inputs = 4;
  repeated TensorMetadata outputs = 5;
}

// A value of a request or response parameter.
message InferParameter {
  oneof parameter_choice {
    bool bool_param = 1;
    int64 int64_param = 2;
    string string_param = 3;
    double double_param = 4;
    uint64 uint64_param = 5;
  }
}

// Tensor elements in typed form, flattened in row-major order.
message InferTensorContents {
  repeated bool bool_contents = 1;
  repeated int32 int_contents = 2;
  repeated int64 int64_contents = 3;
  repeated uint32 uint_contents = 4;
  repeated uint64 uint64_contents = 5;
  repeated float fp32_contents = 6;
  repeated double fp64_contents = 7;
  repeated bytes bytes_contents = 8;
}

message ModelInferRequest {
  message InferInputTensor {
    string name = 1;
    string datatype = 2;
    repeated int64 shape = 3;
    map<string, InferParameter> parameters = 4;
    InferTensorContents contents = 5;
  }

  message InferRequestedOutputTensor {
    string name = 1;
    map<string, InferParameter> parameters = 2;
  }

  string model_name = 1;
  string model_version = 2;
  string id = 3;
  map<string, InferParameter> parameters = 4;
  repeated InferInputTensor inputs = 5;
  repeated InferRequestedOutputTensor outputs = 6;
  // Raw little-endian tensor bytes, one entry per input, instead of typed contents.
  repeated bytes raw_input_contents = 7;
}

message ModelInferResponse {
  message InferOutputTensor {
    string name = 1;
    string datatype = 2;
    repeated int64 shape = 3;
    map<string, InferParameter> parameters = 4;
    InferTensorContents contents = 5;
  }

  string model_name = 1;
  string model_version = 2;
  string id = 3;
  map<string, InferParameter> parameters = 4;
  repeated InferOutputTensor outputs = 5;
  repeated bytes raw_output_contents = 6;
  google.protobuf.Timestamp completed_at = 7;
}

message ModelStreamInferResponse {
  string error_message = 1;
  ModelInferResponse infer_response = 2;
}
`;

/** Replace exactly one occurrence of `from` (so a test fails loudly when the fixture drifts). */
export function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at === -1 || text.indexOf(from, at + 1) !== -1) {
    throw new Error(`fixture edit: ${JSON.stringify(from)} must occur exactly once`);
  }
  return text.slice(0, at) + to + text.slice(at + from.length);
}

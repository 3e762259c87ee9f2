import protobuf from "protobufjs/light.js";
import { lazyTensorDataDescriptor, onnxDescriptor } from "./descriptor.js";

export * from "./descriptor.js";
export type * from "./messages.js";

/** The ONNX schema as a protobufjs reflection root (official field types; used to encode). */
export const onnxRoot: protobuf.Root = protobuf.Root.fromJSON(onnxDescriptor());
onnxRoot.resolveAll();

/** The schema the reader decodes with: tensor element data stays a view into the file. */
export const onnxDecodeRoot: protobuf.Root = protobuf.Root.fromJSON(lazyTensorDataDescriptor());
onnxDecodeRoot.resolveAll();

export const ModelProto: protobuf.Type = onnxRoot.lookupType("onnx.ModelProto");
export const DecodeModelProto: protobuf.Type = onnxDecodeRoot.lookupType("onnx.ModelProto");

export { protobuf };

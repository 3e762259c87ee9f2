import protobuf from "protobufjs/light.js";
import { lazyTensorDataDescriptor, onnxDescriptor } from "./descriptor.js";

export * from "./descriptor.js";
export type * from "./messages.js";

// The reflection roots are built on first use: every gate bundles this package, and most never
// read or write a model, so building them at load time would tax every start-up.
let encodeType: protobuf.Type | undefined;
let decodeType: protobuf.Type | undefined;

function modelType(descriptor: protobuf.INamespace): protobuf.Type {
  const root = protobuf.Root.fromJSON(descriptor);
  root.resolveAll();
  return root.lookupType("onnx.ModelProto");
}

/** onnx.ModelProto with the official field types (used to encode). */
export function modelProto(): protobuf.Type {
  encodeType ??= modelType(onnxDescriptor());
  return encodeType;
}

/** onnx.ModelProto as the reader decodes it: tensor element data stays a view into the file. */
export function decodeModelProto(): protobuf.Type {
  decodeType ??= modelType(lazyTensorDataDescriptor());
  return decodeType;
}

export { protobuf };

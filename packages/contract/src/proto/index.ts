export { diffProto, diffProtoModels, type ProtoDiffOptions, readProtoModel } from "./diff.js";
export { DEFAULT_PROTO_LIMITS, type ProtoLimits } from "./limits.js";
export { type LoadProtoOptions, loadProtoSource, type ProtoFileReader } from "./load.js";
export type {
  Cardinality,
  Presence,
  ProtoEnum,
  ProtoEnumValue,
  ProtoField,
  ProtoFileInfo,
  ProtoMessage,
  ProtoMethod,
  ProtoModel,
  ProtoService,
  ProtoTypeRef,
  ReservedSet,
} from "./model.js";
export { PROTO_RULES, type ProtoRuleId } from "./rules.js";
export type { ProtoFile, ProtoSource } from "./source.js";

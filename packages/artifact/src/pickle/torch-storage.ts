/** Torch persistent ids: how a pickle refers to tensor storages kept outside the pickle. */
import { asInt, describe, isGlobal, isSeq, type Persistent } from "./values.js";

const ELEMENT_SIZE: Record<string, number> = {
  FloatStorage: 4,
  DoubleStorage: 8,
  HalfStorage: 2,
  BFloat16Storage: 2,
  LongStorage: 8,
  IntStorage: 4,
  ShortStorage: 2,
  CharStorage: 1,
  ByteStorage: 1,
  BoolStorage: 1,
  ComplexFloatStorage: 8,
  ComplexDoubleStorage: 16,
  QUInt8Storage: 1,
  QInt8Storage: 1,
  QInt32Storage: 4,
  QUInt4x2Storage: 1,
  QUInt2x4Storage: 1,
  UntypedStorage: 1,
};

export interface StorageRef {
  key: string;
  /** Storage class name, e.g. FloatStorage. */
  type: string;
  location: string;
  numel: number;
  /** Bytes per element, when the storage class is known. */
  elementSize?: number;
  offset: number;
}

/** A `('storage', type, key, location, numel[, view])` id, or why the id is not one. */
export function storageRef(p: Persistent): StorageRef | string {
  const pid = p.pid;
  if (!isSeq(pid, "tuple")) return `persistent id is ${describe(pid)}, not a tuple`;
  const [tag, type, key, location, numel] = pid.items;
  if (tag !== "storage") return `persistent id kind is ${describe(tag)}, not "storage"`;
  if (!isGlobal(type)) return `storage type is ${describe(type)}, not a torch storage class`;
  if (typeof key !== "string") return `storage key is ${describe(key)}, not a string`;
  if (typeof location !== "string") return `storage location is ${describe(location)}, not a string`;
  const n = asInt(numel);
  if (n === undefined || n < 0) return `storage size is ${describe(numel)}`;
  const isTorchModule = type.module === "torch" || type.module === "torch.storage";
  const elementSize = isTorchModule ? ELEMENT_SIZE[type.name] : undefined;
  return {
    key,
    type: type.name,
    location,
    numel: n,
    ...(elementSize !== undefined ? { elementSize } : {}),
    offset: p.offset,
  };
}

import type { Finding } from "@mlgate/core";

export interface SafetensorsLimits {
  /** Largest accepted JSON header, in bytes (the reference reader refuses more than 100 MB). */
  maxHeaderBytes: number;
  /** Most tensors in one file. */
  maxTensors: number;
  /** Deepest nesting of the JSON header (a valid one is 3 deep). */
  maxDepth: number;
  /** Most dimensions of one tensor. */
  maxRank: number;
}

export const DEFAULT_SAFETENSORS_LIMITS: Readonly<SafetensorsLimits> = Object.freeze({
  maxHeaderBytes: 100_000_000,
  maxTensors: 1_000_000,
  maxDepth: 16,
  maxRank: 64,
});

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte range inside the data section (after the header). */
  begin: number;
  end: number;
  elementCount: number;
}

export interface SafetensorsInspection {
  file: string;
  byteLength: number;
  /** Length of the JSON header, when the first 8 bytes could be read. */
  headerLength?: number;
  metadata: Record<string, string>;
  /** The tensors whose entries are well-formed, in offset order. */
  tensors: SafetensorsTensor[];
  /** Sum of the element counts of those tensors. */
  parameters: number;
  /** Problems found; an empty list means the file is a well-formed safetensors file. */
  findings: Finding[];
  /** Non-finite values per float tensor, when the values were scanned. */
  nonFinite?: { tensor: string; nan: number; inf: number }[];
}

/** Bounds on what the reader accepts; each protects memory or time against a hostile file. */
export interface OnnxLimits {
  /** Largest .onnx file read, in bytes (protobuf itself stops at 2 GiB; larger models use external data). */
  maxBytes: number;
  /** Nodes across the main graph, subgraphs and functions. */
  maxNodes: number;
  /** Graphs nested inside graphs through If/Loop/Scan attributes (the main graph is depth 1). */
  maxGraphDepth: number;
  /** Initializers (dense and sparse) across all graphs. */
  maxInitializers: number;
  /** Longest name, doc string, metadata value or string attribute, in bytes. */
  maxStringLength: number;
  /**
   * Protobuf values decoded into separate JS objects (messages, strings, numbers of repeated fields).
   * Element data kept as views into the file does not count. Bounds decoding memory to roughly
   * 100 bytes per value whatever the file holds.
   */
  maxFields: number;
}

export const DEFAULT_ONNX_LIMITS: Readonly<OnnxLimits> = Object.freeze({
  maxBytes: 4 * 1024 ** 3,
  maxNodes: 1_000_000,
  maxGraphDepth: 16,
  maxInitializers: 1_000_000,
  maxStringLength: 64 * 1024 ** 2,
  maxFields: 10_000_000,
});

export function resolveLimits(partial: Partial<OnnxLimits> | undefined): OnnxLimits {
  return { ...DEFAULT_ONNX_LIMITS, ...partial };
}

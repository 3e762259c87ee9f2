/**
 * Shared tensor-signature vocabulary: what validate-artifact reads from a model or a manifest,
 * what contract-diff compares, and what eval-gate feeds to a session.
 */

/** A dimension: a fixed size, a symbolic name (`batch`, `N`), or unknown. */
export type Dim = number | string | null;

/** Element types by their numpy-style names: float32, float16, bfloat16, int64, uint8, bool, string, ... */
export type DType = string;

export interface TensorSpec {
  name: string;
  dtype: DType;
  /** null when the rank itself is unknown. */
  shape: Dim[] | null;
}

/** A model's inputs and outputs, in graph order. */
export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

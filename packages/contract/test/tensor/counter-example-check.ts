import type { Dim, ModelSignature, TensorSpec } from "@mlgate/onnx";
import type { Change } from "../../src/change.js";
import { normalizeDType } from "../../src/tensor/index.js";

interface Tensor {
  name: string;
  dtype: string;
  shape: number[] | null;
}

/** Written independently of the engine: does a concrete tensor fit a declared one? */
function fits(declared: TensorSpec, tensor: Tensor): boolean {
  if (normalizeDType(declared.dtype) !== normalizeDType(tensor.dtype)) return false;
  if (declared.shape === null) return true;
  if (tensor.shape === null || declared.shape.length !== tensor.shape.length) return false;
  const bound = new Map<string, number>();
  for (let i = 0; i < declared.shape.length; i++) {
    const d: Dim = declared.shape[i]!;
    const size = tensor.shape[i]!;
    if (!Number.isInteger(size) || size < 0) return false;
    if (typeof d === "number" && d !== size) return false;
    if (typeof d === "string") {
      if (bound.has(d) && bound.get(d) !== size) return false;
      bound.set(d, size);
    }
  }
  return true;
}

/** A runtime's view of one feed: every declared input present and fitting, nothing undeclared. */
function acceptsFeed(sig: ModelSignature, feed: Tensor[]): boolean {
  const byName = new Map(feed.map((t) => [t.name, t]));
  if (byName.size !== feed.length) return false;
  if (feed.some((t) => !sig.inputs.some((i) => i.name === t.name))) return false;
  return sig.inputs.every((i) => byName.has(i.name) && fits(i, byName.get(i.name)!));
}

/** Whether a signature's model may produce this output tensor. */
function mayProduce(sig: ModelSignature, tensor: Tensor): boolean {
  const out = sig.outputs.find((o) => o.name === tensor.name);
  return out !== undefined && fits(out, tensor);
}

/**
 * Check a change's counter-example against both signatures: a request payload must be accepted
 * by the base and rejected by the head; a response payload must be possible for the head and
 * impossible for the base. Returns "" when it holds, otherwise why not.
 */
export function verifyCounterExample(change: Change, base: ModelSignature, head: ModelSignature): string {
  const ce = change.counterExample;
  if (!ce) return "no counter-example";
  const payload = ce.payload as Record<string, unknown>;
  if (ce.direction === "request") {
    let feed: Tensor[];
    if (Array.isArray(payload.inputs)) feed = payload.inputs as Tensor[];
    else {
      // One tensor: complete it with fitting examples of the other base inputs.
      const one = payload as unknown as Tensor;
      const others = base.inputs
        .filter((i) => i.name !== one.name)
        .map((i) => ({
          name: i.name,
          dtype: i.dtype,
          shape: i.shape?.map((d) => (typeof d === "number" ? d : 1)) ?? [1],
        }));
      feed = [one, ...others];
      // The head must reject the tensor itself, not a sibling filled in here.
      const headFeed = [
        one,
        ...head.inputs
          .filter((i) => i.name !== one.name)
          .map((i) => ({
            name: i.name,
            dtype: i.dtype,
            shape: i.shape?.map((d) => (typeof d === "number" ? d : 1)) ?? [1],
          })),
      ];
      if (!acceptsFeed(base, feed)) return `base rejects ${JSON.stringify(feed)}`;
      if (acceptsFeed(head, headFeed)) return `head accepts ${JSON.stringify(headFeed)}`;
      return "";
    }
    if (!acceptsFeed(base, feed)) return `base rejects ${JSON.stringify(feed)}`;
    if (acceptsFeed(head, feed)) return `head accepts ${JSON.stringify(feed)}`;
    return "";
  }
  if (Array.isArray(payload.outputs)) {
    const names = payload.outputs as string[];
    if (base.outputs.every((o) => names.includes(o.name))) return "the result has every base output";
    return "";
  }
  const tensor = payload as unknown as Tensor;
  if (!mayProduce(head, tensor)) return `head cannot produce ${JSON.stringify(tensor)}`;
  if (mayProduce(base, tensor)) return `base could produce ${JSON.stringify(tensor)}`;
  return "";
}

/**
 * joblib writes each numpy array as a NumpyArrayWrapper header followed by the raw array bytes,
 * inline in the pickle stream (an object array is a whole nested pickle instead). The loader
 * reads those bytes right after BUILD gives the header its state, so the scanner must too:
 * it sizes them from the header's shape and dtype and resumes at the next opcode.
 */

import { asInt, type Call, describe, dictGet, isCall, isDict, isSeq, type Value } from "./values.js";
import type { BuildHook } from "./walker.js";

const WRAPPER_MODULES = new Set(["joblib.numpy_pickle", "sklearn.externals.joblib.numpy_pickle"]);

export function isJoblibWrapper(call: Call): boolean {
  return WRAPPER_MODULES.has(call.callee.module) && call.callee.name === "NumpyArrayWrapper";
}

interface DtypeInfo {
  itemsize: number;
  hasObject: boolean;
}

/** Item size of a numpy dtype rebuilt as numpy.dtype(descr, False, True) + BUILD(state). */
function dtypeInfo(v: Value | undefined): DtypeInfo | string {
  if (!isCall(v) || v.callee.module !== "numpy" || v.callee.name !== "dtype")
    return `dtype is ${describe(v)}`;
  const args = v.args;
  const descr = isSeq(args, "tuple") ? args.items[0] : undefined;
  if (typeof descr !== "string") return "dtype descriptor is not a string";
  const state = v.state;
  if (isSeq(state, "tuple")) {
    const names = state.items[3];
    const fields = state.items[4];
    const subarray = state.items[2];
    if ((names !== null && names !== undefined) || (fields !== null && fields !== undefined)) {
      return `structured dtype ${descr} is not supported`;
    }
    if (subarray !== null && subarray !== undefined) return `sub-array dtype ${descr} is not supported`;
  }
  const m = /^([biufcmMOSUV])(\d+)$/.exec(descr);
  if (!m) return `dtype ${JSON.stringify(descr)} is not a plain numeric, bytes or text type`;
  const kind = m[1] as string;
  const n = Number(m[2]);
  return { itemsize: kind === "U" ? n * 4 : n, hasObject: kind === "O" };
}

export const joblibArrayHook: BuildHook = (call, ctx) => {
  if (!isJoblibWrapper(call)) return;
  const state = call.state;
  if (!isDict(state)) {
    ctx.issue("joblib.unsupported-array", `NumpyArrayWrapper state is ${describe(state)}, not a dict`, true);
    return;
  }
  const shape = dictGet(state, "shape");
  if (!isSeq(shape, "tuple") || shape.items.length !== shape.size) {
    ctx.issue("joblib.unsupported-array", `NumpyArrayWrapper shape is ${describe(shape)}`, true);
    return;
  }
  let count = 1;
  for (const d of shape.items) {
    const n = asInt(d);
    if (n === undefined || n < 0) {
      ctx.issue("joblib.unsupported-array", `NumpyArrayWrapper shape has dimension ${describe(d)}`, true);
      return;
    }
    count *= n;
  }
  const dtype = dtypeInfo(dictGet(state, "dtype"));
  if (typeof dtype === "string") {
    ctx.issue("joblib.unsupported-array", `cannot size the joblib array data: ${dtype}`, true);
    return;
  }
  const c = ctx.cursor;
  if (c.frameEnd >= 0 && c.pos < c.frameEnd) {
    ctx.issue("pickle.malformed", "joblib array data starts inside a pickle frame", true);
    return;
  }
  if (dtype.hasObject) {
    const nested = ctx.walkNested();
    if (!nested.stopped)
      ctx.issue("pickle.malformed", "the pickle of a joblib object array does not end", true);
    return;
  }
  const alignment = dictGet(state, "numpy_array_alignment_bytes");
  if (alignment !== undefined && alignment !== null) {
    const padding = c.u8("joblib array padding length");
    c.skip(padding, "joblib array padding");
  }
  const bytes = count * dtype.itemsize;
  if (!Number.isSafeInteger(bytes) || c.pos + bytes > c.size) {
    ctx.issue(
      "pickle.malformed",
      `joblib array data of ${bytes} bytes runs past the end of the file (${c.size - c.pos} bytes left)`,
      true,
    );
    return;
  }
  c.skip(bytes, "joblib array data");
};

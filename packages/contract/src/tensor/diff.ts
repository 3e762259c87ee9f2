import type { Dim, ModelSignature, TensorSpec } from "@mlgate/onnx";
import type { Change, CounterExample, SourceLocation } from "../change.js";
import type { SignatureWhere } from "./document.js";
import { normalizeDType } from "./dtypes.js";
import { type TensorRuleId, tensorChange } from "./rules.js";
import { concreteShape, formatDim, formatShape, shapeAccepts } from "./shapes.js";

type Side = "input" | "output";

export interface SignaturePlaces {
  base?: SignatureWhere;
  head?: SignatureWhere;
}

interface Indexed {
  spec: TensorSpec;
  index: number;
}

function normalize(spec: TensorSpec): TensorSpec {
  return { ...spec, dtype: normalizeDType(spec.dtype) };
}

/** Same dtype and the same shape up to the names of symbols: what a rename keeps. */
function lookAlike(a: TensorSpec, b: TensorSpec): boolean {
  if (a.dtype !== b.dtype) return false;
  if (a.shape === null || b.shape === null) return a.shape === b.shape;
  if (a.shape.length !== b.shape.length) return false;
  return a.shape.every((d, i) => {
    const e = b.shape![i]!;
    return typeof d === "number" || typeof e === "number" ? d === e : true;
  });
}

function example(spec: TensorSpec, shape: number[] | null) {
  return { name: spec.name, dtype: spec.dtype, shape };
}

/** A shape for a tensor declared as `shape`; an unknown rank yields a scalar-free rank-1 example. */
function anyShape(shape: readonly Dim[] | null): number[] {
  return shape === null ? [1] : concreteShape(shape, () => undefined);
}

class SignatureDiff {
  readonly changes: Change[] = [];

  constructor(private readonly where: SignaturePlaces) {}

  private locate(which: "base" | "head", side: Side, name: string | undefined): SourceLocation | undefined {
    const places = this.where[which];
    if (!places) return undefined;
    const map = side === "input" ? places.inputs : places.outputs;
    return (name === undefined ? undefined : map?.get(name)) ?? places.source;
  }

  private report(
    rule: TensorRuleId,
    side: Side,
    names: { base?: string; head?: string },
    message: string,
    counterExample?: CounterExample,
  ): void {
    const name = names.head ?? names.base;
    this.changes.push(
      tensorChange(rule, {
        message,
        // A change to the list as a whole (its order) sits at the list.
        path: name === undefined ? `${side}s` : `${side}s/${name}`,
        base: this.locate("base", side, names.base),
        head: this.locate("head", side, names.head),
        counterExample,
      }),
    );
  }

  side(side: Side, baseList: TensorSpec[], headList: TensorSpec[]): void {
    const base = new Map<string, Indexed>(baseList.map((spec, index) => [spec.name, { spec, index }]));
    const head = new Map<string, Indexed>(headList.map((spec, index) => [spec.name, { spec, index }]));
    const removed = baseList.filter((s) => !head.has(s.name));
    const added = headList.filter((s) => !base.has(s.name));

    // A rename is a removal and an addition that look alike and have no other look-alike.
    const renamed = new Map<string, TensorSpec>();
    for (const r of removed) {
      const candidates = added.filter((a) => lookAlike(r, a));
      if (candidates.length !== 1) continue;
      const a = candidates[0]!;
      if (removed.filter((x) => lookAlike(x, a)).length === 1) renamed.set(r.name, a);
    }
    const renamedTo = new Set([...renamed.values()].map((s) => s.name));

    for (const r of removed) {
      const to = renamed.get(r.name);
      if (to) this.renamed(side, r, to, headList);
      else this.removed(side, r, headList);
    }
    for (const a of added) {
      if (!renamedTo.has(a.name)) this.added(side, a, baseList, head.get(a.name)!.index, headList, base);
    }
    for (const b of baseList) {
      const h = head.get(b.name);
      if (h) this.compare(side, b, h.spec);
    }
    this.order(side, baseList, headList, head);
  }

  private removed(side: Side, spec: TensorSpec, headList: TensorSpec[]): void {
    if (side === "input") {
      this.report("tensor.input-removed", side, { base: spec.name }, `input ${spec.name} was removed`, {
        direction: "request",
        describes: `a feed of input ${spec.name}, which the head does not have`,
        payload: example(spec, anyShape(spec.shape)),
      });
    } else {
      this.report("tensor.output-removed", side, { base: spec.name }, `output ${spec.name} was removed`, {
        direction: "response",
        describes: `a result without output ${spec.name}`,
        payload: { outputs: headList.map((s) => s.name) },
      });
    }
  }

  private renamed(side: Side, from: TensorSpec, to: TensorSpec, headList: TensorSpec[]): void {
    const message = `${side} ${from.name} was renamed to ${to.name} (same dtype and shape)`;
    if (side === "input") {
      this.report("tensor.input-renamed", side, { base: from.name, head: to.name }, message, {
        direction: "request",
        describes: `a feed of input ${from.name} under its old name`,
        payload: example(from, anyShape(from.shape)),
      });
    } else {
      this.report("tensor.output-renamed", side, { base: from.name, head: to.name }, message, {
        direction: "response",
        describes: `a result without output ${from.name}`,
        payload: { outputs: headList.map((s) => s.name) },
      });
    }
  }

  private added(
    side: Side,
    spec: TensorSpec,
    baseList: TensorSpec[],
    index: number,
    headList: TensorSpec[],
    base: Map<string, Indexed>,
  ): void {
    const what = `${spec.name} (${spec.dtype} ${formatShape(spec.shape)})`;
    if (side === "input") {
      this.report("tensor.input-added", side, { head: spec.name }, `new required input ${what}`, {
        direction: "request",
        describes: `a complete feed for the base, without input ${spec.name}`,
        payload: { inputs: baseList.map((s) => example(s, anyShape(s.shape))) },
      });
      return;
    }
    // Positional clients are only safe if every existing output keeps its position.
    const before = headList.slice(index + 1).some((s) => base.has(s.name));
    if (before) {
      this.report(
        "tensor.output-order-changed",
        side,
        { head: spec.name },
        `new output ${what} comes before existing outputs, shifting their positions`,
      );
    } else {
      this.report("tensor.output-added", side, { head: spec.name }, `new output ${what}`);
    }
  }

  private compare(side: Side, b: TensorSpec, h: TensorSpec): void {
    const names = { base: b.name, head: h.name };
    const input = side === "input";
    if (b.dtype !== h.dtype) {
      this.report(
        input ? "tensor.input-dtype-changed" : "tensor.output-dtype-changed",
        side,
        names,
        `${side} ${h.name}: dtype changed from ${b.dtype} to ${h.dtype}`,
        input
          ? {
              direction: "request",
              describes: `input tensor ${b.name}`,
              payload: example(b, anyShape(b.shape)),
            }
          : {
              direction: "response",
              describes: `output tensor ${h.name}`,
              payload: example(h, anyShape(h.shape)),
            },
      );
    }
    if (b.shape === null || h.shape === null) {
      if (b.shape !== null) {
        this.report(
          "tensor.shape-became-unknown",
          side,
          names,
          `${side} ${h.name}: shape ${formatShape(b.shape)} is no longer declared`,
        );
      } else if (h.shape !== null) {
        this.report(
          input ? "tensor.input-shape-declared" : "tensor.output-shape-declared",
          side,
          names,
          `${side} ${h.name}: shape is now declared as ${formatShape(h.shape)}`,
        );
      }
      return;
    }
    if (b.shape.length !== h.shape.length) {
      this.report(
        input ? "tensor.input-rank-changed" : "tensor.output-rank-changed",
        side,
        names,
        `${side} ${h.name}: rank changed from ${b.shape.length} to ${h.shape.length} (${formatShape(b.shape)} → ${formatShape(h.shape)})`,
        input
          ? {
              direction: "request",
              describes: `input tensor ${b.name}`,
              payload: example(b, anyShape(b.shape)),
            }
          : {
              direction: "response",
              describes: `output tensor ${h.name}`,
              payload: example(h, anyShape(h.shape)),
            },
      );
      return;
    }
    this.dims(side, b, h);
  }

  /** Dimension by dimension, one change per rule listing the dimensions it concerns. */
  private dims(side: Side, b: TensorSpec, h: TensorSpec): void {
    const bs = b.shape!;
    const hs = h.shape!;
    const input = side === "input";
    const found = new Map<TensorRuleId, string[]>();
    const add = (rule: TensorRuleId, text: string) => {
      const list = found.get(rule) ?? [];
      list.push(text);
      found.set(rule, list);
    };
    bs.forEach((bd, i) => {
      const hd = hs[i]!;
      if (bd === hd) return;
      const from = formatDim(bd);
      const to = formatDim(hd);
      if (typeof bd === "number" && typeof hd === "number") {
        add(
          input ? "tensor.input-dim-size-changed" : "tensor.output-dim-size-changed",
          `dim ${i} ${from} → ${to}`,
        );
      } else if (typeof bd === "number") {
        add(input ? "tensor.input-dim-relaxed" : "tensor.output-dim-relaxed", `dim ${i} ${from} → ${to}`);
      } else if (typeof hd === "number") {
        add(input ? "tensor.input-dim-fixed" : "tensor.output-dim-fixed", `dim ${i} ${from} → ${to}`);
      } else {
        add("tensor.dim-symbol-renamed", `dim ${i} ${from} → ${to}`);
      }
    });
    if (found.size === 0) return;
    const shapes = `${formatShape(bs)} → ${formatShape(hs)}`;
    for (const [rule, dims] of found) {
      this.report(
        rule,
        side,
        { base: b.name, head: h.name },
        `${side} ${h.name}: ${dims.join(", ")} (${shapes})`,
        this.dimExample(rule, side, b, h),
      );
    }
  }

  /**
   * For a breaking dimension change, a tensor one side allows and the other does not: a feed the
   * base accepts and the head rejects, or a result the head may produce that the base could not.
   * Attached only when it verifies.
   */
  private dimExample(
    rule: TensorRuleId,
    side: Side,
    b: TensorSpec,
    h: TensorSpec,
  ): CounterExample | undefined {
    const bs = b.shape!;
    const hs = h.shape!;
    if (side === "input") {
      if (rule !== "tensor.input-dim-size-changed" && rule !== "tensor.input-dim-fixed") return undefined;
      const shape = concreteShape(bs, (i) => (typeof hs[i] === "number" ? (hs[i] as number) : undefined));
      if (!shapeAccepts(bs, shape) || shapeAccepts(hs, shape)) return undefined;
      return { direction: "request", describes: `input tensor ${b.name}`, payload: example(b, shape) };
    }
    if (rule !== "tensor.output-dim-size-changed" && rule !== "tensor.output-dim-relaxed") return undefined;
    const shape = concreteShape(hs, (i) => (typeof bs[i] === "number" ? (bs[i] as number) : undefined));
    if (!shapeAccepts(hs, shape) || shapeAccepts(bs, shape)) return undefined;
    return { direction: "response", describes: `output tensor ${h.name}`, payload: example(h, shape) };
  }

  /** The tensors present on both sides keep their relative order. */
  private order(
    side: Side,
    baseList: TensorSpec[],
    headList: TensorSpec[],
    head: Map<string, Indexed>,
  ): void {
    const common = baseList.filter((s) => head.has(s.name)).map((s) => s.name);
    const shared = new Set(common);
    const inHead = headList.filter((s) => shared.has(s.name)).map((s) => s.name);
    if (common.every((name, i) => inHead[i] === name)) return;
    this.report(
      side === "input" ? "tensor.input-order-changed" : "tensor.output-order-changed",
      side,
      {},
      `${side}s changed order: ${common.join(", ")} → ${inHead.join(", ")}`,
    );
  }
}

/**
 * Every change from the base signature to the head, classified by TENSOR_RULES. Inputs are judged
 * as requests (the head must accept every feed the base accepted), outputs as responses (the head
 * must only produce what the base could). `where` supplies file and line for each tensor.
 */
export function diffSignatures(
  base: ModelSignature,
  head: ModelSignature,
  where: SignaturePlaces = {},
): Change[] {
  const diff = new SignatureDiff(where);
  diff.side("input", base.inputs.map(normalize), head.inputs.map(normalize));
  diff.side("output", base.outputs.map(normalize), head.outputs.map(normalize));
  return diff.changes;
}

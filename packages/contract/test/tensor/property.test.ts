import { isGateError } from "@mlgate/core";
import type { Dim, ModelSignature, TensorSpec } from "@mlgate/onnx";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { DEFAULT_SIGNATURE_LIMITS, diffSignatures, parseSignatureText } from "../../src/tensor/index.js";
import { verifyCounterExample } from "./counter-example-check.js";

const NAMES = ["input", "x", "mask", "ids", "y", "probabilities", "label", "logits"];
const DTYPES = ["float32", "float16", "int64", "int32", "bool", "uint8", "string"];

const dimArb: fc.Arbitrary<Dim> = fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.constantFrom("N", "B", "seq"),
  fc.constant(null),
);
const tensorArb = (name: string): fc.Arbitrary<TensorSpec> =>
  fc.record({
    name: fc.constant(name),
    dtype: fc.constantFrom(...DTYPES),
    shape: fc.option(fc.array(dimArb, { maxLength: 4 }), { freq: 8, nil: null }),
  });
const listArb = fc
  .uniqueArray(fc.constantFrom(...NAMES), { maxLength: 4 })
  .chain((names) => fc.tuple(...names.map(tensorArb)));
const signatureArb: fc.Arbitrary<ModelSignature> = fc.record({ inputs: listArb, outputs: listArb });

type Mutation = (sig: ModelSignature, pick: number, value: TensorSpec) => ModelSignature;

function onList(
  sig: ModelSignature,
  pick: number,
  f: (list: TensorSpec[], i: number) => TensorSpec[],
): ModelSignature {
  const side = pick % 2 ? "outputs" : "inputs";
  const list = sig[side];
  if (list.length === 0) return sig;
  return { ...sig, [side]: f([...list], Math.floor(pick / 2) % list.length) };
}

const MUTATIONS: Mutation[] = [
  (s, p) => onList(s, p, (l, i) => l.filter((_, j) => j !== i)),
  (s, p, v) => {
    const side = p % 2 ? "outputs" : "inputs";
    if (s[side].some((t) => t.name === v.name)) return s;
    const list = [...s[side]];
    list.splice(Math.floor(p / 2) % (list.length + 1), 0, v);
    return { ...s, [side]: list };
  },
  (s, p, v) =>
    onList(s, p, (l, i) =>
      l.some((t) => t.name === v.name) ? l : l.map((t, j) => (j === i ? { ...t, name: v.name } : t)),
    ),
  (s, p, v) => onList(s, p, (l, i) => l.map((t, j) => (j === i ? { ...t, dtype: v.dtype } : t))),
  (s, p, v) => onList(s, p, (l, i) => l.map((t, j) => (j === i ? { ...t, shape: v.shape } : t))),
  (s, p, v) =>
    onList(s, p, (l, i) =>
      l.map((t, j) =>
        j === i && t.shape && t.shape.length > 0
          ? { ...t, shape: [v.shape?.[0] ?? null, ...t.shape.slice(1)] }
          : t,
      ),
    ),
  (s, p) => onList(s, p, (l) => [...l].reverse()),
];

const mutatedArb = fc
  .tuple(
    signatureArb,
    fc.array(
      fc.tuple(
        fc.nat({ max: MUTATIONS.length - 1 }),
        fc.nat(),
        tensorArb("z").chain((t) => fc.constantFrom(...NAMES, "z").map((name) => ({ ...t, name }))),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([base, steps]) => ({ base, head: steps.reduce((s, [m, p, v]) => MUTATIONS[m]!(s, p, v), base) }));

describe("tensor signature diff properties", () => {
  it("diff(X, X) is empty", () => {
    fc.assert(
      fc.property(signatureArb, (sig) => {
        expect(diffSignatures(sig, structuredClone(sig))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("every breaking change carries a counter-example that really separates base from head", () => {
    fc.assert(
      fc.property(mutatedArb, ({ base, head }) => {
        const changes = diffSignatures(base, head);
        for (const change of changes) {
          if (change.level !== "breaking") continue;
          expect([change.rule, verifyCounterExample(change, base, head)]).toEqual([change.rule, ""]);
          // The check can fail: with the sides swapped, a single-tensor payload no longer separates them.
          const payload = change.counterExample!.payload as Record<string, unknown>;
          if (!("inputs" in payload) && !("outputs" in payload)) {
            expect(verifyCounterExample(change, head, base)).not.toBe("");
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a change is reported whenever the signatures differ (after dtype spelling)", () => {
    fc.assert(
      fc.property(mutatedArb, ({ base, head }) => {
        const same = JSON.stringify(base) === JSON.stringify(head);
        expect(diffSignatures(base, head).length === 0).toBe(same);
      }),
      { numRuns: 300 },
    );
  });

  it("a manifest written from a signature reads back to the same signature", () => {
    fc.assert(
      fc.property(signatureArb, fc.boolean(), (sig, flow) => {
        const text = stringify({ name: "m", signature: sig }, flow ? { collectionStyle: "flow" } : {});
        const doc = parseSignatureText(text, "m.yaml", "yaml", DEFAULT_SIGNATURE_LIMITS);
        expect(doc.signature).toEqual(sig);
        for (const t of sig.inputs) expect(doc.inputs?.get(t.name)?.line).toBeGreaterThan(0);
      }),
      { numRuns: 100 },
    );
  });

  it("random edits of a manifest yield a signature or a GateError, in bounded time", () => {
    const token = fc.constantFrom(
      "[",
      "]",
      "{",
      "}",
      "-",
      ":",
      " ",
      "\n",
      "  ",
      "'",
      '"',
      "*a",
      "&a ",
      "!!str",
      "#",
      "null",
      "-1",
      "1e9",
      "N",
      "shape:",
      "\t",
      "\u0000",
    );
    const edit = fc.record({
      at: fc.nat(),
      length: fc.nat({ max: 12 }),
      insert: fc.array(token, { maxLength: 5 }),
    });
    fc.assert(
      fc.property(signatureArb, fc.array(edit, { minLength: 1, maxLength: 5 }), (sig, edits) => {
        let text = stringify({ signature: sig });
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert.join("") + text.slice(at + e.length);
        }
        const start = performance.now();
        try {
          const doc = parseSignatureText(text, "m.yaml", "yaml", DEFAULT_SIGNATURE_LIMITS);
          expect(Array.isArray(diffSignatures(sig, doc.signature))).toBe(true);
        } catch (e) {
          if (!isGateError(e)) throw e;
        }
        expect(performance.now() - start).toBeLessThan(1000);
      }),
      { numRuns: 150 },
    );
  });
});

/**
 * The demo's model artifact, made by code: a three-class logistic regression over four iris
 * measurements, sample inputs with golden outputs computed here in plain arithmetic, and the model
 * card with the SHA-256 of every file. The `tampered` variant is what validate-artifact must stop:
 * a custom operator, and an undeclared pickle that would run a shell command when loaded.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { logisticRegressionSpec, writeOnnxModel } from "@mlgate/onnx";
import { parseDocument } from "yaml";

/** Weights as [feature][class]: sepal length, sepal width, petal length, petal width → setosa, versicolor, virginica. */
export const WEIGHTS = [
  [0.42, 0.11, -0.53],
  [0.97, -0.31, -0.66],
  [-2.41, 0.02, 2.39],
  [-1.05, -0.83, 1.88],
];
export const BIAS = [9.1, 2.3, -11.4];

/** A few measurements, one per line of the samples file. */
export const SAMPLE_INPUTS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.4, 3.2, 4.5, 1.5],
  [6.3, 3.3, 6.0, 2.5],
  [5.8, 2.7, 5.1, 1.9],
  [4.9, 3.0, 1.4, 0.2],
];

export interface ExampleModel {
  dir: string;
  model: string;
  samples: string;
  manifest: string;
}

const CARD = fileURLToPath(new URL("model-card.yml", import.meta.url));

/** softmax(x · W + b) and its argmax, in float64: the golden outputs the runtime must reproduce. */
export function predict(x: readonly number[]): { probabilities: number[]; label: number } {
  const logits = BIAS.map((b, k) => b + x.reduce((s, v, i) => s + v * (WEIGHTS[i]?.[k] ?? 0), 0));
  const top = Math.max(...logits);
  const exp = logits.map((z) => Math.exp(z - top));
  const sum = exp.reduce((a, b) => a + b, 0);
  const probabilities = exp.map((e) => e / sum);
  return { probabilities, label: probabilities.indexOf(Math.max(...probabilities)) };
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A pickle that calls os.system when unpickled: the classic payload an undeclared file can carry. */
const MALICIOUS_PICKLE = Buffer.from("cos\nsystem\n(S'echo compromised'\ntR.", "latin1");

/**
 * Write model.onnx, samples.jsonl and model-card.yml into `dir`. `tampered` swaps Softmax for an
 * operator from a custom domain and drops an undeclared pickle beside the model.
 */
export async function writeExampleModel(
  dir: string,
  options: { variant?: "good" | "tampered" } = {},
): Promise<ExampleModel> {
  await mkdir(dir, { recursive: true });
  const spec = logisticRegressionSpec({
    weights: WEIGHTS,
    bias: BIAS,
    metadata: { version: "1.4.0", owner: "ml-platform@example.com" },
  });
  if (options.variant === "tampered") {
    spec.opsetImports = [...(spec.opsetImports ?? []), { domain: "com.example.fast", version: 1 }];
    spec.graph.nodes = spec.graph.nodes.map((n) =>
      n.opType === "Softmax" ? { ...n, opType: "FastSoftmax", domain: "com.example.fast" } : n,
    );
  }
  const model = join(dir, "model.onnx");
  await writeOnnxModel(model, spec);

  const samples = join(dir, "samples.jsonl");
  const lines = SAMPLE_INPUTS.map((x) => {
    const { probabilities, label } = predict(x);
    return JSON.stringify({
      inputs: { input: [x] },
      outputs: { probabilities: [probabilities], label: [label] },
    });
  });
  await writeFile(samples, `${lines.join("\n")}\n`);

  const card = parseDocument(await readFile(CARD, "utf8"));
  const files = [];
  for (const [name, path] of [
    ["model.onnx", model],
    ["samples.jsonl", samples],
  ] as const) {
    files.push({ path: name, sha256: sha256(await readFile(path)) });
  }
  card.set("files", files);
  card.commentBefore =
    " Written by examples/artifact/model.ts: the files and their SHA-256 match the bytes beside it.";
  const manifest = join(dir, "model-card.yml");
  await writeFile(manifest, card.toString({ lineWidth: 0 }));

  if (options.variant === "tampered") await writeFile(join(dir, "postprocess.pkl"), MALICIOUS_PICKLE);
  return { dir, model, samples, manifest };
}

/**
 * The paired comparison eval-gate runs on per-item results, without file reading: a million binary
 * items in 20 slices, candidate and baseline, 1,000 paired bootstrap resamples of F1 and of
 * accuracy overall and in every slice. Prints one JSON line with the seconds it took.
 */
import { type ClassificationData, METRICS } from "../../packages/evaluate/src/metrics/index.js";
import { subset } from "../../packages/evaluate/src/paired/data.js";
import { pairedBootstrap } from "../../packages/evaluate/src/stats/index.js";

const [n, slices, resamples] = process.argv.slice(2).map(Number) as [number, number, number];

function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const rand = stream(1);
const label = new Int32Array(n);
const slice = new Int32Array(n);
for (let i = 0; i < n; i++) {
  label[i] = rand() < 0.4 ? 1 : 0;
  slice[i] = Math.floor(rand() * slices);
}
function model(accuracy: number): ClassificationData {
  const prediction = new Int32Array(n);
  for (let i = 0; i < n; i++)
    prediction[i] = rand() < accuracy ? (label[i] as number) : 1 - (label[i] as number);
  return { kind: "classification", classes: ["0", "1"], label, prediction };
}

const started = performance.now();
const candidate = model(0.9);
const baseline = model(0.89);
const groups: Uint32Array[] = [];
for (let s = 0; s < slices; s++) {
  const members: number[] = [];
  for (let i = 0; i < n; i++) if (slice[i] === s) members.push(i);
  groups.push(Uint32Array.from(members));
}
let checksum = 0;
for (const scope of [undefined, ...groups]) {
  const cand = scope ? subset(candidate, scope) : candidate;
  const base = scope ? subset(baseline, scope) : baseline;
  const size = scope?.length ?? n;
  for (const metric of ["f1", "accuracy"] as const) {
    const c = METRICS[metric].prepare(cand);
    const b = METRICS[metric].prepare(base);
    const result = pairedBootstrap({
      n: size,
      statistic: (w) => c.compute(w) - b.compute(w),
      resamples,
      seed: 1,
      confidence: 0.95,
      method: "percentile",
    });
    checksum += result.low + result.high;
  }
}
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, checksum }));

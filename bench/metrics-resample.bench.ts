/**
 * Metric computation under bootstrap weights, as the paired comparison runs it: a million binary
 * items, each resample recomputing F1 and accuracy (and ROC-AUC) for the candidate and the
 * baseline. Compared with numpy doing the same arithmetic with np.bincount weights, and with
 * weighted dot products, when a Python with numpy is at hand.
 */
import { spawnSync } from "node:child_process";
import {
  type ClassificationData,
  METRICS,
  type PreparedMetric,
} from "../packages/evaluate/src/metrics/index.js";
import { printTable } from "./lib/measure.js";
import type { Benchmark } from "./run.js";

const N = 1_000_000;
const RESAMPLES = 200;
const TIMED = ["accuracy", "f1", "roc_auc"] as const;

/** A deterministic pseudo-random stream, so every run measures the same data. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Shared labels; each model's score is the label blurred by noise, thresholded at 0.5. */
function model(label: Int32Array, seed: number, noise: number): ClassificationData {
  const next = random(seed);
  const positiveScore = new Float64Array(label.length);
  const prediction = new Int32Array(label.length);
  for (let i = 0; i < label.length; i++) {
    const s = Math.min(1, Math.max(0, 0.5 + (label[i] === 1 ? 0.2 : -0.2) + (next() - 0.5) * noise));
    positiveScore[i] = s;
    prediction[i] = s >= 0.5 ? 1 : 0;
  }
  return { kind: "classification", classes: ["0", "1"], label, prediction, positiveScore };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}

const NUMPY = `
import json, sys, time
import numpy as np
n, resamples = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(1)
label = (rng.random(n) < 0.4).astype(np.int64)
def model(noise):
    s = np.clip(0.5 + np.where(label == 1, 0.2, -0.2) + (rng.random(n) - 0.5) * noise, 0, 1)
    return s, (s >= 0.5).astype(np.int64)
sides = []
for noise in (0.8, 0.9):
    score, pred = model(noise)
    order = np.argsort(-score, kind="stable")
    sorted_score = score[order]
    last = np.r_[np.diff(sorted_score) != 0, True]  # last item of each tie group
    sides.append(dict(cell=label * 2 + pred, correct=(label == pred).astype(np.int64),
                      correct_f=(label == pred).astype(np.float64), tp_f=(label & pred).astype(np.float64),
                      y_f=label.astype(np.float64), p_f=pred.astype(np.float64),
                      order=order, pos_sorted=label[order].astype(np.float64), last=last))
def bincount_metrics(w, s):
    c = np.bincount(s["correct"], weights=w, minlength=2)
    acc = c[1] / c.sum()
    cm = np.bincount(s["cell"], weights=w, minlength=4)
    return acc, 2 * cm[3] / (2 * cm[3] + cm[1] + cm[2])
def dot_metrics(w, s):
    wf = w.astype(np.float64)
    acc = (wf @ s["correct_f"]) / wf.sum()
    return acc, 2 * (wf @ s["tp_f"]) / (wf @ s["y_f"] + wf @ s["p_f"])
def roc(w, s):
    ws = w[s["order"]].astype(np.float64)
    tps = np.cumsum(ws * s["pos_sorted"])[s["last"]]
    fps = np.cumsum(ws * (1 - s["pos_sorted"]))[s["last"]]
    trapezoid = getattr(np, "trapezoid", None) or np.trapz
    return trapezoid(np.r_[0, tps] / tps[-1], np.r_[0, fps] / fps[-1])
t = {"weights": [], "bincount": [], "dot": [], "roc": []}
for r in range(resamples):
    a = time.perf_counter(); w = np.bincount(rng.integers(0, n, n), minlength=n); b = time.perf_counter()
    t["weights"].append(b - a)
    a = time.perf_counter()
    for s in sides: bincount_metrics(w, s)
    b = time.perf_counter(); t["bincount"].append(b - a)
    a = time.perf_counter()
    for s in sides: dot_metrics(w, s)
    b = time.perf_counter(); t["dot"].append(b - a)
    a = time.perf_counter(); roc(w, sides[0]); b = time.perf_counter(); t["roc"].append(b - a)
print(json.dumps({k: sorted(v)[len(v) // 2] * 1000 for k, v in t.items()}))
`;

function numpy(): Record<string, number> | string {
  const python = ["/usr/bin/python3", "python3"].find(
    (p) => spawnSync(p, ["-c", "import numpy"], { encoding: "utf8" }).status === 0,
  );
  if (python === undefined) return "no python3 with numpy: left out of the comparison";
  const result = spawnSync(python, ["-c", NUMPY, String(N), String(RESAMPLES)], {
    encoding: "utf8",
    timeout: 600_000,
  });
  if (result.status !== 0) return `numpy run failed: ${result.stderr.slice(-500)}`;
  return JSON.parse(result.stdout) as Record<string, number>;
}

const bench: Benchmark = {
  name: "metrics-resample",
  description: `metrics under bootstrap weights on ${N.toLocaleString("en")} binary items, vs numpy`,
  async run() {
    const next = random(1);
    const label = new Int32Array(N);
    for (let i = 0; i < N; i++) label[i] = next() < 0.4 ? 1 : 0;
    const sides = [model(label, 2, 0.8), model(label, 3, 0.9)];

    const prepareMs: Record<string, number> = {};
    const prepared: Record<string, PreparedMetric[]> = {};
    for (const name of TIMED) {
      const started = performance.now();
      prepared[name] = sides.map((d) => METRICS[name].prepare(d));
      prepareMs[name] = (performance.now() - started) / sides.length;
    }

    const weights = new Uint32Array(N);
    const times: Record<string, number[]> = { weights: [], pair: [] };
    for (const name of TIMED) times[name] = [];
    for (let r = 0; r < RESAMPLES; r++) {
      let t = performance.now();
      weights.fill(0);
      for (let i = 0; i < N; i++) weights[Math.floor(next() * N)]!++;
      times.weights!.push(performance.now() - t);
      let pair = 0;
      for (const name of TIMED) {
        for (const p of prepared[name]!) {
          t = performance.now();
          p.compute(weights);
          const dt = performance.now() - t;
          times[name]!.push(dt);
          if (name !== "roc_auc") pair += dt;
        }
      }
      times.pair!.push(pair);
    }

    const rows = TIMED.map((name) => [
      `mlgate ${name}`,
      prepareMs[name]!.toFixed(0),
      median(times[name]!).toFixed(2),
    ]);
    const pair = median(times.pair!);
    rows.push([
      "mlgate F1 + accuracy, candidate + baseline",
      "",
      pair.toFixed(2),
      `${pair.toFixed(1)} s per 1,000 resamples`,
    ]);
    rows.push(["mlgate resample weights (not part of the metric)", "", median(times.weights!).toFixed(2)]);
    const np = numpy();
    if (typeof np === "string") {
      console.log(np);
    } else {
      rows.push([
        "numpy bincount: F1 + accuracy, candidate + baseline",
        "",
        np.bincount!.toFixed(2),
        `${(np.bincount! / pair).toFixed(2)}× mlgate`,
      ]);
      rows.push([
        "numpy dot products: the same",
        "",
        np.dot!.toFixed(2),
        `${(np.dot! / pair).toFixed(2)}× mlgate`,
      ]);
      rows.push(["numpy roc_auc (argsort once, cumsum, trapezoid)", "", np.roc!.toFixed(2)]);
      rows.push(["numpy resample weights (not part of the metric)", "", np.weights!.toFixed(2)]);
    }
    printTable(["computation", "prepare ms", `ms per resample (median of ${RESAMPLES})`, ""], rows);
  },
};

export default bench;

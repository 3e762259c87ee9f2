/**
 * Per-item evaluation results for the demo, made by code so they are the same on every machine:
 * a churn classifier's predictions on 4,000 customers in three regions, for the production
 * baseline, a candidate that fixes some errors, and a candidate that quietly breaks one region.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

const REGIONS = ["emea", "amer", "apac"] as const;

function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Item {
  id: string;
  region: string;
  label: "churn" | "stay";
  prediction: "churn" | "stay";
  probability: number;
}

function predictions(
  n: number,
  right: (i: number, region: string, baselineRight: boolean, u: number) => boolean,
): Item[][] {
  const rand = stream(2026);
  const base: Item[] = [];
  const cand: Item[] = [];
  for (let i = 0; i < n; i++) {
    const region = REGIONS[i % REGIONS.length] as string;
    const label = rand() < 0.3 ? "churn" : "stay";
    const wrong = label === "churn" ? "stay" : "churn";
    const baselineRight = rand() < 0.87;
    const candidateRight = right(i, region, baselineRight, rand());
    // Probability of "stay", the positive class (second in sorted order), consistent with the prediction.
    const p = (pred: string) => {
      const confidence = 0.55 + 0.44 * rand();
      return Number((pred === "stay" ? confidence : 1 - confidence).toFixed(4));
    };
    const bp = baselineRight ? label : wrong;
    const cp = candidateRight ? label : wrong;
    base.push({ id: `cust-${i}`, region, label, prediction: bp, probability: p(bp) });
    cand.push({ id: `cust-${i}`, region, label, prediction: cp, probability: p(cp) });
  }
  return [base, cand];
}

const jsonl = (items: readonly Item[]) => `${items.map((i) => JSON.stringify(i)).join("\n")}\n`;

/** Write baseline.jsonl, candidate.jsonl and regressed.jsonl into `dir`; returns their paths. */
export async function writeExampleItems(
  dir: string,
): Promise<{ baseline: string; candidate: string; regressed: string }> {
  await mkdir(dir, { recursive: true });
  const n = 4000;
  // The candidate fixes a third of the baseline's mistakes and breaks 1% of its right answers.
  const [baseline, candidate] = predictions(n, (_i, _r, baseRight, u) => (baseRight ? u >= 0.01 : u < 0.33));
  // The regressed candidate is as good overall on emea/amer but breaks 20% of apac's right answers.
  const [, regressed] = predictions(n, (_i, region, baseRight, u) =>
    baseRight ? u >= (region === "apac" ? 0.2 : 0.01) : u < 0.33,
  );
  const paths = {
    baseline: join(dir, "baseline.jsonl"),
    candidate: join(dir, "candidate.jsonl"),
    regressed: join(dir, "regressed.jsonl"),
  };
  await writeFile(paths.baseline, jsonl(baseline as Item[]));
  await writeFile(paths.candidate, jsonl(candidate as Item[]));
  await writeFile(paths.regressed, jsonl(regressed as Item[]));
  return paths;
}

/**
 * eval-gate on metric files, against what teams write by hand without it: a jq expression or a
 * short Python script comparing numbers in a JSON file. Each runs as a whole process, as a CI step
 * would, on a small metrics file and on a large lm-evaluation-harness style results file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { commandExists, type Measurement, measure, printTable } from "./lib/measure.js";
import type { Benchmark } from "./run.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, ".bench-out", "eval-gate");
const RUNS = 5;

interface Gate {
  task: string;
  metric: string;
  kind: "abs" | "delta";
  op: ">=";
  value: number;
}

/** A deterministic pseudo-random stream, so every run measures the same files. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function results(tasks: number, seed: number): Record<string, unknown> {
  const next = random(seed);
  const byTask: Record<string, Record<string, number>> = {};
  for (let i = 0; i < tasks; i++) {
    const acc = 0.3 + next() * 0.6;
    byTask[`task${String(i).padStart(5, "0")}`] = {
      "acc,none": acc,
      "acc_stderr,none": 0.01 + next() * 0.02,
      "acc_norm,none": Math.min(1, acc + next() * 0.05),
    };
  }
  return { results: byTask, config: { model: "bench", limit: null } };
}

function gates(tasks: number, count: number): Gate[] {
  const list: Gate[] = [];
  for (let i = 0; i < count; i++) {
    const task = `task${String(Math.floor((i * tasks) / count)).padStart(5, "0")}`;
    list.push(
      i % 2 === 0
        ? { task, metric: "acc,none", kind: "abs", op: ">=", value: 0.25 }
        : { task, metric: "acc,none", kind: "delta", op: ">=", value: -0.5 },
    );
  }
  return list;
}

const mlgateGate = (g: Gate) => {
  const name = JSON.stringify(`results.${g.task}.${g.metric}`);
  return g.kind === "abs" ? `${name} ${g.op} ${g.value}` : `delta(${name}) ${g.op} ${g.value}`;
};

function jqProgram(list: Gate[]): string {
  const term = (g: Gate) => {
    const at = (v: string) => `${v}.results[${JSON.stringify(g.task)}][${JSON.stringify(g.metric)}]`;
    return g.kind === "abs"
      ? `(${at("$c[0]")} ${g.op} ${g.value})`
      : `((${at("$c[0]")} - ${at("$b[0]")}) ${g.op} ${g.value})`;
  };
  return `[${list.map(term).join(", ")}] | map(select(. == false)) | length`;
}

const PYTHON = `
import json, sys
def flatten(node, prefix, out):
    if isinstance(node, bool):
        return
    if isinstance(node, (int, float)):
        out[prefix] = node
    elif isinstance(node, dict):
        for k, v in node.items():
            flatten(v, f"{prefix}.{k}" if prefix else k, out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            flatten(v, f"{prefix}.{i}" if prefix else str(i), out)
    return out
cand = flatten(json.load(open(sys.argv[1])), "", {})
base = flatten(json.load(open(sys.argv[2])), "", {})
failed = 0
for g in json.load(open(sys.argv[3])):
    name = f"results.{g['task']}.{g['metric']}"
    value = cand[name] if g["kind"] == "abs" else cand[name] - base[name]
    if not value >= g["value"]:
        failed += 1
print(failed)
sys.exit(1 if failed else 0)
`;

function scenario(label: string, tasks: number, gateCount: number) {
  const dir = join(out, label);
  mkdirSync(dir, { recursive: true });
  const candidate = join(dir, "candidate.json");
  const baseline = join(dir, "baseline.json");
  writeFileSync(candidate, JSON.stringify(results(tasks, 1)));
  writeFileSync(baseline, JSON.stringify(results(tasks, 2)));
  const list = gates(tasks, gateCount);
  writeFileSync(join(dir, "gates.json"), JSON.stringify(list));
  writeFileSync(join(dir, "gate.py"), PYTHON);
  writeFileSync(join(dir, "gate.jq"), jqProgram(list));
  return { dir, candidate, baseline, list };
}

const bench: Benchmark = {
  name: "eval-gate",
  description: "judging metric files: the eval-gate action bundle vs jq and a hand-written Python check",
  async run() {
    const action = join(root, "actions", "eval-gate", "dist", "index.js");
    const rows: string[][] = [];
    for (const [label, tasks, gateCount] of [
      ["small (30 metrics, 6 gates)", 10, 6],
      ["large (60,000 metrics, 200 gates)", 20_000, 200],
    ] as const) {
      const s = scenario(label.split(" ")[0] ?? label, tasks, gateCount);
      const results: [string, Measurement][] = [];
      const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        RUNNER_TEMP: s.dir,
        INPUT_CANDIDATE: s.candidate,
        INPUT_BASELINE: s.baseline,
        INPUT_GATES: s.list.map(mlgateGate).join("\n"),
        INPUT_COMMENT: "false",
        "INPUT_COMMENT-KEY": "default",
      };
      results.push([
        "mlgate eval-gate (action bundle)",
        measure(process.execPath, [action], { runs: RUNS, env, cwd: s.dir, okExitCodes: [0, 1] }),
      ]);
      if (commandExists("python3")) {
        results.push([
          "python3 script",
          measure("python3", [join(s.dir, "gate.py"), s.candidate, s.baseline, join(s.dir, "gates.json")], {
            runs: RUNS,
            okExitCodes: [0, 1],
          }),
        ]);
      }
      if (commandExists("jq")) {
        results.push([
          "jq",
          measure(
            "jq",
            [
              "-n",
              "--slurpfile",
              "c",
              s.candidate,
              "--slurpfile",
              "b",
              s.baseline,
              "-f",
              join(s.dir, "gate.jq"),
            ],
            {
              runs: RUNS,
            },
          ),
        ]);
      } else {
        console.log("jq is not installed (apt-get install jq): left out of the comparison");
      }
      const ours = results[0]?.[1];
      for (const [tool, m] of results) {
        rows.push([
          label,
          tool,
          m.wallMs.toFixed(0),
          m.maxRssMiB?.toFixed(1) ?? "n/a",
          ours ? (m.wallMs / ours.wallMs).toFixed(2) : "",
        ]);
      }
    }
    printTable(["scenario", "tool", "wall ms (median of 5)", "max RSS MiB", "time ÷ mlgate"], rows);
    console.log(
      "\nmlgate also writes the JSON report, job summary, SARIF-ready findings and step outputs; the others print a count.",
    );
  },
};

export default bench;

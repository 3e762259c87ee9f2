import type { Check, Finding, Metric } from "@mlgate/core";
import {
  isOnnxRuntimeError,
  type ModelSignature,
  type OnnxSession,
  openOnnxSession,
  type ResolvedRuntime,
  type SessionIO,
  type TensorData,
} from "@mlgate/onnx";
import { compareSignature } from "../manifest/signature.js";
import { capFindings, checkFrom, type Outcome, skipped } from "../outcome.js";
import { compareOutput, DEFAULT_TOLERANCE, identical, nonFiniteIn, type Tolerance } from "./compare.js";
import { syntheticFeeds, toTensorData } from "./feeds.js";
import type { Sample } from "./samples.js";

export interface RuntimeCheckInput {
  modelPath: string;
  runtime: ResolvedRuntime;
  /** The manifest's signature, to compare with what the session reports. */
  declared?: ModelSignature;
  samples?: Sample[];
  samplesFile?: string;
  tolerance?: Partial<Tolerance>;
  /** Outputs compared by top-k agreement, by name. */
  topK?: Record<string, number>;
  /** Bound on loading and on each inference. Default 2 minutes. */
  timeoutMs?: number;
  /** Stop the runtime process past this resident memory. Default 8192: a safety net, not a budget. */
  memoryLimitMb?: number;
  /** Timed single-request inferences after the smoke test. Default 20. */
  latencyRuns?: number;
  /** What differing outputs between two identical runs do. Default fail. */
  determinism?: "fail" | "warn" | "off";
}

const LOAD = "model loads in ONNX Runtime";
const DEFAULT_MEMORY_LIMIT_MB = 8192;

function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function sessionSignature(session: OnnxSession): ModelSignature {
  const spec = (io: SessionIO) => ({ name: io.name, dtype: io.dtype ?? "unknown", shape: io.shape ?? null });
  return { inputs: session.inputs.map(spec), outputs: session.outputs.map(spec) };
}

function runtimeFinding(e: unknown, file: string, what: string): Finding {
  const kind = isOnnxRuntimeError(e) ? e.kind : "crash";
  const message = e instanceof Error ? (e.message.split("\n")[0] ?? e.message) : String(e);
  return { rule: `runtime.${kind}`, level: "fail", message: `${what}: ${message}`, file };
}

/** The session died (timeout, memory, crash): nothing more can run in it. */
function fatal(e: unknown): boolean {
  return !isOnnxRuntimeError(e) || e.kind !== "run";
}

/**
 * Load the model in a child process and exercise it: signature as the runtime sees it, golden
 * outputs, determinism, finite outputs, then cold-start time, latency percentiles and peak memory.
 */
export async function runRuntimeChecks(input: RuntimeCheckInput): Promise<Outcome> {
  const file = input.modelPath;
  const checks: Check[] = [];
  const findings: Finding[] = [];
  const metrics: Record<string, Metric> = {};
  let session: OnnxSession;
  try {
    session = await openOnnxSession(file, {
      runtime: input.runtime,
      timeoutMs: input.timeoutMs ?? 120_000,
      memoryLimitMb: input.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB,
    });
  } catch (e) {
    const finding = runtimeFinding(e, file, "the model does not load");
    return { checks: [checkFrom(LOAD, [finding])], findings: [finding], metrics };
  }
  try {
    checks.push({ name: LOAD, status: "pass", actual: `${session.loadMs.toFixed(0)}ms` });
    metrics.load_time = {
      value: session.loadMs,
      dimension: "time",
      description: "cold start: process, runtime and model",
    };

    if (input.declared) {
      const found = compareSignature(input.declared, sessionSignature(session), {
        against: "the loaded session",
        file,
      });
      findings.push(...found);
      checks.push(
        checkFrom("loaded session matches the declared signature", found, {
          actual: `${session.inputs.length} in, ${session.outputs.length} out`,
          expected: `${input.declared.inputs.length} in, ${input.declared.outputs.length} out`,
        }),
      );
    }

    const inputTypes = new Map(session.inputs.map((io) => [io.name, io.dtype]));
    const declaredTypes = new Map(input.declared?.inputs.map((t) => [t.name, t.dtype]) ?? []);
    let dead = false;
    const smoke: Finding[] = [];
    const deterministic: Finding[] = [];
    const finite: Finding[] = [];
    let firstFeeds: Record<string, TensorData> | undefined;
    let compared = 0;

    for (const sample of input.samples ?? []) {
      if (dead) break;
      const where = {
        file: input.samplesFile ?? file,
        ...(sample.line === undefined ? {} : { line: sample.line }),
      };
      const label = sample.line === undefined ? `sample ${sample.index}` : `sample on line ${sample.line}`;
      const wanted = new Set(session.inputs.map((io) => io.name));
      const given = Object.keys(sample.inputs);
      const missing = [...wanted].filter((n) => !given.includes(n));
      const extra = given.filter((n) => !wanted.has(n));
      if (missing.length > 0 || extra.length > 0) {
        smoke.push({
          rule: "runtime.sample-mismatch",
          level: "fail",
          message: `${label} ${missing.length > 0 ? `lacks input(s) ${missing.join(", ")}` : ""}${missing.length > 0 && extra.length > 0 ? " and " : ""}${extra.length > 0 ? `has input(s) ${extra.join(", ")} the model does not take` : ""}`,
          ...where,
        });
        continue;
      }
      const feeds: Record<string, TensorData> = {};
      for (const [name, tensor] of Object.entries(sample.inputs)) {
        const dtype = inputTypes.get(name) ?? declaredTypes.get(name) ?? "float32";
        feeds[name] = toTensorData(dtype, tensor, `${label} input "${name}"`, where);
      }
      firstFeeds ??= feeds;
      let first: Record<string, TensorData>;
      let second: Record<string, TensorData>;
      try {
        first = (await session.run(feeds)).outputs;
        second = (await session.run(feeds)).outputs;
      } catch (e) {
        smoke.push({ ...runtimeFinding(e, file, `${label} does not run`), ...where });
        dead = fatal(e);
        continue;
      }
      for (const [name, out] of Object.entries(first)) {
        const bad = nonFiniteIn(out);
        if (bad > 0) {
          finite.push({
            rule: "runtime.non-finite-output",
            level: "fail",
            message: `${label}: output "${name}" holds ${bad} NaN or infinite value(s)`,
            ...where,
          });
        }
        const again = second[name];
        if (input.determinism !== "off" && (!again || !identical(out, again))) {
          deterministic.push({
            rule: "runtime.nondeterministic",
            level: input.determinism === "warn" ? "warn" : "fail",
            message: `${label}: output "${name}" differs between two runs on the same input`,
            ...where,
          });
        }
      }
      for (const [name, golden] of Object.entries(sample.outputs ?? {})) {
        const out = first[name];
        compared++;
        if (!out) {
          smoke.push({
            rule: "runtime.golden-mismatch",
            level: "fail",
            message: `${label}: the model has no output "${name}"`,
            ...where,
          });
          continue;
        }
        const k = input.topK?.[name];
        const tolerance = {
          ...DEFAULT_TOLERANCE,
          ...input.tolerance,
          ...(k === undefined ? {} : { topK: k }),
        };
        const why = compareOutput(out, golden, tolerance);
        if (why) {
          smoke.push({
            rule: "runtime.golden-mismatch",
            level: "fail",
            message: `${label}: output "${name}" ${why}`,
            ...where,
          });
        }
      }
    }

    const sampleCount = input.samples?.length ?? 0;
    if (sampleCount === 0) {
      checks.push(
        skipped("golden outputs", "no sample inputs given (--samples or the manifest's samples.file)"),
      );
    } else {
      checks.push(
        checkFrom("golden outputs", smoke, { actual: `${compared} output(s) in ${sampleCount} sample(s)` }),
      );
      checks.push(
        input.determinism === "off"
          ? skipped("outputs are deterministic", "the policy turns the check off")
          : checkFrom("outputs are deterministic", deterministic, { actual: "2 runs per sample" }),
      );
      checks.push(checkFrom("outputs are finite", finite));
    }
    findings.push(...smoke, ...deterministic, ...finite);

    const feeds = firstFeeds ?? syntheticFeeds(session.inputs);
    const runs = input.latencyRuns ?? 20;
    if (!dead && feeds && runs > 0) {
      const times: number[] = [];
      try {
        await session.run(feeds);
        for (let i = 0; i < runs; i++) times.push((await session.run(feeds)).ms);
      } catch (e) {
        findings.push(runtimeFinding(e, file, "timing run failed"));
        checks.push(checkFrom("single-request latency", [runtimeFinding(e, file, "timing run failed")]));
      }
      if (times.length === runs) {
        times.sort((a, b) => a - b);
        const from = firstFeeds ? "the first sample" : "zeros shaped as the inputs";
        for (const p of [50, 95, 99]) {
          metrics[`latency_p${p}`] = {
            value: percentile(times, p),
            dimension: "time",
            description: `p${p} of ${runs} single-request inferences on ${from}`,
          };
        }
      }
    }
    const peak = session.peakRssBytes();
    if (peak > 0)
      metrics.peak_rss = {
        value: peak,
        dimension: "bytes",
        description: "peak resident memory of the runtime process",
      };
    return { checks, findings: capFindings(findings), metrics };
  } finally {
    await session.close().catch(() => {});
  }
}

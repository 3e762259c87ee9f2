/**
 * The canary's sequential judge against the fixed-horizon Mann-Whitney judge Kayenta uses, on the
 * same simulated canaries. Each canary is one 10-minute analysis step looked at every 30 s; each look
 * brings 60 new latencies per side (a canary and an equally sized baseline, as Kayenta recommends).
 * Latencies are lognormal (median 80 ms, σ 0.5 on the log scale: p95 ≈ 181 ms, a long right tail).
 *
 * Scenarios: A/A (the candidate is the baseline), the candidate slower by 5%, 10%, 20% and 50% across
 * the distribution (so p95 moves by as much), and a tail-only regression (σ 0.5 → 0.615: p95 +20%,
 * median unchanged). Both judges run through the library's own judgeLook: sequential looks at every
 * interval and stops at the first rollback; Mann-Whitney looks once, at the end of the step
 * (confidence 0.98). Both tolerate a 5% slowdown and use the p95 metric's defaults.
 */
import {
  DEFAULT_KS_LIMIT,
  DEFAULT_PSI_LIMIT,
  type JudgeSettings,
  judgeLook,
  type MetricSpec,
  MetricTrack,
} from "@mlgate/canary";
import { printTable } from "./lib/measure.js";
import type { Benchmark } from "./run.js";

const CANARIES_PER_SCENARIO = 500;
const LOOKS = 20;
const LOOK_SECONDS = 30;
const PER_LOOK = 60;
const MEDIAN_MS = 80;
const SIGMA = 0.5;

interface Scenario {
  name: string;
  /** Multiplies every candidate latency. */
  scale: number;
  /** The candidate's log-scale spread. */
  sigma: number;
  /** How much the candidate's p95 is above the baseline's. */
  p95Change: number;
}

const Z95 = 1.6448536;
const scenario = (name: string, scale: number, sigma = SIGMA): Scenario => ({
  name,
  scale,
  sigma,
  p95Change: (scale * Math.exp(Z95 * sigma)) / Math.exp(Z95 * SIGMA) - 1,
});

const SCENARIOS: Scenario[] = [
  scenario("A/A", 1),
  scenario("slower 5%", 1.05),
  scenario("slower 10%", 1.1),
  scenario("slower 20%", 1.2),
  scenario("slower 50%", 1.5),
  scenario("tail only", 1, 0.615),
];

/** mulberry32 with Box-Muller: seeded, so every judge sees the very same canaries. */
function generator(seed: number) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (sigma: number) => {
    let u = 0;
    while (u === 0) u = uniform();
    return MEDIAN_MS * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform()));
  };
}

const metric = (compare: "sequential" | "mann-whitney"): MetricSpec => ({
  name: "p95",
  provider: "probe",
  query: "latency",
  factor: 1,
  dimension: "time",
  aggregate: "p95",
  direction: "increase",
  compare,
  tolerance: 0.05,
  kind: "continuous",
  scale: "log",
  minSamples: 20,
});

const settings = (alpha: number): JudgeSettings => ({
  alpha,
  tauSd: 0.25,
  thresholds: [],
  psiLimit: DEFAULT_PSI_LIMIT,
  ksLimit: DEFAULT_KS_LIMIT,
});

/** One canary's looks: the latencies each look brings, per side. */
function simulateCanary(s: Scenario, seed: number): { candidate: number[]; baseline: number[] }[] {
  const draw = generator(seed);
  return Array.from({ length: LOOKS }, () => ({
    candidate: Array.from({ length: PER_LOOK }, () => s.scale * draw(s.sigma)),
    baseline: Array.from({ length: PER_LOOK }, () => draw(SIGMA)),
  }));
}

/** Seconds into the step at which the judge rolled back, or undefined when it let the candidate through. */
function sequentialJudge(looks: ReturnType<typeof simulateCanary>): number | undefined {
  const track = new MetricTrack(metric("sequential"));
  const judge = settings(0.01);
  for (let i = 0; i < looks.length; i++) {
    track.add(looks[i]!);
    const look = judgeLook([track], judge, { endOfStep: i === looks.length - 1, guard: false });
    if (look.failure) return (i + 1) * LOOK_SECONDS;
  }
  return undefined;
}

function fixedHorizonJudge(looks: ReturnType<typeof simulateCanary>): number | undefined {
  const track = new MetricTrack(metric("mann-whitney"));
  for (const look of looks) track.add(look);
  const look = judgeLook([track], settings(0.02), { endOfStep: true, guard: false });
  return look.failure ? looks.length * LOOK_SECONDS : undefined;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const time = (s: number | undefined) =>
  s === undefined ? "—" : s >= 60 ? `${(s / 60).toFixed(1)}m` : `${s}s`;

async function run(): Promise<void> {
  const started = performance.now();
  const results = new Map<string, { sequential: (number | undefined)[]; fixed: (number | undefined)[] }>();
  for (const [k, s] of SCENARIOS.entries()) {
    const sequential: (number | undefined)[] = [];
    const fixed: (number | undefined)[] = [];
    for (let i = 0; i < CANARIES_PER_SCENARIO; i++) {
      const looks = simulateCanary(s, 1_000_003 * (k + 1) + i);
      sequential.push(sequentialJudge(looks));
      fixed.push(fixedHorizonJudge(looks));
    }
    results.set(s.name, { sequential, fixed });
  }
  const total = SCENARIOS.length * CANARIES_PER_SCENARIO;
  console.log(
    `${total} simulated canaries (${CANARIES_PER_SCENARIO} per scenario): a ${(LOOKS * LOOK_SECONDS) / 60}-minute step looked at every ${LOOK_SECONDS}s, ${PER_LOOK} latencies per side per look, lognormal median ${MEDIAN_MS}ms σ ${SIGMA}; ${((performance.now() - started) / 1000).toFixed(1)}s\n`,
  );
  const rows: string[][] = [];
  for (const s of SCENARIOS) {
    const r = results.get(s.name)!;
    for (const [judge, decisions] of [
      ["sequential (α 0.01)", r.sequential],
      ["Mann-Whitney fixed (conf 0.98)", r.fixed],
    ] as const) {
      const rolled = decisions.filter((d): d is number => d !== undefined);
      rows.push([
        judge.startsWith("seq") ? s.name : "",
        judge.startsWith("seq") ? `${s.p95Change >= 0 ? "+" : ""}${(s.p95Change * 100).toFixed(0)}%` : "",
        judge,
        pct(rolled.length / decisions.length),
        time(median(rolled)),
      ]);
    }
  }
  printTable(["scenario", "p95 change", "judge", "rolled back", "median time to rollback"], rows);

  const aa = results.get("A/A")!;
  const ab = results.get("slower 20%")!;
  const rate = (d: (number | undefined)[]) => d.filter((x) => x !== undefined).length / d.length;
  const seqTime = median(ab.sequential.filter((d): d is number => d !== undefined));
  const fixedTime = median(ab.fixed.filter((d): d is number => d !== undefined));
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  console.log("");
  console.log(
    `false rollbacks on A/A: sequential ${pct(rate(aa.sequential))}, fixed horizon ${pct(rate(aa.fixed))} (target <= 1%: ${verdict(rate(aa.sequential) <= 0.01)})`,
  );
  console.log(
    `detection of a 20% p95 regression: sequential ${pct(rate(ab.sequential))}, fixed horizon ${pct(rate(ab.fixed))} (target >= 95%: ${verdict(rate(ab.sequential) >= 0.95)})`,
  );
  console.log(
    `median time to rollback at +20%: sequential ${time(seqTime)}, fixed horizon ${time(fixedTime)} (target <= half: ${verdict(seqTime !== undefined && fixedTime !== undefined && seqTime <= fixedTime / 2)})`,
  );
  console.log(
    "A tail-only regression (median unchanged) escapes both judges' location tests: hold p95 to a threshold (ratio(p95) <= 1.1) as well.",
  );
}

const benchmark: Benchmark = {
  name: "canary-judge",
  description: "sequential canary judge vs Kayenta-like fixed-horizon Mann-Whitney on simulated canaries",
  run,
};

export default benchmark;

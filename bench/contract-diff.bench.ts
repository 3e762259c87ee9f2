/**
 * contract-diff on two versions of a large real API description (Stripe's, about 4 MB of JSON
 * each), against Optic's CLI (`optic diff A B --check`, offline) as the side-by-side anchor, and on
 * the small example API where both finish quickly. Each tool runs as a whole process, as a CI step
 * would; mlgate runs its action bundle with counter-examples on.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Measurement, measure, printTable } from "./lib/measure.js";
import type { Benchmark } from "./run.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, ".bench-out", "contract-diff");
const stripe = join(root, "..", "shared", "bench-data", "stripe-openapi");
const RUNS = 3;
/** Optic needs minutes on Stripe's description (and may exhaust its heap): it gets this long per run. */
const OPTIC_TIMEOUT_S = Number(process.env.MLGATE_BENCH_OPTIC_TIMEOUT_S ?? 180);

interface Pair {
  label: string;
  base: string;
  head: string;
}

interface Counts {
  breaking: string;
  dangerous: string;
  safe: string;
  notes: string;
}

function runMlgate(pair: Pair): { m: Measurement; counts: Counts } {
  const temp = join(out, pair.label.replace(/\W+/g, "-"));
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    RUNNER_TEMP: temp,
    INPUT_BASE: pair.base,
    INPUT_HEAD: pair.head,
    INPUT_COMMENT: "false",
    "INPUT_COMMENT-KEY": "default",
  };
  const action = join(root, "actions", "contract-diff", "dist", "index.js");
  const m = measure(process.execPath, [action], { runs: RUNS, env, cwd: temp, okExitCodes: [0, 1] });
  const report = JSON.parse(readFileSync(join(temp, "mlgate", "contract-diff-report.json"), "utf8")) as {
    outputs?: Record<string, string>;
    notes?: string[];
    durationMs?: number;
  };
  const o = report.outputs ?? {};
  return {
    m,
    counts: {
      breaking: o.breaking ?? "?",
      dangerous: o.dangerous ?? "?",
      safe: o.safe ?? "?",
      notes: [
        `gate ${report.durationMs ?? "?"} ms in-process`,
        ...(report.notes ?? []).filter((n) => n.startsWith("Counter")),
      ].join("; "),
    },
  };
}

function runOptic(pair: Pair): Measurement | string {
  const optic = join(root, "node_modules", ".bin", "optic");
  if (!existsSync(optic)) return "not installed (npm ci installs @useoptic/optic)";
  try {
    return measure(optic, ["diff", pair.base, pair.head, "--check"], {
      runs: 1,
      cwd: out,
      // Offline and quiet: no telemetry, no cloud upload.
      env: { ...process.env, OPTIC_TELEMETRY_LEVEL: "off", CI: "true" },
      okExitCodes: [0, 1, 2],
      timeoutMs: OPTIC_TIMEOUT_S * 1000,
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/SIGTERM|ETIMEDOUT/.test(message)) return `did not finish within ${OPTIC_TIMEOUT_S} s`;
    return `failed: ${message.split("\n")[0]?.slice(0, 160)}`;
  }
}

const bench: Benchmark = {
  name: "contract-diff",
  description:
    "diffing two versions of Stripe's OpenAPI description (~4 MB each) and the example API, vs Optic's CLI",
  async run() {
    if (!existsSync(join(root, "actions", "contract-diff", "dist", "index.js"))) {
      console.log(
        "actions/contract-diff/dist is missing: run `node scripts/build-actions.mjs contract-diff` first",
      );
      return;
    }
    mkdirSync(out, { recursive: true });
    const pairs: Pair[] = [
      {
        label: "example API v1 → v2",
        base: join(root, "examples", "contract", "openapi-v1.yaml"),
        head: join(root, "examples", "contract", "openapi-v2.yaml"),
      },
    ];
    if (existsSync(stripe)) {
      pairs.push({
        label: "Stripe 2021-05-17 → 2022-04-12",
        base: join(stripe, "spec3-2021-05-17.json"),
        head: join(stripe, "spec3-2022-04-12.json"),
      });
    } else {
      console.log(`${stripe} is absent: the Stripe pair is skipped`);
    }
    const rows: string[][] = [];
    const notes: string[] = [];
    for (const pair of pairs) {
      const { m, counts } = runMlgate(pair);
      const optic = runOptic(pair);
      rows.push([
        pair.label,
        "mlgate contract-diff (action bundle)",
        m.wallMs.toFixed(0),
        m.cpuMs?.toFixed(0) ?? "n/a",
        m.maxRssMiB?.toFixed(1) ?? "n/a",
        `${counts.breaking} / ${counts.dangerous} / ${counts.safe}`,
        "1.00",
      ]);
      if (typeof optic === "string") {
        const floor = OPTIC_TIMEOUT_S * 1000;
        rows.push([
          pair.label,
          "optic diff --check",
          optic,
          "n/a",
          "n/a",
          "—",
          optic.startsWith("did not") ? `> ${(floor / m.wallMs).toFixed(0)}` : "—",
        ]);
      } else {
        rows.push([
          pair.label,
          "optic diff --check",
          optic.wallMs.toFixed(0),
          optic.cpuMs?.toFixed(0) ?? "n/a",
          optic.maxRssMiB?.toFixed(1) ?? "n/a",
          `exit ${optic.exitCode}`,
          (optic.wallMs / m.wallMs).toFixed(2),
        ]);
      }
      notes.push(`${pair.label}: ${counts.notes}`);
    }
    printTable(
      [
        "pair",
        "tool",
        `wall ms (mlgate: median of ${RUNS})`,
        "CPU ms",
        "max RSS MiB",
        "breaking / dangerous / safe",
        "wall ÷ mlgate",
      ],
      rows,
    );
    console.log("");
    for (const n of notes) console.log(n);
    // What the machine gives any Node program: the floor under mlgate's wall time, and a yardstick
    // for comparing figures taken on different days.
    const bare = measure(process.execPath, ["-e", ""], { runs: RUNS, cwd: out });
    console.log(`Node's own start-up here (node -e "", median of ${RUNS}): ${bare.wallMs.toFixed(0)} ms.`);
    console.log(
      "\nTarget for the Stripe pair: under 1 s and 500 MiB, faster than Optic. mlgate's figure includes Node start-up, reading and\nchecking every $ref, the diff, verifying each counter-example with ajv, and writing the report and outputs.",
    );
  },
};

export default bench;

/**
 * `npm run demo`: the release pipeline on the embedded example in examples/, gate by gate, through
 * the same command line users run. Each stage states the verdict it expects, so the demo also shows
 * a gate blocking a bad candidate. Reports land in demo-out/ with an HTML index.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Report, Verdict } from "@mlgate/core";
import { main } from "mlgate";
import { writeExampleModel } from "../examples/artifact/model.js";
import { startCanaryDemo, startShadowDemo } from "../examples/canary/index.js";
import { writeExampleItems } from "../examples/eval/items.js";
import { writeExampleModels } from "../examples/eval/models.js";
import { exampleBodies, startExampleServer } from "../examples/serve/index.js";
// The example serving image and the OSV advisories it is scanned against are defined once, beside the
// scan tests that pin down exactly what they yield (EXAMPLE_EXPECTED), so the demo cannot drift from
// what is tested; bench/ and the end-to-end tests read them from there too.
import { writeExampleImage } from "../packages/scan/test/fixtures/images/example.js";
import {
  EXAMPLE_EXPECTED,
  EXAMPLE_EXTRA_ADVISORIES,
  FIXTURE_ADVISORIES,
  writeOsvZip,
} from "../packages/scan/test/fixtures/osv.js";

interface DemoStage {
  /** Where this stage sits in the release: "pull request", "merge", "staging", "production". */
  phase: string;
  title: string;
  gate: string;
  args: string[];
  expect: Verdict;
  /** A second verdict that is also fine, and why (a load test on a busy machine may only warn). */
  alsoAccept?: { verdict: Verdict; because: string };
}

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const examples = join(root, "examples");
const out = join(root, "demo-out");

const ITEM_GATES = [
  "delta(accuracy) >= -0.01",
  "delta(roc_auc) >= -0.01",
  "slice(*): delta(recall) >= -0.03",
  "accuracy >= 0.85",
].flatMap((g) => ["--gate", g]);
const ITEM_FLAGS = ["--column", "slice=region", "--resamples", "1000"];

/** What the stages run against: files written and servers started before the first stage. */
interface DemoContext {
  /** The model directory as a pull request would carry it, and one with a tampered file set. */
  artifact: { good: string; tampered: string };
  items: { baseline: string; candidate: string; regressed: string };
  /** ONNX models built by code and the eval set they are run on. */
  models: { baseline: string; candidate: string; regressed: string; dataset: string };
  /** The serving image as an OCI layout (`oci:DIR:TAG`) and a local copy of the OSV database. */
  image: { ref: string; osvDb: string };
  /** Example model servers on loopback: one healthy, one slowed down. */
  staging: { healthy: string; slow: string; bodies: string };
  /** `mlgate canary` arguments: the embedded router between production and a good or a slow candidate. */
  canary: { good: string[]; slow: string[] };
  /** `mlgate canary --strategy shadow` arguments: a copy of production's traffic to a good or a drifted candidate. */
  shadow: { good: string[]; drifted: string[] };
}

const SLA_GATES = ["p95 < 250ms", "error_rate < 1%", "throughput >= 45/s"].flatMap((g) => ["--gate", g]);

function loadTestArgs(url: string, bodies: string): string[] {
  return [
    `${url}/v1/predict`,
    "--rate",
    "50/s",
    "--duration",
    "4s",
    "--warmup",
    "1s",
    "--body-file",
    bodies,
    "--no-progress",
  ];
}

const MODEL_GATES = [
  "delta(accuracy) >= -0.01",
  "slice(*): delta(accuracy) >= -0.05",
  "accuracy >= 0.75",
].flatMap((g) => ["--gate", g]);

function modelArgs(models: DemoContext["models"], candidate: string): string[] {
  return [
    "--model",
    candidate,
    "--baseline-model",
    models.baseline,
    "--dataset",
    models.dataset,
    "--column",
    "slice=region",
    "--model-out-dir",
    join(out, "model-run", basename(candidate, ".onnx")),
    "--resamples",
    "1000",
  ];
}

/** The example image's findings at or above this severity block it: the two openssl criticals do. */
const SCAN_FAIL_ON = "high";

function stages({ artifact, items, models, image, staging, canary, shadow }: DemoContext): DemoStage[] {
  return [
    {
      phase: "pull request",
      title: "the model file set: safe, complete, true to its model card, within the edge budgets",
      gate: "validate-artifact",
      args: [artifact.good, "--profile", "edge"],
      expect: "pass",
    },
    {
      phase: "pull request",
      title: "a tampered file set: a custom operator and an undeclared pickle that runs os.system",
      gate: "validate-artifact",
      args: [artifact.tampered, "--profile", "edge"],
      expect: "fail",
    },
    {
      phase: "pull request",
      title: "candidate rc.1 against production (aggregate metrics)",
      gate: "eval-gate",
      args: ["--config", join(examples, "mlgate.yml")],
      expect: "pass",
    },
    {
      phase: "pull request",
      title: "candidate rc.2 against production (aggregate metrics, regressed)",
      gate: "eval-gate",
      args: [
        "--config",
        join(examples, "mlgate.yml"),
        "--candidate",
        join(examples, "eval/regressed-metrics.json"),
      ],
      expect: "fail",
    },
    {
      phase: "pull request",
      title: "rc.1's per-item results, paired with production on 4,000 customers",
      gate: "eval-gate",
      args: ["--candidate", items.candidate, "--baseline", items.baseline, ...ITEM_GATES, ...ITEM_FLAGS],
      expect: "pass",
    },
    {
      phase: "pull request",
      title: "rc.2's per-item results: one region broken",
      gate: "eval-gate",
      args: ["--candidate", items.regressed, "--baseline", items.baseline, ...ITEM_GATES, ...ITEM_FLAGS],
      expect: "fail",
    },
    {
      phase: "pull request",
      title: "the candidate ONNX model and production's, both run over the eval set by the gate itself",
      gate: "eval-gate",
      args: [...modelArgs(models, models.candidate), ...MODEL_GATES],
      expect: "pass",
    },
    {
      phase: "pull request",
      title: "a retrained ONNX model that lost the apac region",
      gate: "eval-gate",
      args: [...modelArgs(models, models.regressed), ...MODEL_GATES],
      expect: "fail",
    },
    {
      phase: "pull request",
      title: "serving API v1 against v2: a new required request field (breaking) and a new endpoint (safe)",
      gate: "contract-diff",
      args: [
        join(examples, "contract/openapi-v1.yaml"),
        join(examples, "contract/openapi-v2.yaml"),
        "--version-check",
      ],
      expect: "fail",
    },
    {
      phase: "merge",
      title: `the serving image (an OCI layout, read without Docker) against OSV: openssl ${EXAMPLE_OPENSSL} has a fixed critical`,
      gate: "scan-image",
      args: [image.ref, "--osv-db", image.osvDb, "--fail-on", SCAN_FAIL_ON, "--no-progress"],
      expect: expectedScanVerdict(),
    },
    {
      phase: "staging",
      title: "the serving endpoint under 50 requests/s meets its SLA",
      gate: "load-test",
      args: [...loadTestArgs(staging.healthy, staging.bodies), ...SLA_GATES],
      expect: "pass",
      alsoAccept: {
        verdict: "warn",
        because: "the SLA held, but this machine was too busy to start every request on schedule",
      },
    },
    {
      phase: "staging",
      title: "a build that adds 300 ms per request misses the p95 SLA",
      gate: "load-test",
      args: [...loadTestArgs(staging.slow, staging.bodies), ...SLA_GATES],
      expect: "fail",
    },
    {
      phase: "production",
      title:
        "shadow run of the good candidate: a copy of the traffic, users never see its answers — safe to canary",
      gate: "canary",
      args: shadow.good,
      expect: "pass",
    },
    {
      phase: "production",
      title:
        "shadow run of a candidate whose scores drifted: its answers disagree with production's — not safe to canary",
      gate: "canary",
      args: shadow.drifted,
      expect: "fail",
    },
    {
      phase: "production",
      title: "canary of the good candidate: 10%, 50%, then 100% (durations scaled down)",
      gate: "canary",
      args: canary.good,
      expect: "pass",
    },
    {
      phase: "production",
      title: "canary of a slower candidate: rolled back by itself at the first step",
      gate: "canary",
      args: canary.slow,
      expect: "fail",
    },
  ];
}

/** The openssl version the example image carries, as the scan fixture records it. */
const EXAMPLE_OPENSSL = (EXAMPLE_EXPECTED.find((f) => f.includes(" openssl ")) ?? "").split(" ")[2] ?? "?";

const SEVERITY_ORDER = ["negligible", "low", "medium", "high", "critical"];

/**
 * The verdict the example image is built for: fail when one of the findings the scan tests expect
 * (`id package version severity …`) is at or above SCAN_FAIL_ON.
 */
function expectedScanVerdict(): Verdict {
  const threshold = SEVERITY_ORDER.indexOf(SCAN_FAIL_ON);
  const blocking = EXAMPLE_EXPECTED.filter(
    (finding) => SEVERITY_ORDER.indexOf(finding.split(" ")[3] ?? "") >= threshold,
  );
  return blocking.length > 0 ? "fail" : "pass";
}

const MARK: Record<Verdict, string> = {
  pass: "✅ pass",
  warn: "⚠️  warn",
  fail: "❌ fail",
  error: "🛑 error",
};

async function runStage(stage: DemoStage, index: number): Promise<{ report: Report; files: string[] }> {
  const base = join(out, `${String(index + 1).padStart(2, "0")}-${stage.gate}-${stage.expect}`);
  const files = [`${base}.md`, `${base}.json`, `${base}.sarif`, `${base}.junit.xml`];
  let stdout = "";
  await main([stage.gate, ...stage.args, "--format", "json", ...files.flatMap((f) => ["--output", f])], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => process.stderr.write(text),
    cwd: examples,
    colorDefault: false,
  });
  return { report: JSON.parse(stdout) as Report, files };
}

function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function writeIndex(rows: { stage: DemoStage; report: Report; files: string[] }[]): Promise<void> {
  const body = rows
    .map(({ stage, report, files }) => {
      const links = files.map(
        (f) => `<a href="${htmlEscape(relative(out, f))}">${htmlEscape(relative(out, f))}</a>`,
      );
      return `<tr><td>${htmlEscape(stage.phase)}</td><td>${htmlEscape(stage.title)}</td><td><code>${htmlEscape(stage.gate)}</code></td><td class="${report.verdict}">${report.verdict}</td><td>${htmlEscape(report.headline)}</td><td>${links.join("<br>")}</td></tr>`;
    })
    .join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mlgate demo</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4rem .6rem;vertical-align:top}
.pass{color:#1a7f37}.warn{color:#9a6700}.fail,.error{color:#cf222e;font-weight:bold}</style></head>
<body><h1>mlgate demo: release pipeline</h1>
<table><tr><th>phase</th><th>stage</th><th>gate</th><th>verdict</th><th>headline</th><th>reports</th></tr>
${body}
</table></body></html>
`;
  await writeFile(join(out, "index.html"), html);
}

type Row = { stage: DemoStage; report: Report; files: string[] };

/** Run each stage in order, print its verdict and checks, and count the ones that surprised. */
async function runStages(list: DemoStage[], rows: Row[], surprised: () => void): Promise<void> {
  for (const [i, stage] of list.entries()) {
    const { report, files } = await runStage(stage, i);
    rows.push({ stage, report, files });
    const accepted = stage.alsoAccept?.verdict === report.verdict;
    const asExpected = report.verdict === stage.expect || accepted;
    if (!asExpected) surprised();
    console.log(`${stage.phase.padEnd(13)} ${stage.title}`);
    console.log(`              ${stage.gate}: ${MARK[report.verdict]}  ${report.headline}`);
    if (!asExpected) console.log(`              expected ${stage.expect}: the demo did not go as designed`);
    if (accepted) console.log(`              (${stage.alsoAccept?.because})`);
    const width = Math.max(0, ...report.checks.map((c) => c.name.length));
    for (const check of report.checks) {
      const mark = check.status === "pass" ? "✓" : check.status === "fail" ? "✗" : "!";
      console.log(`                ${mark} ${check.name.padEnd(width)}  ${check.actual ?? ""}`);
    }
    console.log("");
  }
}

async function demo(): Promise<number> {
  const started = Date.now();
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  console.log("mlgate demo: the release pipeline on examples/\n");
  const rows: Row[] = [];
  let surprises = 0;
  const items = await writeExampleItems(join(out, "items"));
  const healthy = await startExampleServer({ latencyMs: 5, jitterMs: 10 });
  const slow = await startExampleServer({ latencyMs: 300, jitterMs: 40 });
  const bodies = join(out, "load", "bodies.jsonl");
  await mkdir(join(out, "load"), { recursive: true });
  await writeFile(
    bodies,
    `${exampleBodies(200)
      .map((b) => JSON.stringify(b))
      .join("\n")}\n`,
  );
  const good = await writeExampleModel(join(out, "artifact", "model"));
  const tampered = await writeExampleModel(join(out, "artifact", "tampered"), { variant: "tampered" });
  const models = await writeExampleModels(join(out, "models"));
  const image = await writeExampleImage(join(out, "image"));
  const osvDb = writeOsvZip(join(out, "osv", "all.zip"), [
    ...FIXTURE_ADVISORIES,
    ...EXAMPLE_EXTRA_ADVISORIES,
  ]);
  const canaryDemo = await startCanaryDemo();
  const shadowDemo = await startShadowDemo();
  const context: DemoContext = {
    canary: { good: canaryDemo.argsFor("good"), slow: canaryDemo.argsFor("slow") },
    shadow: { good: shadowDemo.argsFor("good"), drifted: shadowDemo.argsFor("drifted") },
    artifact: { good: good.dir, tampered: tampered.dir },
    items,
    models,
    image: { ref: image.ref, osvDb },
    staging: { healthy: healthy.url, slow: slow.url, bodies },
  };
  try {
    await runStages(stages(context), rows, () => surprises++);
  } finally {
    await Promise.all([healthy.close(), slow.close(), canaryDemo.close(), shadowDemo.close()]);
  }
  await writeIndex(rows);
  console.log(
    `reports: ${relative(process.cwd(), join(out, "index.html"))}, with JSON, SARIF and JUnit per stage; each stage's .md file is the sticky pull-request comment (and job summary) the action posts`,
  );
  console.log(
    `finished in ${((Date.now() - started) / 1000).toFixed(1)}s: ${surprises === 0 ? "every gate reached the verdict the example was built to show" : `${surprises} stage(s) surprised`}`,
  );
  return surprises === 0 ? 0 : 1;
}

process.exitCode = await demo();

/**
 * The example project in the layout the reference release workflow assumes
 * (workflows-examples/release.yml): models/churn/ (model.onnx, its model card and golden samples),
 * eval/dataset.jsonl, api/openapi.yaml, serving/Dockerfile, load/inputs.jsonl, security/ignore.yml and
 * mlgate.yml at the root with every gate's section. Everything comes from examples/: the churn models
 * and eval set of examples/eval, the serving API of examples/contract, request bodies of examples/serve.
 */
import { createHash } from "node:crypto";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { exampleRows, type Logit, logit, MODELS, sigmoid } from "../../examples/eval/models.js";
import { exampleBodies } from "../../examples/serve/index.js";

const EXAMPLES = resolve(import.meta.dirname, "../../examples");

/** Which model the pull request carries: the improved candidate, one that lost a feature, or a tampered file set. */
export type ProjectModel = "candidate" | "regressed" | "tampered" | "baseline";

export interface ReleaseProjectOptions {
  model: ProjectModel;
  /** The ONNX files written by `writeExampleModels`, and its eval set. */
  models: { baseline: string; candidate: string; regressed: string; dataset: string };
  /** The `canary:` section's router and endpoints. */
  canary: {
    baselineUrl: string;
    candidateUrl: string;
    nginx: { upstreamFile: string; upstream: string; prefix: string; conf: string; errorLog: string };
    /** Multiplies the workflow's rollout durations (`5% 5m, …`) down to seconds. */
    timeScale: number;
  };
}

/** A pickle that runs a shell command when loaded: what validate-artifact must refuse. */
const MALICIOUS_PICKLE = Buffer.from("cos\nsystem\n(S'echo compromised'\ntR.", "latin1");

async function write(dir: string, path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), content);
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Golden outputs of the two-class logistic regression: softmax([0, z]) and its argmax. */
function samples(model: Logit): string {
  return `${exampleRows(5, 7)
    .map((row) => {
      const p = sigmoid(logit(model, row.features));
      return JSON.stringify({
        inputs: { input: [row.features] },
        outputs: { probabilities: [[1 - p, p]], label: [p > 0.5 ? 1 : 0] },
      });
    })
    .join("\n")}\n`;
}

function modelCard(files: { path: string; sha256: string }[]): string {
  return [
    "name: churn",
    "model: model.onnx",
    "metadata:",
    "  version: 2026.2.0",
    "  owner: ml-platform@example.com",
    "  license: Apache-2.0",
    "signature:",
    "  inputs:",
    "    - { name: input, dtype: float32, shape: [N, 4] }",
    "  outputs:",
    "    - { name: probabilities, dtype: float32, shape: [N, 2] }",
    "    - { name: label, dtype: int64, shape: [N] }",
    "budgets:",
    "  server:",
    "    - file_size <= 50MB",
    "    - load_time < 10s",
    "    - latency_p95 < 50ms",
    "samples:",
    "  file: samples.jsonl",
    "  atol: 1e-5",
    "files:",
    ...files.map((f) => `  - { path: ${f.path}, sha256: ${f.sha256} }`),
    "",
  ].join("\n");
}

function config(options: ReleaseProjectOptions): string {
  const { canary } = options;
  return [
    "# yaml-language-server: $schema=https://raw.githubusercontent.com/mlgate/mlgate/v0/schema/mlgate.schema.json",
    "version: 1",
    "eval-gate:",
    "  columns: { slice: region }",
    "  resamples: 1000",
    "  gates:",
    "    - accuracy >= 0.75",
    "    - delta(accuracy) >= -0.01",
    '    - "slice(*): delta(accuracy) >= -0.05"',
    "scan-image:",
    "  insecure-registry: true # the registry standing in for ECR speaks plain HTTP on loopback",
    "  fail-on: high",
    "  ignore-file: security/ignore.yml",
    "load-test:",
    "  gates:",
    "    - p95 < 250ms",
    "    - error_rate < 1%",
    "canary:",
    `  baseline: ${canary.baselineUrl}`,
    `  candidate: ${canary.candidateUrl}`,
    `  time-scale: ${canary.timeScale}`,
    "  probe:",
    "    rate: 30/s",
    "    warmup: 500ms",
    "    body-file: load/inputs.jsonl",
    '    prediction: "$.probabilities[1]"',
    "  # The probe's own metrics; a few milliseconds either way between two processes on one busy",
    "  # machine are noise, so latency differences up to 50% are tolerated and ratio(p95) bounds the rest.",
    "  metrics:",
    "    - { name: p95, provider: probe, query: latency, tolerance: 50% }",
    "    - { name: error_rate, provider: probe, query: errors }",
    "    - { name: score, provider: probe, query: prediction }",
    "  gates:",
    "    - ratio(p95) <= 3",
    "    - error_rate < 2%",
    "  traffic:",
    "    provider: nginx",
    `    file: ${canary.nginx.upstreamFile}`,
    `    upstream: ${canary.nginx.upstream}`,
    `    prefix: ${canary.nginx.prefix}`,
    `    conf: ${canary.nginx.conf}`,
    `    error-log: ${canary.nginx.errorLog}`,
    "",
  ].join("\n");
}

const IGNORE_FILE = [
  "ignores:",
  "  - id: CVE-2024-0001",
  "    package: libssl3",
  "    reason: TLS is terminated at the load balancer",
  "    expires: 2099-12-31",
  "  - id: CVE-2024-0001",
  "    package: openssl",
  "    reason: the openssl command is never run in the serving container",
  "    expires: 2099-12-31",
  "",
].join("\n");

const DOCKERFILE = [
  "FROM python:3.11-slim-bookworm",
  "COPY models/churn/ /opt/model/",
  'CMD ["python", "-m", "serve", "/opt/model/model.onnx"]',
  "",
].join("\n");

/**
 * What validate-artifact's `sha256` output promises for a model directory with a model card, worked out
 * here from its documented form: the SHA-256 of the sorted `sha256sum` listing of the card's files.
 */
function listingDigest(files: { path: string; sha256: string }[]): string {
  const lines = [...files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => `${f.sha256}  ${f.path}\n`);
  return createHash("sha256").update(lines.join("")).digest("hex");
}

/** Write the project into `dir`; returns the digest of models/churn/ (validate-artifact's `sha256`). */
export async function writeReleaseProject(
  dir: string,
  options: ReleaseProjectOptions,
): Promise<{ modelSha256: string }> {
  const source = options.model === "tampered" ? "candidate" : options.model;
  const onnx = await readFile(options.models[source]);
  const weights = MODELS[source];
  await write(dir, "models/churn/model.onnx", onnx);
  const golden = samples(weights);
  await write(dir, "models/churn/samples.jsonl", golden);
  const files = [
    { path: "model.onnx", sha256: sha256(onnx) },
    { path: "samples.jsonl", sha256: sha256(Buffer.from(golden)) },
  ];
  await write(dir, "models/churn/model-card.yml", modelCard(files));
  if (options.model === "tampered") await write(dir, "models/churn/postprocess.pkl", MALICIOUS_PICKLE);
  await mkdir(join(dir, "eval"), { recursive: true });
  await copyFile(options.models.dataset, join(dir, "eval", "dataset.jsonl"));
  await mkdir(join(dir, "api"), { recursive: true });
  await copyFile(join(EXAMPLES, "contract", "openapi-v1.yaml"), join(dir, "api", "openapi.yaml"));
  await write(dir, "serving/Dockerfile", DOCKERFILE);
  await write(
    dir,
    "load/inputs.jsonl",
    `${exampleBodies(100)
      .map((b) => JSON.stringify(b))
      .join("\n")}\n`,
  );
  await write(dir, "security/ignore.yml", IGNORE_FILE);
  await write(dir, "mlgate.yml", config(options));
  return { modelSha256: listingDigest(files) };
}

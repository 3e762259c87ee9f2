/**
 * Self-audit of every workflow and action in the repository: workflows-examples/*.yml,
 * .github/workflows/*.yml and actions/*\/action.yml. Each file is validated against GitHub's schemas for
 * workflows and actions (SchemaStore's, as bundled by action-validator), then held to what the
 * reference release workflow promises users (no expression inside a `run:` script, third-party actions
 * pinned by commit SHA with the version beside it, a timeout and explicit permissions on every job, no
 * write permission at the top level, checkouts that keep no token) and checks the wiring between steps
 * and jobs: every
 * `with:` key an mlgate action or reusable workflow is given exists, and every `steps.X.outputs.Y`,
 * `needs.J.outputs.Y` and `jobs.J.outputs.Y` names something that is declared and reachable.
 *
 * How our own actions are referenced: in workflows-examples/ (files users copy) as
 * `mlgate/mlgate/actions/<gate>@<release tag or commit SHA>`, so a copy works anywhere; inside this
 * repository as `./actions/<gate>` (needs the checkout) or `$/actions/<gate>` (the same commit as the
 * workflow that runs it, which is what a reusable workflow called from another repository needs).
 *
 * actionlint would add shell and expression type checks, but it is a Go binary with no Debian package
 * and cannot be installed here (no internet beyond the npm registry and Debian), so it is not run.
 *
 * test/fixtures/workflows-bad/ holds one deliberately broken file per check; each says in its first
 * lines which problem it carries and where, and the audit must find exactly that.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { type ValidationError, validateAction, validateWorkflow } from "@action-validator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Scalar, type YAMLMap } from "yaml";

const ROOT = resolve(import.meta.dirname, "..");
/** A workflow or action file larger than this is refused rather than parsed. */
const MAX_FILE_BYTES = 1_000_000;
const OURS = "mlgate/mlgate/";
/** A GitHub expression's opening, spelt so that no string literal here reads as a template placeholder. */
const OPEN = "$" + "{{";
const expr = (inner: string): string => `${OPEN} ${inner} }}`;

type Rule =
  | "yaml"
  | "schema"
  | "run-expression"
  | "unpinned"
  | "pin-comment"
  | "our-reference"
  | "timeout"
  | "permissions"
  | "job-permissions"
  | "top-level-write"
  | "checkout-credentials"
  | "unknown-action"
  | "unknown-input"
  | "missing-input"
  | "unknown-step"
  | "step-order"
  | "unknown-output"
  | "not-needed"
  | "unknown-job";

interface Problem {
  file: string;
  line: number;
  rule: Rule;
  message: string;
}

/** What an action or a reusable workflow accepts and gives back. */
interface Interface {
  inputs: Map<string, { required: boolean }>;
  outputs: Set<string>;
}

interface Catalog {
  /** Our actions by directory name: `eval-gate`. */
  actions: Map<string, Interface>;
  /** Our reusable workflows by repository path: `.github/workflows/release-reusable.yml`. */
  workflows: Map<string, Interface>;
}

/** Where a file is used decides how it must reference our own actions. */
type Place = "example" | "repository";

/**
 * Outputs of the third-party actions the workflows read, as their action.yml declares them at the
 * pinned versions. A `steps.X.outputs.Y` on any other third-party action fails the audit until its
 * outputs are added here.
 */
const THIRD_PARTY_OUTPUTS: Record<string, readonly string[]> = {
  "actions/upload-artifact": ["artifact-id", "artifact-url", "artifact-digest"], // v4.6.2
  "actions/download-artifact": ["download-path"], // v4.3.0
  "aws-actions/configure-aws-credentials": [
    "aws-account-id",
    "aws-access-key-id",
    "aws-secret-access-key",
    "aws-session-token",
    "aws-expiration",
  ], // v6.2.3
  "aws-actions/amazon-ecr-login": ["registry"], // v2.1.7
  "docker/setup-buildx-action": ["name", "driver", "platforms", "nodes", "endpoint", "status", "flags"], // v4.3.0
  "docker/build-push-action": ["imageid", "digest", "metadata"], // v7.3.0
};

/**
 * Problems accepted for now, each with the fix. An entry that no longer matches a problem fails the
 * audit, so the list only shrinks.
 */
const KNOWN_EXCEPTIONS: { file: string; rule: Rule; contains: string; fix: string }[] = [];

// ---------------------------------------------------------------------------------------------
// Reading YAML with positions

interface Source {
  file: string;
  root: YAMLMap;
  lines: LineCounter;
}

function parseSource(file: string, text: string, problems: Problem[]): Source | undefined {
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) {
    problems.push({ file, line: 1, rule: "yaml", message: `larger than ${MAX_FILE_BYTES} bytes; not read` });
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  for (const error of doc.errors) {
    const line = lines.linePos(error.pos[0]).line;
    problems.push({ file, line, rule: "yaml", message: `invalid YAML: ${error.message.split("\n")[0]}` });
  }
  if (doc.errors.length > 0) return undefined;
  if (!isMap(doc.contents)) {
    problems.push({ file, line: 1, rule: "yaml", message: "expected a mapping at the top level" });
    return undefined;
  }
  return { file, root: doc.contents, lines };
}

function lineOf(source: Source, node: unknown): number {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? source.lines.linePos(range[0]).line : 1;
}

function get(map: unknown, key: string): unknown {
  return isMap(map) ? map.get(key, true) : undefined;
}

function text(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  return String(node.value);
}

/** The key/value pairs of a mapping, with the key node for line numbers. */
function pairs(map: unknown): { key: string; keyNode: unknown; value: unknown }[] {
  if (!isMap(map)) return [];
  return map.items.map((pair) => ({
    key: isScalar(pair.key) ? String(pair.key.value) : String(pair.key),
    keyNode: pair.key,
    value: pair.value,
  }));
}

/** Every scalar under a node, with the keys (and sequence indexes) leading to it. */
function* scalars(
  node: unknown,
  path: (string | number)[] = [],
): Generator<{ path: (string | number)[]; node: Scalar }> {
  if (isScalar(node)) {
    yield { path, node };
  } else if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      yield* scalars(pair.value, [...path, key]);
    }
  } else if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) yield* scalars(item, [...path, index]);
  }
}

function interfaceOf(inputs: unknown, outputs: unknown): Interface {
  const declared = new Map<string, { required: boolean }>();
  for (const { key, value } of pairs(inputs)) {
    const required = text(get(value, "required"));
    declared.set(key, { required: required === "true" });
  }
  return { inputs: declared, outputs: new Set(pairs(outputs).map((p) => p.key)) };
}

// ---------------------------------------------------------------------------------------------
// Expressions

/** The expressions a scalar holds: the whole value of an `if:`, else every `${{ ... }}`. */
function expressionsIn(key: string | number | undefined, value: string): string[] {
  const found = [...value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1] ?? "");
  if (key === "if" && found.length === 0) return [value];
  // String literals are data, not references: `contains(x, 'steps.a')` names no step.
  return found.map((expression) => expression.replace(/'(?:[^']|'')*'/g, "''"));
}

interface Reference {
  context: "steps" | "needs" | "jobs" | "inputs";
  name: string;
  /** `outputs.Y` gives `Y`; `steps.X.outcome` and `needs.J.result` give none. */
  output?: string;
}

function referencesIn(expression: string): Reference[] {
  const found: Reference[] = [];
  const pattern = /(?<![\w.-])(steps|needs|jobs|inputs)\.([A-Za-z_][\w-]*)(?:\.outputs\.([A-Za-z_][\w-]*))?/g;
  for (const match of expression.matchAll(pattern)) {
    const context = match[1] as Reference["context"];
    const name = match[2] ?? "";
    const output = match[3];
    found.push(output === undefined ? { context, name } : { context, name, output });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// `uses:`

type Target =
  | { kind: "action"; name: string }
  | { kind: "workflow"; path: string }
  | { kind: "local"; path: string }
  | { kind: "docker"; image: string }
  | { kind: "remote"; action: string; ref: string };

function classify(uses: string): Target & { via: "relative" | "self" | "ours" | "other" } {
  let path: string | undefined;
  let via: "relative" | "self" | "ours" | "other" = "other";
  if (uses.startsWith("./")) [path, via] = [uses.slice(2), "relative"];
  else if (uses.startsWith("$/")) [path, via] = [uses.slice(2), "self"];
  else if (uses.startsWith(OURS)) [path, via] = [uses.slice(OURS.length).replace(/@[^@]*$/, ""), "ours"];
  if (path !== undefined) {
    path = path.replace(/\/+$/, "");
    const action = /^actions\/([\w.-]+)$/.exec(path);
    if (action) return { kind: "action", name: action[1] ?? "", via };
    if (/^\.github\/workflows\/[\w.-]+\.ya?ml$/.test(path)) return { kind: "workflow", path, via };
    return { kind: "local", path, via };
  }
  if (uses.startsWith("docker://")) return { kind: "docker", image: uses.slice("docker://".length), via };
  const at = uses.lastIndexOf("@");
  return at < 0
    ? { kind: "remote", action: uses, ref: "", via }
    : { kind: "remote", action: uses.slice(0, at), ref: uses.slice(at + 1), via };
}

/** The pin rules for one `uses:` value; returns the target for the caller's own checks. */
function checkUses(
  source: Source,
  place: Place,
  node: unknown,
  problems: Problem[],
): ReturnType<typeof classify> {
  const uses = text(node) ?? "";
  const line = lineOf(source, node);
  const target = classify(uses);
  const report = (rule: Rule, message: string) => problems.push({ file: source.file, line, rule, message });
  if (target.via === "ours") {
    const ref = /@([^@]*)$/.exec(uses)?.[1];
    if (ref === undefined || !(/^v\d+(\.\d+){0,2}$/.test(ref) || /^[0-9a-f]{40}$/.test(ref))) {
      report("our-reference", `${uses}: reference mlgate by a release tag (@v0) or a commit SHA`);
    }
  } else if (place === "example" && (target.kind === "action" || target.kind === "workflow")) {
    report(
      "our-reference",
      `${uses}: a copied workflow cannot see this repository; use ${OURS}${target.kind === "action" ? `actions/${target.name}` : target.path}@v0`,
    );
  }
  if (target.kind === "docker" && !/@sha256:[0-9a-f]{64}$/.test(target.image)) {
    report("unpinned", `${uses}: pin the image by digest (docker://image@sha256:...)`);
  }
  if (target.kind === "remote") {
    if (!/^[0-9a-f]{40}$/.test(target.ref)) {
      report(
        "unpinned",
        `${uses}: pin third-party actions by full commit SHA, with the version in a comment`,
      );
    } else {
      const comment = isScalar(node) ? (node.comment ?? "") : "";
      if (!/\bv\d+(\.\d+){0,2}\b/.test(comment)) {
        report("pin-comment", `${uses}: say which version the SHA is in a comment (# vX.Y.Z)`);
      }
    }
  }
  return target;
}

// ---------------------------------------------------------------------------------------------
// Steps and jobs

/** What a step gives back, for `steps.X.outputs.Y`. */
type StepOutputs =
  | { kind: "declared"; outputs: ReadonlySet<string>; what: string }
  | { kind: "script"; script: string }
  | { kind: "unknown"; what: string }
  /** An action that does not exist: already reported, its outputs are not judged again. */
  | { kind: "missing" };

function writesOutput(script: string, name: string): boolean {
  if (!script.includes("GITHUB_OUTPUT")) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  return new RegExp(`(^|[\\s"'{])${escaped}(=|<<)`, "m").test(script);
}

interface StepInfo {
  id: string | undefined;
  index: number;
  outputs: StepOutputs;
}

interface Scope {
  source: Source;
  place: Place;
  catalog: Catalog;
  problems: Problem[];
  /** Inputs of the enclosing reusable workflow, dispatch form or composite action; undefined: none. */
  inputs: ReadonlySet<string> | undefined;
}

function report(scope: Scope, node: unknown, rule: Rule, message: string): void {
  scope.problems.push({ file: scope.source.file, line: lineOf(scope.source, node), rule, message });
}

/** `with:` keys against an interface: unknown keys, and required inputs left out. */
function checkWith(scope: Scope, spec: Interface, withNode: unknown, anchor: unknown, what: string): void {
  const given = pairs(withNode);
  for (const { key, keyNode } of given) {
    if (!spec.inputs.has(key)) {
      const known = [...spec.inputs.keys()].join(", ");
      report(scope, keyNode, "unknown-input", `${what} has no input "${key}" (it has: ${known})`);
    }
  }
  for (const [name, { required }] of spec.inputs) {
    if (required && !given.some((g) => g.key === name)) {
      report(scope, anchor, "missing-input", `${what} needs input "${name}"`);
    }
  }
}

/** Audits the steps of a job or composite action and returns what each one gives back. */
function auditSteps(scope: Scope, stepsNode: unknown): StepInfo[] {
  const infos: StepInfo[] = [];
  if (!isSeq(stepsNode)) return infos;
  for (const [index, step] of stepsNode.items.entries()) {
    const id = text(get(step, "id"));
    const runNode = get(step, "run");
    const usesNode = get(step, "uses");
    const run = text(runNode);
    if (run?.includes(OPEN)) {
      report(
        scope,
        runNode,
        "run-expression",
        "an expression inside a run: script is pasted into the shell before it runs; pass the value through env:",
      );
    }
    let outputs: StepOutputs = { kind: "script", script: run ?? "" };
    if (usesNode !== undefined) {
      const uses = text(usesNode) ?? "";
      const target = checkUses(scope.source, scope.place, usesNode, scope.problems);
      if (target.kind === "action") {
        const spec = scope.catalog.actions.get(target.name);
        if (!spec) {
          report(scope, usesNode, "unknown-action", `${uses}: there is no actions/${target.name}/action.yml`);
          outputs = { kind: "missing" };
        } else {
          checkWith(scope, spec, get(step, "with"), usesNode, uses);
          outputs = { kind: "declared", outputs: spec.outputs, what: uses };
        }
      } else if (target.kind === "remote") {
        if (target.action === "actions/checkout") {
          const keep = text(get(get(step, "with"), "persist-credentials"));
          if (keep !== "false") {
            report(
              scope,
              usesNode,
              "checkout-credentials",
              "actions/checkout without `persist-credentials: false` leaves the token in .git/config for every later step",
            );
          }
        }
        const known = THIRD_PARTY_OUTPUTS[target.action];
        outputs = known
          ? { kind: "declared", outputs: new Set(known), what: target.action }
          : { kind: "unknown", what: target.action };
      } else {
        outputs = { kind: "unknown", what: uses };
      }
    }
    infos.push({ id, index, outputs });
  }
  return infos;
}

/** A `steps.X.outputs.Y` (or `steps.X.outcome`) read from a place that sees `visible` steps. */
function checkStepReference(
  scope: Scope,
  node: unknown,
  ref: Reference,
  steps: StepInfo[],
  before: number,
): void {
  const step = steps.find((s) => s.id === ref.name);
  if (!step) {
    report(scope, node, "unknown-step", `steps.${ref.name}: no step has id "${ref.name}"`);
    return;
  }
  if (step.index >= before) {
    report(scope, node, "step-order", `steps.${ref.name} is read before that step has run`);
    return;
  }
  const { outputs } = step;
  if (ref.output === undefined || outputs.kind === "missing") return;
  const declared =
    outputs.kind === "declared"
      ? outputs.outputs.has(ref.output)
      : outputs.kind === "script"
        ? writesOutput(outputs.script, ref.output)
        : false;
  if (!declared) {
    const why =
      outputs.kind === "declared"
        ? `${outputs.what} declares no output "${ref.output}" (it has: ${[...outputs.outputs].join(", ")})`
        : outputs.kind === "script"
          ? `its script writes no "${ref.output}=" to $GITHUB_OUTPUT`
          : `the outputs of ${outputs.what} are not known here`;
    report(scope, node, "unknown-output", `steps.${ref.name}.outputs.${ref.output}: ${why}`);
  }
}

function checkInputReference(scope: Scope, node: unknown, ref: Reference): void {
  if (scope.inputs === undefined) {
    report(scope, node, "unknown-input", `inputs.${ref.name}: this file declares no inputs`);
  } else if (!scope.inputs.has(ref.name)) {
    report(scope, node, "unknown-input", `inputs.${ref.name} is not declared`);
  }
}

function needsOf(job: unknown): string[] {
  const needs = get(job, "needs");
  if (isSeq(needs)) return needs.items.map((item) => text(item) ?? "");
  const single = text(needs);
  return single === undefined ? [] : [single];
}

/** The outputs a job gives to the jobs that need it: its `outputs:`, or the called workflow's. */
function jobOutputs(scope: Scope, job: unknown): ReadonlySet<string> | undefined {
  const uses = text(get(job, "uses"));
  if (uses !== undefined) {
    const target = classify(uses);
    return target.kind === "workflow" ? scope.catalog.workflows.get(target.path)?.outputs : undefined;
  }
  return new Set(pairs(get(job, "outputs")).map((p) => p.key));
}

function auditJob(
  scope: Scope,
  jobId: string,
  keyNode: unknown,
  job: unknown,
  jobs: Map<string, unknown>,
): void {
  const usesNode = get(job, "uses");
  if (usesNode !== undefined) {
    const uses = text(usesNode) ?? "";
    const target = checkUses(scope.source, scope.place, usesNode, scope.problems);
    if (target.kind === "workflow") {
      const spec = scope.catalog.workflows.get(target.path);
      if (!spec)
        report(scope, usesNode, "unknown-action", `${uses}: there is no reusable workflow ${target.path}`);
      else checkWith(scope, spec, get(job, "with"), usesNode, uses);
    }
  } else if (get(job, "timeout-minutes") === undefined) {
    report(scope, keyNode, "timeout", `job "${jobId}" has no timeout-minutes (the default is 6 hours)`);
  }
  if (get(job, "permissions") === undefined) {
    report(
      scope,
      keyNode,
      "job-permissions",
      `job "${jobId}" has no permissions: it gets whatever the top level grants; say what it needs (permissions: {} for nothing)`,
    );
  }

  const needs = needsOf(job);
  for (const need of needs) {
    if (!jobs.has(need))
      report(scope, get(job, "needs"), "unknown-job", `job "${jobId}" needs "${need}", which does not exist`);
  }

  const steps = auditSteps(scope, get(job, "steps"));
  checkJobReferences(scope, jobId, job, jobs, needs, steps);
}

/** Every `steps.*`, `needs.*`, `inputs.*` and `jobs.*` a job's expressions read. */
function checkJobReferences(
  scope: Scope,
  jobId: string,
  job: unknown,
  jobs: Map<string, unknown>,
  needs: string[],
  steps: StepInfo[],
): void {
  for (const { path, node } of scalars(job)) {
    const value = text(node);
    if (value === undefined) continue;
    for (const expression of expressionsIn(path.at(-1), value)) {
      for (const ref of referencesIn(expression)) {
        if (ref.context === "inputs") {
          checkInputReference(scope, node, ref);
        } else if (ref.context === "steps") {
          const [where, index] = path;
          if (where === "steps" && typeof index === "number") {
            checkStepReference(scope, node, ref, steps, index);
          } else if (where === "outputs" || where === "environment") {
            checkStepReference(scope, node, ref, steps, Number.POSITIVE_INFINITY);
          } else {
            report(
              scope,
              node,
              "unknown-step",
              `steps.${ref.name}: no step context in jobs.${jobId}.${String(where)}`,
            );
          }
        } else if (ref.context === "needs") {
          if (!needs.includes(ref.name)) {
            report(
              scope,
              node,
              "not-needed",
              `needs.${ref.name}: job "${jobId}" does not list "${ref.name}" in needs`,
            );
          } else if (ref.output !== undefined) {
            const outputs = jobOutputs(scope, jobs.get(ref.name));
            if (outputs !== undefined && !outputs.has(ref.output)) {
              report(
                scope,
                node,
                "unknown-output",
                `needs.${ref.name}.outputs.${ref.output}: job "${ref.name}" declares no output "${ref.output}"`,
              );
            }
          }
        } else {
          report(
            scope,
            node,
            "unknown-job",
            `jobs.${ref.name}: the jobs context exists only in workflow_call outputs`,
          );
        }
      }
    }
  }
}

function auditPermissions(scope: Scope): void {
  const { root } = scope.source;
  const permissions = get(root, "permissions");
  if (permissions === undefined) {
    report(
      scope,
      get(root, "jobs"),
      "permissions",
      "no top-level permissions: the token gets the repository's default",
    );
    return;
  }
  const all = text(permissions);
  if (all === "write-all") {
    report(scope, permissions, "top-level-write", "permissions: write-all; grant writes per job");
  }
  for (const { key, keyNode, value } of pairs(permissions)) {
    if (text(value) === "write") {
      report(
        scope,
        keyNode,
        "top-level-write",
        `top-level "${key}: write" reaches every job; grant it in the job that needs it`,
      );
    }
  }
}

function declaredInputs(root: YAMLMap): Set<string> | undefined {
  const on = get(root, "on");
  const names = [
    ...pairs(get(get(on, "workflow_call"), "inputs")),
    ...pairs(get(get(on, "workflow_dispatch"), "inputs")),
  ].map((p) => p.key);
  return names.length > 0 ? new Set(names) : undefined;
}

function auditWorkflow(scope: Scope): void {
  const { root } = scope.source;
  auditPermissions(scope);
  const jobsNode = get(root, "jobs");
  const jobs = new Map(pairs(jobsNode).map((p) => [p.key, p.value] as const));
  for (const { key, keyNode, value } of pairs(jobsNode)) auditJob(scope, key, keyNode, value, jobs);

  // A reusable workflow's outputs come from its jobs' outputs.
  const callOutputs = get(get(get(root, "on"), "workflow_call"), "outputs");
  for (const { path, node } of scalars(callOutputs)) {
    const value = text(node);
    if (value === undefined || path.at(-1) !== "value") continue;
    for (const expression of expressionsIn("value", value)) {
      for (const ref of referencesIn(expression)) {
        if (ref.context !== "jobs") {
          report(
            scope,
            node,
            "unknown-job",
            `${ref.context}.${ref.name}: workflow_call outputs read jobs.J.outputs.Y`,
          );
        } else if (!jobs.has(ref.name)) {
          report(scope, node, "unknown-job", `jobs.${ref.name}: no such job`);
        } else if (ref.output !== undefined && !jobOutputs(scope, jobs.get(ref.name))?.has(ref.output)) {
          report(
            scope,
            node,
            "unknown-output",
            `jobs.${ref.name}.outputs.${ref.output}: job "${ref.name}" declares no such output`,
          );
        }
      }
    }
  }
}

function auditAction(scope: Scope): void {
  const runs = get(scope.source.root, "runs");
  if (text(get(runs, "using")) !== "composite") return;
  const steps = auditSteps(scope, get(runs, "steps"));
  const reads = [
    ...[...scalars(get(runs, "steps"))].map((s) => ({ ...s, before: s.path[0] as number })),
    ...[...scalars(get(scope.source.root, "outputs"))].map((s) => ({
      ...s,
      before: Number.POSITIVE_INFINITY,
    })),
  ];
  for (const { path, node, before } of reads) {
    const value = text(node);
    if (value === undefined) continue;
    for (const expression of expressionsIn(path.at(-1), value)) {
      for (const ref of referencesIn(expression)) {
        if (ref.context === "steps") checkStepReference(scope, node, ref, steps, before);
        else if (ref.context === "inputs") checkInputReference(scope, node, ref);
        else
          report(
            scope,
            node,
            "unknown-job",
            `${ref.context}.${ref.name}: no ${ref.context} context in an action`,
          );
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// GitHub's schemas, through action-validator

/**
 * action-validator 0.6.0 bundles SchemaStore's action schema from before GitHub added the node24
 * runtime: its `runs.using` enum stops at node20. Each of our actions uses node24 (GitHub is retiring
 * node20), so each gets one `oneOf` error at /runs whose JavaScript-action branch fails on that enum
 * alone. That error, and only it, is set aside: the file is validated again with node20 in place of
 * node24 and must then pass entirely. A validator that knows node24 makes the allowance unused, and
 * the test "still needs the node24 allowance" says to remove it.
 */
const RUNTIME_THE_SCHEMA_LACKS = "node24";
const NEWEST_RUNTIME_THE_SCHEMA_KNOWS = "node20";

type SchemaKind = "action" | "workflow";

/** The validator prints "Glob validation is not yet supported" for `paths:` filters; that is not a finding. */
function quietly<T>(run: () => T): T {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return run();
  } finally {
    console.warn = warn;
  }
}

function validateSchema(content: string, kind: SchemaKind): ValidationError[] {
  return quietly(() => (kind === "action" ? validateAction(content) : validateWorkflow(content)).errors);
}

/** Exactly one error: `runs` matches no kind of action, and the JavaScript kind fails on `runs.using` only. */
function isRuntimeEnumOnly(errors: readonly ValidationError[]): boolean {
  const [only, ...rest] = errors;
  if (!only || rest.length > 0 || only.code !== "one_of" || !("path" in only) || only.path !== "/runs") {
    return false;
  }
  return (only.states ?? []).some(
    ({ errors: branch }) =>
      branch.length === 1 &&
      branch[0]?.code === "enum" &&
      "path" in branch[0] &&
      branch[0].path === "/runs/using",
  );
}

/**
 * The schema errors of a file, with the node24 allowance above applied: a node24 action is judged by
 * the errors it has as a node20 action, provided that the runtime error is the only one that goes.
 */
function schemaErrors(content: string, kind: SchemaKind): ValidationError[] {
  const errors = validateSchema(content, kind);
  if (kind !== "action" || !errors.some((e) => isRuntimeEnumOnly([e]))) return errors;
  const doc = parseDocument(content);
  if (doc.getIn(["runs", "using"]) !== RUNTIME_THE_SCHEMA_LACKS) return errors;
  doc.setIn(["runs", "using"], NEWEST_RUNTIME_THE_SCHEMA_KNOWS);
  const asNode20 = validateSchema(doc.toString(), kind);
  const others = errors.filter((e) => !isRuntimeEnumOnly([e]));
  return asNode20.length === others.length ? asNode20 : errors;
}

function describeSchemaError(error: ValidationError): string {
  const where = "path" in error && error.path ? ` at ${error.path}` : "";
  let message = `${error.title}${error.detail ? `: ${error.detail}` : ""}${where}`;
  const states = "states" in error ? (error.states ?? []) : [];
  // Of the alternatives (oneOf, anyOf), the one with the fewest errors is what the author meant.
  const closest = [...states].sort((a, b) => a.errors.length - b.errors.length)[0];
  if (closest && closest.errors.length > 0) {
    message += ` (closest match: ${closest.errors.map(describeSchemaError).join("; ")})`;
  }
  return message;
}

/** The line of the deepest node a JSON pointer (`/jobs/a/steps/0/uses`) reaches in the file. */
function pointerLine(source: Source, pointer: string): number {
  let node: unknown = source.root;
  let line = lineOf(source, source.root);
  const segments = pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) break;
      line = lineOf(source, pair.key);
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      const item = node.items[Number(segment)];
      if (item === undefined) break;
      line = lineOf(source, item);
      node = item;
    } else {
      break;
    }
  }
  return line;
}

/** Where an error points: an unknown key itself, or the deepest place the closest alternative names. */
function errorPointer(error: ValidationError): string {
  if (!("path" in error)) return "";
  const extra = /^Additional property '([^']+)'/.exec(error.detail ?? "")?.[1];
  if (extra !== undefined) return `${error.path}/${extra.replace(/~/g, "~0").replace(/\//g, "~1")}`;
  const closest = [...(error.states ?? [])].sort((a, b) => a.errors.length - b.errors.length)[0];
  const deeper = (closest?.errors ?? []).map(errorPointer).sort((a, b) => b.length - a.length)[0];
  return deeper !== undefined && deeper.length > error.path.length ? deeper : error.path;
}

function auditSchema(source: Source, content: string, kind: SchemaKind, problems: Problem[]): void {
  for (const error of schemaErrors(content, kind)) {
    const line =
      "location" in error && error.location ? error.location.line : pointerLine(source, errorPointer(error));
    problems.push({
      file: source.file,
      line,
      rule: "schema",
      message: `not a valid GitHub ${kind}: ${describeSchemaError(error)}`,
    });
  }
}

/** Audits one file: a workflow (has `jobs:`) or an action (has `runs:`). */
function auditText(file: string, content: string, catalog: Catalog, place: Place): Problem[] {
  const problems: Problem[] = [];
  const source = parseSource(file, content, problems);
  if (!source) return problems;
  const isAction = get(source.root, "runs") !== undefined;
  auditSchema(source, content, isAction ? "action" : "workflow", problems);
  const inputs = isAction
    ? new Set(pairs(get(source.root, "inputs")).map((p) => p.key))
    : declaredInputs(source.root);
  const scope: Scope = { source, place, catalog, problems, inputs };
  if (isAction) auditAction(scope);
  else auditWorkflow(scope);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The repository

function yamlFiles(dir: string): string[] {
  const full = join(ROOT, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${dir}/${name}`);
}

function actionFiles(): string[] {
  return readdirSync(join(ROOT, "actions"), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, "actions", d.name, "action.yml")))
    .map((d) => `actions/${d.name}/action.yml`)
    .sort();
}

/** Where the audit does not look: dependencies, git's own files, and the fixtures broken on purpose. */
const NOT_AUDITED = new Set(["node_modules", ".git", "test/fixtures/workflows-bad"]);

/** Every action.yml in the repository outside actions/ (the build script's test action, for one). */
function otherActionFiles(dir = ""): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (NOT_AUDITED.has(entry.name) || NOT_AUDITED.has(path) || path === "actions") return [];
    if (entry.isDirectory()) return otherActionFiles(path);
    return /^action\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

function repositoryFiles(): { file: string; place: Place }[] {
  return [
    ...yamlFiles("workflows-examples").map((file) => ({ file, place: "example" as const })),
    ...yamlFiles(".github/workflows").map((file) => ({ file, place: "repository" as const })),
    ...actionFiles().map((file) => ({ file, place: "repository" as const })),
    ...otherActionFiles().map((file) => ({ file, place: "repository" as const })),
  ];
}

function read(file: string): string {
  return readFileSync(join(ROOT, file), "utf8");
}

function loadCatalog(): { catalog: Catalog; problems: Problem[] } {
  const problems: Problem[] = [];
  const catalog: Catalog = { actions: new Map(), workflows: new Map() };
  for (const file of actionFiles()) {
    const source = parseSource(file, read(file), problems);
    const name = file.split("/")[1] ?? "";
    if (source)
      catalog.actions.set(name, interfaceOf(get(source.root, "inputs"), get(source.root, "outputs")));
  }
  for (const file of yamlFiles(".github/workflows")) {
    const source = parseSource(file, read(file), problems);
    const call = source && get(get(source.root, "on"), "workflow_call");
    if (call !== undefined)
      catalog.workflows.set(file, interfaceOf(get(call, "inputs"), get(call, "outputs")));
  }
  return { catalog, problems };
}

function show(problems: Problem[]): string[] {
  return problems.map((p) => `${p.file}:${p.line}: [${p.rule}] ${p.message}`);
}

function auditRepository(): { problems: Problem[]; excused: Problem[]; stale: string[] } {
  const { catalog, problems } = loadCatalog();
  for (const { file, place } of repositoryFiles())
    problems.push(...auditText(file, read(file), catalog, place));
  const used = new Set<number>();
  const excused: Problem[] = [];
  const remaining = problems.filter((problem) => {
    const index = KNOWN_EXCEPTIONS.findIndex(
      (e) => e.file === problem.file && e.rule === problem.rule && problem.message.includes(e.contains),
    );
    if (index < 0) return true;
    used.add(index);
    excused.push(problem);
    return false;
  });
  const stale = KNOWN_EXCEPTIONS.filter((_, i) => !used.has(i)).map(
    (e) => `${e.file}: [${e.rule}] "${e.contains}" no longer occurs: remove it from KNOWN_EXCEPTIONS`,
  );
  return { problems: remaining, excused, stale };
}

let repositoryAudit: ReturnType<typeof auditRepository> | undefined;
/** The repository is audited once, however many tests read the result. */
const repository = () => {
  repositoryAudit ??= auditRepository();
  return repositoryAudit;
};

const { catalog: CATALOG } = loadCatalog();
const audit = (content: string, place: Place = "repository") =>
  auditText("bad.yml", content, CATALOG, place).map(({ line, rule }) => ({ line, rule }));

// ---------------------------------------------------------------------------------------------

describe("the repository's workflows and actions", () => {
  it("covers every file it should", () => {
    const files = repositoryFiles().map((f) => f.file);
    for (const file of [
      "workflows-examples/release.yml",
      "workflows-examples/pr-eval-gate.yml",
      "workflows-examples/contract-diff.yml",
      "workflows-examples/edge-and-server.yml",
      "workflows-examples/pr-gates.yml",
      ".github/workflows/ci.yml",
      ".github/workflows/release-reusable.yml",
      "actions/eval-gate/action.yml",
      "actions/validate-artifact/action.yml",
      "actions/load-test/action.yml",
      "actions/contract-diff/action.yml",
      "actions/scan-image/action.yml",
      "actions/canary/action.yml",
    ]) {
      expect(files).toContain(file);
    }
    expect(CATALOG.workflows.has(".github/workflows/release-reusable.yml")).toBe(true);
    expect(files).toContain("test/fixtures/build/actions/hello/action.yml");
  });

  it("pass the audit", () => {
    const { problems } = repository();
    expect(show(problems)).toEqual([]);
  });

  it("keep no exception that is no longer needed", () => {
    const { stale, excused } = repository();
    expect(stale).toEqual([]);
    // Print what is still excused, with its fix, so it stays visible in the test log.
    for (const problem of excused) {
      const fix = KNOWN_EXCEPTIONS.find(
        (e) => e.file === problem.file && problem.message.includes(e.contains),
      )?.fix;
      console.info(`known exception: ${show([problem])[0]} (fix: ${fix})`);
    }
  });

  it("pin each third-party action version to one SHA everywhere", () => {
    const pins = new Map<string, Set<string>>();
    for (const { file } of repositoryFiles()) {
      for (const match of read(file).matchAll(
        /uses:\s*([\w.-]+\/[\w./-]+)@([0-9a-f]{40})\s*#\s*(v[\d.]+)/g,
      )) {
        const key = `${match[1]} ${match[3]}`;
        pins.set(key, (pins.get(key) ?? new Set()).add(match[2] ?? ""));
      }
    }
    expect(pins.size).toBeGreaterThan(5);
    const conflicting = [...pins]
      .filter(([, shas]) => shas.size > 1)
      .map(([key, shas]) => `${key}: ${[...shas]}`);
    expect(conflicting).toEqual([]);
  });
});

describe("the audit finds each problem", () => {
  const head = "name: bad\non: push\npermissions: {}\njobs:\n";
  const checkout = "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n";
  const job = (steps: string, extra = "") =>
    `${head}  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    permissions: {}\n${extra}    steps:\n${steps}`;

  it("passes a clean workflow", () => {
    const clean = job(
      `${checkout}        with:\n          persist-credentials: false\n` +
        "      - id: gate\n        uses: ./actions/eval-gate\n        with:\n          candidate: c.json\n" +
        `      - env:\n          V: ${expr("steps.gate.outputs.verdict")}\n        run: echo "$V"\n`,
    );
    expect(audit(clean)).toEqual([]);
  });

  it.each([
    [
      "an expression inside run:",
      job(`      - run: echo "${expr("github.head_ref")}"\n`),
      10,
      "run-expression",
    ],
    ["a third-party action on a tag", job("      - uses: actions/setup-node@v4\n"), 10, "unpinned"],
    [
      "a pinned action without its version",
      job("      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020\n"),
      10,
      "pin-comment",
    ],
    ["a docker image by tag", job("      - uses: docker://alpine:3.20\n"), 10, "unpinned"],
    ["a checkout that keeps its token", job(checkout), 10, "checkout-credentials"],
    [
      "a job without a timeout",
      `${head}  a:\n    runs-on: ubuntu-latest\n    permissions: {}\n    steps:\n      - run: echo ok\n`,
      5,
      "timeout",
    ],
    [
      "a workflow without permissions",
      "on: push\njobs:\n  a:\n    runs-on: x\n    timeout-minutes: 1\n    permissions: {}\n    steps:\n      - run: echo ok\n",
      3,
      "permissions",
    ],
    [
      "a write permission at the top",
      "on: push\npermissions:\n  contents: write\njobs:\n  a:\n    runs-on: x\n    timeout-minutes: 1\n    permissions: {}\n    steps:\n      - run: echo ok\n",
      3,
      "top-level-write",
    ],
    [
      "a misspelt input of our action",
      job("      - uses: ./actions/eval-gate\n        with:\n          candidat: c.json\n"),
      12,
      "unknown-input",
    ],
    [
      "an action of ours that does not exist",
      job("      - uses: ./actions/no-such-gate\n"),
      10,
      "unknown-action",
    ],
    [
      "an output our action does not declare",
      job(
        `      - id: g\n        uses: ./actions/eval-gate\n      - env:\n          V: ${expr("steps.g.outputs.verdit")}\n        run: echo\n`,
      ),
      13,
      "unknown-output",
    ],
    [
      "an output a script does not write",
      job(
        '      - id: s\n        run: echo "x=1" >> "$GITHUB_OUTPUT"\n      - if: steps.s.outputs.y == \'1\'\n        run: echo\n',
      ),
      12,
      "unknown-output",
    ],
    [
      "a step that does not exist",
      job("      - if: steps.nope.outcome == 'success'\n        run: echo\n"),
      10,
      "unknown-step",
    ],
    [
      "a step read before it runs",
      job(
        `      - env:\n          V: ${expr("steps.late.outputs.x")}\n        run: echo\n      - id: late\n        run: echo "x=1" >> "$GITHUB_OUTPUT"\n`,
      ),
      11,
      "step-order",
    ],
    [
      "a job output nobody declares",
      `${head}  a:\n    runs-on: x\n    timeout-minutes: 1\n    permissions: {}\n    outputs:\n      o: \${{ steps.s.outputs.o }}\n    steps:\n      - id: s\n        run: echo "o=1" >> "$GITHUB_OUTPUT"\n  b:\n    needs: a\n    runs-on: x\n    timeout-minutes: 1\n    permissions: {}\n    steps:\n      - env:\n          V: \${{ needs.a.outputs.p }}\n        run: echo\n`,
      21,
      "unknown-output",
    ],
    [
      "a needs context without needs:",
      `${head}  a:\n    runs-on: x\n    timeout-minutes: 1\n    permissions: {}\n    steps:\n      - run: echo\n  b:\n    runs-on: x\n    timeout-minutes: 1\n    permissions: {}\n    steps:\n      - if: needs.a.result == 'success'\n        run: echo\n`,
      16,
      "not-needed",
    ],
    [
      "an input the workflow does not declare",
      job("      - if: inputs.nope\n        run: echo\n"),
      10,
      "unknown-input",
    ],
    [
      "a local action in a copied example",
      job("      - uses: ./actions/eval-gate\n"),
      10,
      "our-reference",
      "example",
    ],
    ["mlgate on a branch", job("      - uses: mlgate/mlgate/actions/eval-gate@main\n"), 10, "our-reference"],
    [
      "a misspelt input of our reusable workflow",
      `${head}  a:\n    permissions: {}\n    uses: ./.github/workflows/release-reusable.yml\n    with:\n      modle: m/\n`,
      9,
      "unknown-input",
    ],
  ] as const)("%s", (_what, content, line, rule, place: Place = "repository") => {
    expect(audit(content, place)).toEqual([{ line, rule }]);
  });

  it("finds every problem of a workflow that has them all, each on its line", () => {
    const bad = [
      "on: pull_request",
      "permissions: write-all",
      "jobs:",
      "  build:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - uses: actions/checkout@v4",
      `      - run: echo "${expr("github.event.pull_request.title")}"`,
      "      - uses: mlgate/mlgate/actions/eval-gate@v0",
      "        with:",
      "          baseline-branch: main",
      "  deploy:",
      "    needs: biuld",
      "    runs-on: ubuntu-latest",
      "    timeout-minutes: 5",
      "    steps:",
      "      - run: echo",
      "        env:",
      `          D: ${expr("needs.build.outputs.digest")}`,
      "",
    ].join("\n");
    expect(audit(bad)).toEqual([
      // action-validator resolves `needs:` too, before the audit's own rules run.
      { line: 13, rule: "schema" },
      { line: 2, rule: "top-level-write" },
      { line: 4, rule: "timeout" },
      { line: 4, rule: "job-permissions" },
      { line: 7, rule: "unpinned" },
      { line: 7, rule: "checkout-credentials" },
      { line: 8, rule: "run-expression" },
      { line: 11, rule: "unknown-input" },
      { line: 12, rule: "job-permissions" },
      { line: 13, rule: "unknown-job" },
      { line: 19, rule: "not-needed" },
    ]);
  });

  it("reports broken YAML with its line instead of throwing", () => {
    expect(audit("jobs:\n  a: [\n")).toEqual([{ line: 3, rule: "yaml" }]);
    expect(audit("- a list\n")).toEqual([{ line: 1, rule: "yaml" }]);
    expect(audit(`a: ${"x".repeat(MAX_FILE_BYTES)}`)).toEqual([{ line: 1, rule: "yaml" }]);
  });

  it("flags an expression in exactly the run: scripts that hold one", () => {
    // Lines that start with text, as a block scalar needs; `${{` can only come from `injected`.
    const safeLine = fc.stringMatching(/^[a-z0-9"$_=.-][a-z0-9 "$_=.-]{0,29}$/);
    const stepArb = fc.record({
      lines: fc.array(safeLine, { minLength: 1, maxLength: 4 }),
      injected: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 6 }), (steps) => {
        const body = steps
          .map(({ lines, injected }) => {
            const script = injected ? [...lines, `echo ${expr("github.ref")}`] : lines;
            return `      - run: |\n${script.map((l) => `          ${l}`).join("\n")}\n`;
          })
          .join("");
        const flagged = audit(job(body)).filter((p) => p.rule === "run-expression").length;
        return flagged === steps.filter((s) => s.injected).length;
      }),
      { numRuns: 100 },
    );
  });
});

describe("the deliberately bad fixtures in test/fixtures/workflows-bad/", () => {
  const dir = "test/fixtures/workflows-bad";
  const fixtures = readdirSync(join(ROOT, dir), { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? existsSync(join(ROOT, dir, entry.name, "action.yml"))
          ? [`${dir}/${entry.name}/action.yml`]
          : []
        : /\.ya?ml$/.test(entry.name)
          ? [`${dir}/${entry.name}`]
          : [],
    )
    .sort();
  /** `# audit-expects: RULE line N`, one comment line per problem the fixture carries. */
  const expected = (content: string) =>
    [...content.matchAll(/^# audit-expects: ([\w-]+) line (\d+)$/gm)].map((m) => ({
      line: Number(m[2]),
      rule: m[1],
    }));

  it("prove each check the release requirement names: schema, run:, pins, job permissions", () => {
    const rules = new Set(fixtures.flatMap((file) => expected(read(file)).map((e) => e.rule)));
    for (const rule of ["schema", "run-expression", "unpinned", "job-permissions"]) {
      expect(rules, rule).toContain(rule);
    }
    expect(fixtures).toContain(`${dir}/schema-action/action.yml`);
  });

  it.each(fixtures)("%s: the audit finds exactly what it was broken with", (file) => {
    const content = read(file);
    expect(expected(content).length, `${file} says what it expects`).toBeGreaterThan(0);
    const found = auditText(relative(ROOT, join(ROOT, file)), content, CATALOG, "repository");
    expect(found.map(({ line, rule }) => ({ line, rule }))).toEqual(expected(content));
  });

  it("the node24 allowance is still needed: the bundled schema rejects exactly runs.using", () => {
    for (const file of actionFiles()) {
      const errors = validateSchema(read(file), "action");
      expect(isRuntimeEnumOnly(errors), `${file}: ${errors.map(describeSchemaError).join("; ")}`).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// What the reference release workflow promises, beyond the rules every file follows.

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  environment?: string | { name: string; url?: string };
  outputs?: Record<string, string>;
  steps?: Step[];
}

describe("the reference release workflow", () => {
  const release = parseDocument(read("workflows-examples/release.yml")).toJS() as {
    concurrency: { group: string; "cancel-in-progress": string };
    jobs: Record<string, Job>;
  };
  const jobs = release.jobs;
  const job = (id: string): Job => {
    const found = jobs[id];
    if (!found) throw new Error(`release.yml has no job "${id}"`);
    return found;
  };
  const needs = (id: string): string[] => {
    const value = job(id).needs;
    return value === undefined ? [] : Array.isArray(value) ? [...value] : [value];
  };
  const ancestors = (id: string): Set<string> => {
    const found = new Set<string>();
    const pending = needs(id);
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (found.has(next)) continue;
      found.add(next);
      pending.push(...needs(next));
    }
    return found;
  };
  const stepsUsing = (id: string, action: string) =>
    (job(id).steps ?? []).filter((step) => step.uses?.startsWith(action));
  const environmentOf = (id: string) => {
    const environment = job(id).environment;
    return typeof environment === "string" ? environment : environment?.name;
  };

  it("runs the pull-request gates on pull requests, and everything after the build only on pushes", () => {
    for (const id of ["validate-artifact", "eval-gate", "contract-diff"]) {
      expect(job(id).if ?? "github.event_name == 'pull_request'").toContain("pull_request");
      expect(ancestors(id).has("build")).toBe(false);
    }
    expect(job("build").if).toBe("github.event_name == 'push'");
    for (const id of ["scan-image", "staging", "load-test", "production"]) {
      expect(ancestors(id).has("build"), id).toBe(true);
    }
  });

  it("reaches production only through every gate and the environment's approval", () => {
    expect(environmentOf("production")).toBe("production");
    expect([...ancestors("production")].sort()).toEqual(
      ["build", "eval-gate", "load-test", "scan-image", "staging", "validate-artifact"].sort(),
    );
    const others = Object.keys(jobs).filter((id) => id !== "production");
    expect(others.filter((id) => environmentOf(id) === "production")).toEqual([]);
    // The canary moves traffic in the approved job, after the candidate was started beside the baseline.
    const steps = job("production").steps ?? [];
    const canary = steps.findIndex((step) => step.uses?.startsWith("mlgate/mlgate/actions/canary@"));
    const deploy = steps.findIndex((step) => step.name?.startsWith("Start the candidate"));
    expect(deploy).toBeGreaterThanOrEqual(0);
    expect(canary).toBeGreaterThan(deploy);
  });

  it("gives an OIDC token only to the jobs that assume an AWS role, and no job AWS keys", () => {
    for (const id of Object.keys(jobs)) {
      const assumes = stepsUsing(id, "aws-actions/configure-aws-credentials@");
      expect(job(id).permissions?.["id-token"] === "write", id).toBe(assumes.length > 0);
      for (const step of assumes) {
        expect(Object.keys(step.with ?? {})).toContain("role-to-assume");
        expect(Object.keys(step.with ?? {})).not.toContain("aws-access-key-id");
        expect(Object.keys(step.with ?? {})).not.toContain("aws-secret-access-key");
      }
    }
  });

  it("hands the model digest and the image digest from job to job", () => {
    expect(job("validate-artifact").outputs?.["model-sha256"]).toBe(expr("steps.gate.outputs.sha256"));
    expect(job("build").outputs?.["model-sha256"]).toBe(expr("needs.validate-artifact.outputs.model-sha256"));
    expect(job("build").outputs?.["image-digest"]).toBe(expr("steps.push.outputs.digest"));
    expect(stepsUsing("scan-image", "mlgate/mlgate/actions/scan-image@")[0]?.with?.image).toBe(
      expr("needs.build.outputs.image"),
    );
    const check = (job("scan-image").steps ?? []).find((step) => step.env?.PUSHED !== undefined);
    expect(check?.env).toEqual({
      PUSHED: expr("needs.build.outputs.image-digest"),
      SCANNED: expr("steps.gate.outputs.digest"),
    });
    for (const id of ["staging", "production"]) {
      const deploy = (job(id).steps ?? []).find((step) => step.env?.IMAGE !== undefined);
      expect(deploy?.env?.IMAGE, id).toBe(expr("needs.build.outputs.image"));
    }
    expect(stepsUsing("load-test", "mlgate/mlgate/actions/load-test@")[0]?.with?.url).toContain(
      expr("needs.staging.outputs.url"),
    );
  });

  it("queues releases on main without cancelling one, and supersedes pull-request runs", () => {
    expect(release.concurrency.group).toContain("github.event_name == 'push' && 'release-main'");
    expect(release.concurrency["cancel-in-progress"]).toBe(expr("github.event_name == 'pull_request'"));
  });

  it("tells the whole story in a summary that runs whatever happened", () => {
    const summary = job("summary");
    expect(summary.if).toBe("always()");
    expect(summary.permissions).toEqual({});
    expect(needs("summary").sort()).toEqual(
      Object.keys(jobs)
        .filter((id) => id !== "summary")
        .sort(),
    );
    const env = Object.values(summary.steps?.[0]?.env ?? {});
    for (const id of needs("summary")) {
      expect(env, id).toContain(`\${{ needs.${id}.result }}`);
      for (const output of ["verdict", "headline"]) {
        if (job(id).outputs?.[output] !== undefined) {
          expect(env, `${id}.${output}`).toContain(`\${{ needs.${id}.outputs.${output} }}`);
        }
      }
    }
  });
});

describe("the README", () => {
  /** Each fenced YAML block, with the file a `<!-- workflow: FILE -->` line right above it names. */
  const blocks = [
    ...read("README.md").matchAll(/(?:<!-- workflow: (\S+) -->\n)?```yaml\n([\s\S]*?)```/g),
  ].map((m) => ({ file: m[1], body: m[2] ?? "" }));
  const workflows = blocks.filter((b) => /^jobs:/m.test(b.body));

  it("shows workflows only as exact copies of files in workflows-examples/", () => {
    expect(workflows.length).toBeGreaterThanOrEqual(2);
    for (const { file, body } of workflows) {
      expect(
        file,
        `a workflow in the README without <!-- workflow: FILE --> above it:\n${body.slice(0, 200)}`,
      ).toMatch(/^workflows-examples\/[\w.-]+\.yml$/);
      expect(body, `${file} differs from its copy in the README: paste the file again`).toBe(
        read(file ?? ""),
      );
    }
  });

  it("shows the reference release workflow", () => {
    expect(workflows.map((w) => w.file)).toContain("workflows-examples/release.yml");
  });
});

describe("docs/release-workflow.md", () => {
  it("documents every input and output of the reusable workflow", () => {
    const docs = read("docs/release-workflow.md");
    const spec = CATALOG.workflows.get(".github/workflows/release-reusable.yml");
    const names = [...(spec?.inputs.keys() ?? []), ...(spec?.outputs ?? [])];
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !docs.includes(`| \`${name}\` |`))).toEqual([]);
  });
});

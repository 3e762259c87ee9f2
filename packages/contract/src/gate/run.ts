/**
 * The contract-diff gate: base and head contracts in, a Report out. Every change becomes a
 * finding (breaking fails, dangerous warns or fails, safe informs), exceptions accept named
 * changes until they expire, and an optional version check holds `info.version` to semver.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, sep } from "node:path";
import {
  type Check,
  errorReport,
  evaluateThresholds,
  type Finding,
  GateError,
  type Metric,
  makeReport,
  parseThreshold,
  type Report,
  verdictOf,
} from "@mlgate/core";
import { isMap, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { ChangeLevel, SourceLocation } from "../change.js";
import { applyExceptions, type ContractException } from "../exceptions.js";
import type { SchemaRole } from "../json-schema/diff.js";
import type { ContractLimits } from "../limits.js";
import { renderChangelog } from "./changelog.js";
import { CONTRACT_DIFF } from "./config.js";
import { diffSides, type EngineResult } from "./engines.js";
import { type ContractKind, sniffKind } from "./kind.js";
import { changeFinding, type FailOn, groupedText, withGroup } from "./report.js";
import { type ContractSide, resolveSide, sideExists, sideHead } from "./sources.js";

export interface ContractDiffInput {
  /** A file, or `REF:path` read from git. */
  base: string;
  head: string;
  /** Where relative paths and git commands start. */
  cwd: string;
  kind?: ContractKind | "auto";
  failOn?: FailOn;
  /** What a standalone JSON Schema describes (default `request`). */
  schemaRole?: SchemaRole;
  exceptions?: readonly ContractException[];
  versionCheck?: boolean;
  allowUrls?: readonly string[];
  /** Directory `$ref`s and imports must stay inside. */
  root?: string;
  /** Also write a markdown changelog here. */
  changelog?: string;
  /** Thresholds on the counts: `dangerous <= 2`, `safe >= 0`. */
  gates?: readonly string[];
  counterExamples?: boolean;
  limits?: Partial<ContractLimits>;
  /** The config file the exceptions come from, to point at them. */
  configFile?: string;
  /** Today, for exception expiry. */
  now?: Date;
}

const METRIC_NAMES = ["breaking", "dangerous", "safe", "accepted"] as const;

/** Compare the contracts and judge the changes. Never rejects: bad input is an `error` report. */
export async function runContractDiff(input: ContractDiffInput): Promise<Report> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  let report: Report;
  try {
    report = await judge(input);
  } catch (e) {
    report = errorReport(CONTRACT_DIFF, e);
  }
  return { ...report, startedAt, durationMs: Math.round(performance.now() - started) };
}

async function kindOf(
  input: ContractDiffInput,
  base: ContractSide,
  head: ContractSide,
): Promise<ContractKind> {
  if (input.kind && input.kind !== "auto") return input.kind;
  const h = sniffKind(head.path, await sideHead(head));
  const b = sniffKind(base.path, await sideHead(base));
  if (b !== h) {
    throw new GateError(`${base.display} looks like ${describe(b)} but ${head.display} like ${describe(h)}`, {
      hint: "compare two versions of the same contract, or set `kind` if the guess is wrong",
    });
  }
  return h;
}

function describe(kind: ContractKind): string {
  return {
    openapi: "an OpenAPI description",
    "json-schema": "a JSON Schema",
    proto: "a .proto file",
    signature: "a model signature",
  }[kind];
}

function checkGates(gates: readonly string[]): void {
  for (const g of gates) {
    const t = parseThreshold(g);
    if (!(METRIC_NAMES as readonly string[]).includes(t.metric) || t.fn !== null) {
      throw new GateError(`contract-diff gate "${g}" names ${t.fn ? `${t.fn}(${t.metric})` : t.metric}`, {
        hint: `contract-diff thresholds compare the counts ${METRIC_NAMES.join(", ")}, e.g. "dangerous <= 2"`,
      });
    }
  }
}

async function judge(input: ContractDiffInput): Promise<Report> {
  const failOn = input.failOn ?? "breaking";
  const gates = input.gates ?? [];
  checkGates(gates);
  const base = await resolveSide(input.base, input.cwd, input.root);
  const head = await resolveSide(input.head, input.cwd, input.root);
  if (!(await sideExists(head))) {
    throw new GateError(`head contract not found: ${head.display}`, {
      hint: "check the path (relative paths start at the working directory)",
    });
  }
  if (!(await sideExists(base))) {
    if (base.kind === "git") return newContract(base, head);
    throw new GateError(`base contract not found: ${base.display}`, {
      hint: "check the path, or name a git revision: origin/main:path/to/contract",
    });
  }
  const kind = await kindOf(input, base, head);
  const result = await diffSides(kind, base, head, {
    cwd: input.cwd,
    ...(input.root ? { root: input.root } : {}),
    ...(input.schemaRole ? { role: input.schemaRole } : {}),
    ...(input.allowUrls ? { allowUrls: input.allowUrls } : {}),
    ...(input.limits ? { limits: input.limits } : {}),
    counterExamples: input.counterExamples !== false,
  });
  return buildReport(input, base, head, result.kind ?? kind, result, failOn);
}

function newContract(base: ContractSide, head: ContractSide): Report {
  return makeReport({
    gate: CONTRACT_DIFF,
    verdict: "pass",
    headline: `${base.display} does not exist: ${head.display} is a new contract, nothing to compare`,
    metrics: Object.fromEntries(METRIC_NAMES.map((n) => [n, { value: 0, dimension: "count" as const }])),
    outputs: { breaking: "0", dangerous: "0", safe: "0", accepted: "0", changelog: "" },
  });
}

async function buildReport(
  input: ContractDiffInput,
  base: ContractSide,
  head: ContractSide,
  kind: ContractKind,
  result: EngineResult,
  failOn: FailOn,
): Promise<Report> {
  const outcome = applyExceptions(result.changes, input.exceptions ?? [], input.now ?? new Date());
  const findings: Finding[] = outcome.changes.map((c) => changeFinding(c, failOn));
  const exceptionPlace = await exceptionLocator(input.configFile, input.cwd, input.exceptions ?? []);
  for (const e of outcome.expired) {
    findings.push({
      rule: "contract-diff.exception-expired",
      level: "fail",
      message: `the exception for ${e.rule} at ${e.path || "(root)"} expired on ${e.expires} (${e.reason}); renew it with a new date or fix the change`,
      ...exceptionPlace(e),
    });
  }
  for (const e of outcome.unused) {
    findings.push({
      rule: "contract-diff.exception-unused",
      level: "info",
      message: `the exception for ${e.rule} at ${e.path || "(root)"} matches no change; remove it if the change is gone`,
      ...exceptionPlace(e),
    });
  }

  const counts: Record<ChangeLevel | "accepted", number> = {
    breaking: 0,
    dangerous: 0,
    safe: 0,
    accepted: 0,
  };
  for (const c of outcome.changes) {
    if (c.accepted) counts.accepted++;
    else counts[c.level]++;
  }

  let versionProblem: string | undefined;
  if (input.versionCheck) {
    // The semver library is loaded only for runs that check the version.
    const { checkVersion } = await import("../version-check.js");
    const v = versionFinding(
      checkVersion,
      result,
      outcome.changes.map((c) => c.level),
      kind,
    );
    findings.push(v.finding);
    if (v.finding.level === "fail") versionProblem = v.finding.message;
  }

  const metrics: Record<string, Metric> = {
    breaking: {
      value: counts.breaking,
      dimension: "count",
      description: "breaking changes not covered by an exception",
    },
    dangerous: {
      value: counts.dangerous,
      dimension: "count",
      description: "changes whose effect depends on how lenient clients are",
    },
    safe: { value: counts.safe, dimension: "count", description: "compatible changes" },
    accepted: {
      value: counts.accepted,
      dimension: "count",
      description: "changes covered by a live exception",
    },
  };
  const checks: Check[] = gates(input, metrics);
  const verdict = verdictOf(findings, checks);
  const changelog = renderChangelog(outcome.changes, { base: base.display, head: head.display });
  if (input.changelog) {
    await mkdir(dirname(input.changelog), { recursive: true });
    await writeFile(input.changelog, changelog);
  }

  const notes: string[] = [];
  const cx = result.counterExamples;
  if (cx && cx.attempted > 0) {
    notes.push(
      `Counter-examples: ${cx.verified} of ${cx.attempted} breaking changes come with a payload checked against both sides${cx.dropped > 0 ? `; ${cx.dropped} could not be confirmed by the validator and are not shown` : ""}.`,
    );
  }
  if (counts.accepted > 0)
    notes.push(
      `${counts.accepted} change${counts.accepted === 1 ? " is" : "s are"} accepted by exceptions in ${input.configFile ?? "the config"}.`,
    );
  notes.push(
    `Reproduce: mlgate contract-diff ${quote(input.base)} ${quote(input.head)}${failOn === "dangerous" ? " --fail-on dangerous" : ""}`,
  );

  const details = outcome.changes.length > 0 ? groupedText(outcome.changes) : undefined;
  return makeReport({
    gate: CONTRACT_DIFF,
    verdict,
    headline: headline(outcome.changes, counts, outcome.expired, versionProblem, failOn, checks),
    findings,
    checks,
    metrics,
    notes,
    ...(details ? { details } : {}),
    outputs: {
      breaking: String(counts.breaking),
      dangerous: String(counts.dangerous),
      safe: String(counts.safe),
      accepted: String(counts.accepted),
      changelog,
      kind,
    },
  });
}

function quote(arg: string): string {
  return /^[\w./:@-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function gates(input: ContractDiffInput, metrics: Record<string, Metric>): Check[] {
  const list = input.gates ?? [];
  if (list.length === 0) return [];
  return evaluateThresholds(
    list.map((g) => parseThreshold(g)),
    metrics,
  );
}

function headline(
  changes: readonly { level: ChangeLevel; message: string; group: string; accepted?: ContractException }[],
  counts: Record<ChangeLevel | "accepted", number>,
  expired: readonly ContractException[],
  versionProblem: string | undefined,
  failOn: FailOn,
  checks: readonly Check[],
): string {
  const parts: string[] = [];
  const plural = (n: number, word: string) => `${n} ${word} change${n === 1 ? "" : "s"}`;
  const first = (level: ChangeLevel) => {
    const c = changes.find((x) => x.level === level && !x.accepted);
    return c ? withGroup(c) : "";
  };
  if (counts.breaking > 0) {
    parts.push(
      `${plural(counts.breaking, "breaking")}: ${first("breaking")}${counts.breaking > 1 ? ` (and ${counts.breaking - 1} more)` : ""}`,
    );
  }
  if (counts.dangerous > 0 && (failOn === "dangerous" || counts.breaking === 0)) {
    parts.push(
      `${plural(counts.dangerous, "dangerous")}: ${first("dangerous")}${counts.dangerous > 1 ? ` (and ${counts.dangerous - 1} more)` : ""}`,
    );
  }
  if (expired.length > 0)
    parts.push(
      `${expired.length} expired exception${expired.length === 1 ? "" : "s"} (${expired.map((e) => `${e.rule} since ${e.expires}`).join(", ")})`,
    );
  if (versionProblem) parts.push(versionProblem);
  for (const c of checks) if (c.status === "fail") parts.push(`${c.name} failed (${c.actual})`);
  if (parts.length > 0) return parts.join("; ");
  if (changes.length === 0) return "no contract changes";
  const extra = [
    counts.safe > 0 ? `${counts.safe} safe` : "",
    counts.accepted > 0 ? `${counts.accepted} accepted` : "",
  ].filter(Boolean);
  return `no breaking changes${extra.length > 0 ? ` (${extra.join(", ")})` : ""}`;
}

function versionFinding(
  checkVersion: typeof import("../version-check.js").checkVersion,
  result: EngineResult,
  levels: ChangeLevel[],
  kind: ContractKind,
): { finding: Finding } {
  const versions = result.versions?.();
  const b = versions?.base;
  const h = versions?.head;
  const at = (where: SourceLocation | undefined) =>
    where
      ? {
          file: where.file,
          ...(where.line !== undefined ? { line: where.line } : {}),
          ...(where.column !== undefined ? { column: where.column } : {}),
        }
      : {};
  if (!b || !h) {
    return {
      finding: {
        rule: "contract-diff.version-check",
        level: "fail",
        message:
          kind === "openapi"
            ? `the version check needs info.version on both sides (${!b ? "base" : "head"} has none)`
            : `the version check reads info.version of OpenAPI descriptions; ${describe(kind)} declares no version it can read`,
        ...at(h?.where ?? b?.where),
      },
    };
  }
  const verdict = checkVersion(b.version, h.version, levels);
  if (!verdict.ok)
    return {
      finding: {
        rule: "contract-diff.version-check",
        level: "fail",
        message: verdict.reason,
        ...at(h.where),
      },
    };
  return {
    finding: {
      rule: "contract-diff.version-check",
      level: "info",
      message: `version ${b.version} → ${h.version} is a ${verdict.actual} bump; the changes need ${verdict.required === "none" ? "none" : `a ${verdict.required} bump`}`,
      ...at(h.where),
    },
  };
}

/** Where each exception sits in the config file, so an expired one is annotated on its line. */
async function exceptionLocator(
  configFile: string | undefined,
  cwd: string,
  exceptions: readonly ContractException[],
): Promise<(e: ContractException) => Partial<Finding>> {
  // Annotations want the path relative to the workspace.
  const rel = configFile ? relative(cwd, configFile) : undefined;
  const file = rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : configFile;
  if (!configFile || !file || exceptions.length === 0) return () => (file ? { file } : {});
  let positions: (Partial<Finding> | undefined)[] = [];
  try {
    const lines = new LineCounter();
    const doc = parseDocument(await readFile(configFile, "utf8"), { lineCounter: lines });
    const section = doc.get(CONTRACT_DIFF, true) as Node | undefined;
    const list = isMap(section) ? (section.get("exceptions", true) as Node | undefined) : undefined;
    if (isSeq(list)) {
      positions = list.items.map((item) => {
        const range = (item as Node).range;
        if (!range) return undefined;
        const pos = lines.linePos(range[0]);
        return { file, line: pos.line, column: pos.col };
      });
    }
  } catch {
    positions = [];
  }
  return (e) => positions[exceptions.indexOf(e)] ?? { file };
}

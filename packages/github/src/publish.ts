import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { commentMarker, type Report, renderJson, renderMarkdown, writeReportFiles } from "@mlgate/core";
import { annotateFindings } from "./annotations.js";
import { syncStickyComment } from "./comment.js";
import { connectGitHub } from "./connect.js";
import { pullRequestFromEvent } from "./event.js";
import * as runner from "./runner.js";

export interface PublishOptions {
  /** Token for the pull-request comment; without one no comment is attempted. */
  token?: string;
  /** `on-failure`: comment only when the verdict is fail or error, but keep an existing comment up to date. Default `true`. */
  comment?: boolean | "on-failure";
  /** Tells apart several steps of the same gate in one pull request, each with its own sticky comment. */
  commentKey?: string;
  /** Write the job summary. Default `true`. */
  summary?: boolean;
  /** Annotate findings that point at a file. Default `true`. */
  annotations?: boolean;
  /** Where the JSON report goes. Default `${RUNNER_TEMP}/mlgate/<gate>-report.json`. */
  reportPath?: string;
  /** Extra report files (the action's `output` input); the format follows each extension. Relative to the workspace. */
  files?: readonly string[];
}

/** GitHub truncates a step summary over 1 MiB; a UTF-16 unit is at most 3 bytes of UTF-8. */
const SUMMARY_MAX_CHARS = 300_000;
/** Outputs are meant for small values; past this the path in `report` is the way to the JSON. */
const OUTPUT_JSON_MAX_BYTES = 1_000_000;
const RESERVED_OUTPUTS = new Set(["verdict", "headline", "report", "report-json"]);

export function defaultReportPath(gate: string): string {
  return join(process.env.RUNNER_TEMP || tmpdir(), "mlgate", `${gate}-report.json`);
}

/** Link to this workflow run, when running on GitHub. */
export function runUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = process.env;
  return server && repo && run ? `${server}/${repo}/actions/runs/${run}` : undefined;
}

function isFailing(report: Report): boolean {
  return report.verdict === "fail" || report.verdict === "error";
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function writeReportFile(json: string, path: string): Promise<boolean> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, json);
    return true;
  } catch (e) {
    runner.warning(`mlgate could not write the report file ${path}: ${message(e)}`);
    return false;
  }
}

async function writeExtraFiles(report: Report, files: readonly string[]): Promise<void> {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  try {
    await writeReportFiles(
      report,
      files.map((f) => resolve(workspace, f)),
    );
  } catch (e) {
    runner.warning(`mlgate could not write a report file: ${message(e)}`);
  }
}

function setOutputs(report: Report, json: string, path: string | undefined): void {
  runner.setOutput("verdict", report.verdict);
  runner.setOutput("headline", report.headline);
  if (path) runner.setOutput("report", path);
  const compact = JSON.stringify(JSON.parse(json));
  if (Buffer.byteLength(compact) < OUTPUT_JSON_MAX_BYTES) {
    runner.setOutput("report-json", compact);
  } else {
    runner.info(
      "report-json left empty: the report is over 1 MB; read the file named by the `report` output",
    );
  }
  for (const [name, value] of Object.entries(report.outputs ?? {})) {
    if (RESERVED_OUTPUTS.has(name)) {
      runner.warning(`gate output "${name}" clashes with a standard output; ignored`);
    } else {
      runner.setOutput(name, value);
    }
  }
}

async function writeSummary(report: Report): Promise<void> {
  // Outside a runner (local runs) there is no summary file to write to.
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const url = runUrl();
  try {
    const markdown = renderMarkdown(report, {
      maxLength: SUMMARY_MAX_CHARS,
      ...(url ? { runUrl: url } : {}),
    });
    runner.appendSummary(markdown);
  } catch (e) {
    runner.warning(`mlgate could not write the job summary: ${message(e)}`);
  }
}

async function comment(report: Report, options: PublishOptions): Promise<void> {
  const pr = pullRequestFromEvent();
  if (!pr) return;
  if (!options.token) {
    runner.info("No token given, so no pull-request comment; the job summary has the report.");
    return;
  }
  const marker = commentMarker(report.gate, options.commentKey);
  const url = runUrl();
  // The renderer's default length already fits GitHub's comment limit.
  const body = renderMarkdown(report, { marker, ...(url ? { runUrl: url } : {}) });
  // on-failure never starts a comment for a passing run, but turns an earlier red one green.
  const create = options.comment !== "on-failure" || isFailing(report);
  try {
    // Loaded here: the GitHub client and its HTTP stack cost start-up time that runs without a comment need not pay.
    const octokit = await connectGitHub(options.token);
    const target = { owner: pr.owner, repo: pr.repo, issueNumber: pr.number };
    const result = await syncStickyComment(octokit, target, marker, body, { create });
    if (result) runner.info(`Pull-request comment ${result.action}: ${result.url ?? result.id}`);
  } catch (e) {
    const status = (e as { status?: unknown }).status;
    const permission =
      status === 401 || status === 403 || status === 404
        ? " The token may not write to pull requests: grant the job `permissions: pull-requests: write` (pull requests from forks only ever get a read-only token)."
        : "";
    runner.warning(
      `mlgate could not comment on pull request #${pr.number}: ${message(e)}.${permission} The verdict is unaffected; the job summary has the report.`,
    );
  }
}

/**
 * Everything a gate step leaves behind, in the order later steps and people rely on: report file,
 * outputs, job summary, annotations, sticky PR comment, and last the step's failure.
 * Problems publishing (no summary file, no comment permission) are warnings, never a failed gate.
 */
export async function publishReport(report: Report, options: PublishOptions = {}): Promise<void> {
  const json = renderJson(report);
  const path = options.reportPath ?? defaultReportPath(report.gate);
  const written = await writeReportFile(json, path);
  setOutputs(report, json, written ? path : undefined);
  if (options.files?.length) await writeExtraFiles(report, options.files);

  if (options.summary !== false) await writeSummary(report);

  if (options.annotations !== false) {
    // Keep a slot free for the failure message and for a comment warning: GitHub drops the excess silently.
    annotateFindings(report, { reserve: { error: isFailing(report) ? 1 : 0, warning: 1 } });
  }

  if (options.comment !== false) await comment(report, options);

  if (report.verdict === "fail") runner.setFailed(report.headline);
  else if (report.verdict === "error") runner.setFailed(`mlgate could not judge: ${report.headline}`);
}

import { existsSync } from "node:fs";
import {
  applyOverrides,
  GateError,
  gateSection,
  loadGateSection,
  type ReportSettings,
  reportSettingsOf,
  resolveFrom,
} from "@mlgate/core";
import { z } from "zod";
import type { ContractException } from "../exceptions.js";
import { splitGitSpec } from "./git.js";
import type { ContractDiffInput } from "./run.js";

export const CONTRACT_DIFF = "contract-diff";

const contractSpec = z
  .string()
  .min(1)
  .meta({ examples: ["api/openapi.yaml", "origin/main:api/openapi.yaml", "models/serving.proto"] });

/** The `contract-diff:` section of mlgate.yml. File paths are relative to the config file. */
export const contractDiffSection = gateSection({
  base: contractSpec
    .optional()
    .describe(
      "The contract as it was: a file, or a git revision and path (`origin/main:api/openapi.yaml`; the path is relative to the repository's top, or to the working directory when it starts with ./).",
    ),
  head: contractSpec
    .optional()
    .describe("The contract as proposed: a file (usually in the working tree) or `REF:path`."),
  kind: z
    .enum(["auto", "openapi", "json-schema", "proto", "signature"])
    .optional()
    .describe(
      "What the contract is: an OpenAPI 2.0/3.0/3.1 description, a JSON Schema, a .proto file, or a model signature (ONNX model, model card `signature:`, validate-artifact output). Default `auto`: decided from the file.",
    ),
  "fail-on": z
    .enum(["breaking", "dangerous"])
    .optional()
    .describe(
      "Which changes fail the gate: `breaking` (default; dangerous ones warn) or `dangerous` (both fail).",
    ),
  "schema-role": z
    .enum(["request", "response", "both"])
    .optional()
    .describe(
      "For a standalone JSON Schema: whether it describes what clients send (`request`, default), what they receive (`response`), or both.",
    ),
  exceptions: z
    .array(
      z.strictObject({
        rule: z
          .string()
          .min(1)
          .describe("Rule id, e.g. `schema.request-required-property-added`; `*` matches any characters."),
        path: z
          .string()
          .describe(
            "Path of the change as reported: a JSON pointer (`/components/schemas/PredictRequest/properties/model`), `file#pointer`, a proto path or `inputs/<name>`. `*` matches within one `/` segment, `**` across segments.",
          ),
        reason: z
          .string()
          .trim()
          .min(1, "an exception needs a reason")
          .describe("Why the change ships anyway; shown in the report."),
        expires: z.iso
          .date()
          .describe(
            "Last day (YYYY-MM-DD) the exception applies; after it the gate fails until it is renewed or removed.",
          ),
        by: z.string().min(1).optional().describe("Who accepted it."),
      }),
    )
    .optional()
    .describe(
      "Changes the team has decided to ship: shown as accepted instead of failing, until they expire.",
    ),
  "version-check": z
    .boolean()
    .optional()
    .describe(
      "Fail when `info.version` (semver) understates the bump the changes need: breaking → major, other changes → minor (below 1.0.0: minor and patch).",
    ),
  "allow-urls": z
    .array(z.string().min(1))
    .optional()
    .describe(
      "Hosts a `$ref` may fetch from (e.g. `schemas.example.com`); none by default, so contracts never reach the network.",
    ),
  root: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Directory every `$ref` (and proto import) must stay inside, relative to this file. Default: the working directory (the repository's top for git revisions).",
    ),
  changelog: z
    .string()
    .min(1)
    .optional()
    .describe("Also write the changes as a markdown changelog to this file (relative to this file)."),
  "counter-examples": z
    .boolean()
    .optional()
    .describe("Build and verify a counter-example payload for each breaking change (default true)."),
});

export type ContractDiffSection = z.output<typeof contractDiffSection>;

/** What the command line or the action inputs say; these win over the config file. */
export interface ContractDiffOverrides {
  base?: string;
  head?: string;
  kind?: ContractDiffInput["kind"];
  failOn?: "breaking" | "dangerous";
  schemaRole?: "request" | "response" | "both";
  versionCheck?: boolean;
  root?: string;
  gates?: string[];
  changelog?: string;
  allowUrls?: string[];
}

export interface ResolvedContractDiff {
  input: ContractDiffInput;
  report: ReportSettings;
}

/** A path in the config file is relative to it; a `REF:path` (no such file) is left for git. */
function configPath(baseDir: string, spec: string | undefined): string | undefined {
  if (spec === undefined) return undefined;
  const abs = resolveFrom(baseDir, spec);
  return splitGitSpec(spec) && !existsSync(abs) ? spec : abs;
}

/** Merge the config file's section with overrides into the gate's input. */
export async function resolveContractDiff(
  overrides: ContractDiffOverrides,
  source: { configPath?: string; cwd: string },
): Promise<ResolvedContractDiff> {
  const loaded = await loadGateSection(CONTRACT_DIFF, contractDiffSection, source);
  const file = loaded.section ?? {};
  const fromFile = {
    base: configPath(loaded.baseDir, file.base),
    head: configPath(loaded.baseDir, file.head),
    root: file.root === undefined ? undefined : resolveFrom(loaded.baseDir, file.root),
    changelog: file.changelog === undefined ? undefined : resolveFrom(loaded.baseDir, file.changelog),
  };
  const merged = applyOverrides(fromFile, {
    base: overrides.base,
    head: overrides.head,
    root: overrides.root === undefined ? undefined : resolveFrom(source.cwd, overrides.root),
    changelog: overrides.changelog === undefined ? undefined : resolveFrom(source.cwd, overrides.changelog),
  });
  if (!merged.base || !merged.head) {
    throw new GateError(`no ${!merged.base ? "base" : "head"} contract to compare`, {
      hint: "pass BASE and HEAD (action inputs `base` and `head`), or set contract-diff.base and contract-diff.head in mlgate.yml",
    });
  }
  const exceptions: ContractException[] = (file.exceptions ?? []).map((e) => ({
    rule: e.rule,
    path: e.path,
    reason: e.reason,
    expires: e.expires,
    ...(e.by ? { by: e.by } : {}),
  }));
  const input: ContractDiffInput = {
    base: merged.base,
    head: merged.head,
    cwd: source.cwd,
    kind: overrides.kind ?? file.kind ?? "auto",
    failOn: overrides.failOn ?? file["fail-on"] ?? "breaking",
    schemaRole: overrides.schemaRole ?? file["schema-role"] ?? "request",
    versionCheck: overrides.versionCheck ?? file["version-check"] ?? false,
    exceptions,
    gates: overrides.gates ?? file.gates ?? [],
    counterExamples: file["counter-examples"] ?? true,
    ...(merged.root ? { root: merged.root } : {}),
    ...(merged.changelog ? { changelog: merged.changelog } : {}),
    ...((overrides.allowUrls ?? file["allow-urls"])
      ? { allowUrls: overrides.allowUrls ?? file["allow-urls"] }
      : {}),
    ...(loaded.file ? { configFile: loaded.file } : {}),
  };
  return { input, report: reportSettingsOf(file.report, loaded.baseDir) };
}

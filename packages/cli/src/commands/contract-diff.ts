import { resolveContractDiff, runContractDiff } from "@mlgate/contract";
import { type Command, Option } from "commander";
import { type CliIO, collect, gateCommand } from "../gate-command.js";

export function contractDiffCommand(io: CliIO, setExitCode: (code: number) => void): Command {
  return gateCommand(
    "contract-diff",
    "compare two versions of a contract (OpenAPI, JSON Schema, .proto, model signature) and block breaking changes",
    io,
    setExitCode,
    async (options, args) => {
      const [base, head] = args;
      const allowUrls = options.allowUrl as string[];
      const { input, report } = await resolveContractDiff(
        {
          base,
          head,
          kind: options.kind as "auto" | "openapi" | "json-schema" | "proto" | "signature" | undefined,
          failOn: options.failOn as "breaking" | "dangerous" | undefined,
          schemaRole: options.schemaRole as "request" | "response" | "both" | undefined,
          versionCheck: options.versionCheck as boolean | undefined,
          root: options.root as string | undefined,
          changelog: options.changelog as string | undefined,
          gates: options.gate.length > 0 ? options.gate : undefined,
          ...(allowUrls.length > 0 ? { allowUrls } : {}),
        },
        { cwd: io.cwd, ...(options.config ? { configPath: options.config } : {}) },
      );
      return { report: await runContractDiff(input), outputs: report.outputs ?? [] };
    },
  )
    .argument("[base]", "the contract as it was: a file, or REF:path from git (origin/main:api/openapi.yaml)")
    .argument("[head]", "the contract as proposed: a file (or REF:path)")
    .addOption(
      new Option(
        "--fail-on <level>",
        "which changes fail the gate (default breaking; dangerous ones then warn)",
      ).choices(["breaking", "dangerous"]),
    )
    .addOption(
      new Option("--kind <kind>", "what the contract is (default: decided from the file)").choices([
        "auto",
        "openapi",
        "json-schema",
        "proto",
        "signature",
      ]),
    )
    .addOption(
      new Option("--schema-role <role>", "what a standalone JSON Schema describes (default request)").choices(
        ["request", "response", "both"],
      ),
    )
    .option("--version-check", "fail when info.version understates the bump the changes need (semver)")
    .option(
      "--root <dir>",
      "directory every $ref and import must stay inside (default: the working directory)",
    )
    .option("--changelog <file>", "also write the changes as a markdown changelog")
    .option("--allow-url <host>", "a host $refs may fetch from (repeatable; none by default)", collect, [])
    .addHelpText(
      "after",
      `
Levels: breaking (some client that worked fails now), dangerous (depends on how lenient clients
are: a new response enum value, a changed request default), safe. A request must still accept
every payload it accepted; a response must produce only payloads it could produce before. Each
breaking schema change comes with a counter-example payload checked against both sides.

Exceptions (rule, path, reason, expires) live in the contract-diff section of mlgate.yml, so they
are reviewed like code; an expired one fails the gate.

Examples:
  mlgate contract-diff origin/main:api/openapi.yaml api/openapi.yaml
  mlgate contract-diff api/v1.yaml api/v2.yaml --fail-on dangerous --version-check
  mlgate contract-diff HEAD~1:models/serving.proto models/serving.proto
  mlgate contract-diff prod/model-card.yml model-card.yml --format markdown --changelog CHANGES.md`,
    );
}

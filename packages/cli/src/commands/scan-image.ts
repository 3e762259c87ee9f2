import { GateError } from "@mlgate/core";
import { resolveScanImage, runScanImage, scanImageSection } from "@mlgate/scan";
import { type Command, Option } from "commander";
import { type CliIO, collect, gateCommand } from "../gate-command.js";

export { scanImageSection };

function wholeNumber(name: string) {
  return (value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const x = Number(value);
    if (value.trim() === "" || !Number.isInteger(x) || x < 0) {
      throw new GateError(`--${name} ${value}: expected a whole number`);
    }
    return x;
  };
}

const baseLayers = wholeNumber("base-layers");
const SEVERITIES = ["critical", "high", "medium", "low", "negligible", "unknown"];

/** Registry credentials come from the environment, never from arguments (which `ps` and shell history show). */
function registryAuth(env: NodeJS.ProcessEnv) {
  const token = env.MLGATE_REGISTRY_TOKEN;
  const username = env.MLGATE_REGISTRY_USERNAME;
  const password = env.MLGATE_REGISTRY_PASSWORD;
  if (token) return { token };
  if (username || password) {
    if (!username || !password) {
      throw new GateError(
        "set both MLGATE_REGISTRY_USERNAME and MLGATE_REGISTRY_PASSWORD, or MLGATE_REGISTRY_TOKEN",
      );
    }
    return { username, password };
  }
  return undefined;
}

export function scanImageCommand(io: CliIO, setExitCode: (code: number) => void): Command {
  return gateCommand(
    "scan-image",
    "scan an image (registry, OCI layout, tarball or ECR) and judge its vulnerabilities by one policy",
    io,
    setExitCode,
    async (options, args) => {
      const list = (name: string) => {
        const v = options[name] as string[] | undefined;
        return v && v.length > 0 ? v : undefined;
      };
      const { input, report } = await resolveScanImage(
        {
          image: args[0],
          platform: options.platform as string | undefined,
          insecureRegistry: options.insecureRegistry as boolean | undefined,
          osvDb: list("osvDb"),
          osvDownload: list("osvDownload"),
          osvCacheDir: options.osvCacheDir as string | undefined,
          osvMaxAge: options.osvMaxAge as string | undefined,
          imports: list("import"),
          failOn: options.failOn as string | undefined,
          onlyFixed: options.onlyFixed as boolean | undefined,
          onlyNew: options.onlyNew as boolean | undefined,
          show: options.show as string | undefined,
          alwaysFail: list("alwaysFail"),
          baseLayers: baseLayers(options.baseLayers as string | undefined),
          baseDigest: options.baseDigest as string | undefined,
          ignoreFile: options.ignoreFile as string | undefined,
          vex: list("vex"),
          baseline: options.baseline as string | undefined,
          gates: options.gate.length > 0 ? options.gate : undefined,
          sbom: options.sbom as string | undefined,
          results: options.results as string | undefined,
          sarif: options.sarif as string | undefined,
          sarifLocation: options.sarifLocation as string | undefined,
          openvex: options.openvex as string | undefined,
          ecrRegion: options.ecrRegion as string | undefined,
          ecrTimeout: options.ecrTimeout as string | undefined,
        },
        { cwd: io.cwd, ...(options.config ? { configPath: options.config } : {}) },
      );
      const auth = registryAuth(process.env);
      if (auth) input.auth = auth;
      // Progress goes to stderr, so `--format json` on stdout stays one clean document.
      if (options.progress !== false) input.log = (line: string) => io.stderr(`scan-image ${line}\n`);
      return { report: await runScanImage(input), outputs: report.outputs ?? [] };
    },
  )
    .argument(
      "[image]",
      "registry reference, oci:DIR[:TAG], image tarball (docker save / OCI archive), or ecr://REPO:TAG (or scan-image.image in mlgate.yml)",
    )
    .option(
      "--osv-db <path>",
      "OSV database: a directory or zip of OSV JSON, e.g. osv.dev's Debian/all.zip (repeatable)",
      collect,
      [],
    )
    .option(
      "--osv-download <what>",
      "download OSV databases into --osv-cache-dir: auto (the image's ecosystems), an ecosystem (Debian, Alpine, npm, PyPI) or a zip URL (repeatable)",
      collect,
      [],
    )
    .option("--osv-cache-dir <dir>", "where downloaded OSV databases are cached (default .mlgate/osv-cache)")
    .option("--osv-max-age <duration>", "reuse a cached OSV database younger than this (default 24h)")
    .option(
      "--import <file>",
      "judge another scanner's report too: Trivy JSON, Grype JSON or SARIF (repeatable)",
      collect,
      [],
    )
    .addOption(
      new Option("--fail-on <severity>", "fail on findings at or above this severity (default high)").choices(
        [...SEVERITIES, "none"],
      ),
    )
    .option("--only-fixed", "only findings with a known fix fail")
    .option("--only-new", "only findings not in the baseline fail")
    .addOption(
      new Option("--show <severity>", "list findings at or above this severity (default low)").choices(
        SEVERITIES,
      ),
    )
    .option(
      "--always-fail <id>",
      "a vulnerability id that fails whatever else applies (repeatable)",
      collect,
      [],
    )
    .option(
      "--base-layers <n>",
      "the first N layers are the base image's (for base-rules/app-rules in mlgate.yml)",
    )
    .option(
      "--base-digest <digest>",
      "the base image's last layer: it and the layers below are the base image's",
    )
    .option("--ignore-file <file>", "accepted vulnerabilities (YAML): id, package/purl/path, reason, expires")
    .option(
      "--vex <file>",
      "an OpenVEX document whose not_affected and fixed statements are honoured (repeatable)",
      collect,
      [],
    )
    .option("--baseline <file>", "a previous scan's results file (or JSON report): new / fixed / unchanged")
    .option("--sbom <file>", "write the image's CycloneDX SBOM (JSON)")
    .option("--results <file>", "write every finding with its policy decision (the next run's --baseline)")
    .option("--sarif <file>", "write code-scanning SARIF: one category per image, at most 5,000 results")
    .option("--sarif-location <path>", "repository file SARIF results point at, e.g. Dockerfile")
    .option("--openvex <file>", "write the ignore file's entries as an OpenVEX document")
    .option("--platform <os/arch>", "platform to pick from a multi-platform image (default linux/amd64)")
    .option("--insecure-registry", "talk plain HTTP to the registry")
    .option(
      "--ecr-region <region>",
      "AWS region for ecr:// images (default: from the reference or AWS_REGION)",
    )
    .option("--ecr-timeout <duration>", "how long to wait for ECR's findings (default 15m)")
    .option("--no-progress", "do not print progress on stderr")
    .addHelpText(
      "after",
      `
Registry credentials are read from MLGATE_REGISTRY_USERNAME and MLGATE_REGISTRY_PASSWORD (or
MLGATE_REGISTRY_TOKEN); ECR registries get a token from GetAuthorizationToken with the AWS credentials.
ecr:// images are not pulled: their findings come from ECR's own scanning (basic or enhanced).
Gates can use the metrics critical, high, medium, low, negligible, unknown, total, blocking, fixable,
new, fixed, unchanged, ignored, packages and model_files, e.g. 'critical == 0' or 'delta(high) <= 0'.

Examples:
  mlgate scan-image registry.example.com/team/model-server:1.4 --osv-download auto --fail-on high
  mlgate scan-image oci:build/image:serving --osv-db osv/Debian-all.zip --osv-db osv/PyPI-all.zip \\
      --ignore-file security/ignore.yml --sbom sbom.cdx.json --sarif scan.sarif
  mlgate scan-image image.tar --osv-db osv/ --baseline main-results.json --only-new --results results.json
  mlgate scan-image ecr://team/model-server:1.4 --fail-on critical --only-fixed
  mlgate scan-image --import trivy.json --import grype.json --fail-on critical --format markdown`,
    );
}

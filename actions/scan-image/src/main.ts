import "./cjs-globals.js";
import { join } from "node:path";
import { GateError } from "@mlgate/core";
import {
  configLocation,
  defaultReportPath,
  GATE_ACTION_INPUTS,
  publishFromInputs,
  readInputs,
  runGateAction,
  runner,
} from "@mlgate/github";
import { resolveScanImage, runScanImage, type ScanImageInput } from "@mlgate/scan";
import { z } from "zod";

// Inputs left empty fall back to the config file's keys, then to the gate's defaults.
const inputs = z.object({
  image: z.string().optional(),
  osvDb: z.array(z.string()).optional(),
  osvDownload: z.array(z.string()).optional(),
  osvCacheDir: z.string().optional(),
  osvMaxAge: z.string().optional(),
  import: z.array(z.string()).optional(),
  failOn: z.enum(["critical", "high", "medium", "low", "negligible", "unknown", "none"]).optional(),
  onlyFixed: z.boolean().optional(),
  onlyNew: z.boolean().optional(),
  show: z.enum(["critical", "high", "medium", "low", "negligible", "unknown"]).optional(),
  alwaysFail: z.array(z.string()).optional(),
  baseLayers: z.int().min(0).optional(),
  baseDigest: z.string().optional(),
  ignoreFile: z.string().optional(),
  vex: z.array(z.string()).optional(),
  baseline: z.string().optional(),
  sbom: z.string().optional(),
  results: z.string().optional(),
  sarif: z.string().optional(),
  sarifLocation: z.string().optional(),
  openvex: z.string().optional(),
  platform: z.string().optional(),
  insecureRegistry: z.boolean().optional(),
  registryUsername: z.string().optional(),
  registryPassword: z.string().optional(),
  registryToken: z.string().optional(),
  ecrRegion: z.string().optional(),
  ecrTimeout: z.string().optional(),
  gates: z.array(z.string()).optional(),
  ...GATE_ACTION_INPUTS,
});

function registryAuth(given: z.output<typeof inputs>): ScanImageInput["auth"] {
  if (given.registryToken) return { token: given.registryToken };
  if (given.registryUsername || given.registryPassword) {
    if (!given.registryUsername || !given.registryPassword) {
      throw new GateError("registry-username and registry-password go together", {
        hint: "give both (the password from a secret), or registry-token alone",
      });
    }
    return { username: given.registryUsername, password: given.registryPassword };
  }
  return undefined;
}

await runGateAction("scan-image", async () => {
  // readInputs masks registry-password and registry-token before anything can print them.
  const given = readInputs(inputs);
  const { input, report: settings } = await resolveScanImage(
    {
      image: given.image,
      platform: given.platform,
      insecureRegistry: given.insecureRegistry,
      osvDb: given.osvDb,
      osvDownload: given.osvDownload,
      osvCacheDir: given.osvCacheDir,
      osvMaxAge: given.osvMaxAge,
      imports: given.import,
      failOn: given.failOn,
      onlyFixed: given.onlyFixed,
      onlyNew: given.onlyNew,
      show: given.show,
      alwaysFail: given.alwaysFail,
      baseLayers: given.baseLayers,
      baseDigest: given.baseDigest,
      ignoreFile: given.ignoreFile,
      vex: given.vex,
      baseline: given.baseline,
      gates: given.gates,
      sbom: given.sbom,
      results: given.results,
      sarif: given.sarif,
      sarifLocation: given.sarifLocation,
      openvex: given.openvex,
      ecrRegion: given.ecrRegion,
      ecrTimeout: given.ecrTimeout,
    },
    configLocation(given),
  );
  const auth = registryAuth(given);
  if (auth) input.auth = auth;
  // The SBOM, results and SARIF always land somewhere, so their outputs can be relied on.
  const beside = (name: string) => join(defaultReportPath("scan-image"), "..", name);
  input.sbom ??= beside("scan-image-sbom.cdx.json");
  input.results ??= beside("scan-image-results.json");
  input.sarif ??= beside("scan-image.sarif");
  input.log = (line) => runner.info(line);
  const report = await runScanImage(input);
  return { report, publish: publishFromInputs(given, settings) };
});

import { resolveContractDiff, runContractDiff } from "@mlgate/contract";
import {
  configLocation,
  GATE_ACTION_INPUTS,
  publishFromInputs,
  readInputs,
  runGateAction,
} from "@mlgate/github";
import { z } from "zod";

// Inputs left empty fall back to the config file's keys, then to the gate's defaults.
const inputs = z.object({
  base: z.string().optional(),
  head: z.string().optional(),
  kind: z.enum(["auto", "openapi", "json-schema", "proto", "signature"]).optional(),
  failOn: z.enum(["breaking", "dangerous"]).optional(),
  versionCheck: z.boolean().optional(),
  changelog: z.string().optional(),
  ...GATE_ACTION_INPUTS,
});

await runGateAction("contract-diff", async () => {
  const given = readInputs(inputs);
  const { input, report: settings } = await resolveContractDiff(
    {
      base: given.base,
      head: given.head,
      kind: given.kind,
      failOn: given.failOn,
      versionCheck: given.versionCheck,
      changelog: given.changelog,
    },
    configLocation(given),
  );
  const report = await runContractDiff(input);
  return { report, publish: publishFromInputs(given, settings) };
});

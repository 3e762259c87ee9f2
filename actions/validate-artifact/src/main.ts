import { parseAllowGlobal, resolveValidateArtifact, runValidateArtifact } from "@mlgate/artifact";
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
  model: z.string().optional(),
  manifest: z.string().optional(),
  profile: z.string().optional(),
  samples: z.string().optional(),
  allowGlobals: z.array(z.string()).optional(),
  runtime: z.boolean().optional(),
  gates: z.array(z.string()).optional(),
  ...GATE_ACTION_INPUTS,
});

await runGateAction("validate-artifact", async () => {
  const given = readInputs(inputs);
  const { input, report: settings } = await resolveValidateArtifact(
    {
      model: given.model,
      manifest: given.manifest,
      profile: given.profile,
      samples: given.samples,
      gates: given.gates,
      ...(given.allowGlobals ? { allowGlobals: given.allowGlobals.map(parseAllowGlobal) } : {}),
      ...(given.runtime !== undefined ? { runtime: given.runtime } : {}),
    },
    configLocation(given),
  );
  // The runtime's own tool cache on the runner; progress (an install) goes to the log.
  if (process.env.RUNNER_TOOL_CACHE) input.runtime.toolCacheDir = process.env.RUNNER_TOOL_CACHE;
  input.runtime.log = (line) => console.log(line);
  const report = await runValidateArtifact(input);
  return { report, publish: publishFromInputs(given, settings) };
});

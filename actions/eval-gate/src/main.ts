import { resolveEvalGate, runMetricsGate } from "@mlgate/evaluate";
import { readInputs, runGateAction } from "@mlgate/github";
import { z } from "zod";

// Inputs left empty fall back to the config file's keys, then to these defaults.
const inputs = z.object({
  candidate: z.string().optional(),
  baseline: z.string().optional(),
  gates: z.array(z.string()).optional(),
  config: z.string().optional(),
  comment: z.union([z.boolean(), z.literal("on-failure")]).optional(),
  commentKey: z.string().default("default"),
  output: z.array(z.string()).optional(),
  token: z.string().optional(),
});

await runGateAction("eval-gate", async () => {
  const given = readInputs(inputs);
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const { input, report: settings } = await resolveEvalGate(
    { candidate: given.candidate, baseline: given.baseline, gates: given.gates },
    { cwd, ...(given.config ? { configPath: given.config } : {}) },
  );
  const report = await runMetricsGate(input);
  const files = given.output ?? settings.outputs;
  return {
    report,
    publish: {
      comment: given.comment ?? settings.comment ?? true,
      commentKey: given.commentKey,
      ...(files ? { files } : {}),
      ...(given.token ? { token: given.token } : {}),
    },
  };
});

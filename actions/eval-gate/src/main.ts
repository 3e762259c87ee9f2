import { resolveEvalGateInput, runMetricsGate } from "@mlgate/evaluate";
import { readInputs, runGateAction } from "@mlgate/github";
import { z } from "zod";

const inputs = z.object({
  candidate: z.string().optional(),
  baseline: z.string().optional(),
  gates: z.array(z.string()).optional(),
  config: z.string().optional(),
  comment: z.union([z.boolean(), z.literal("on-failure")]).default(true),
  commentKey: z.string().default("default"),
  output: z.array(z.string()).default([]),
  token: z.string().optional(),
});

await runGateAction("eval-gate", async () => {
  const given = readInputs(inputs);
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const input = await resolveEvalGateInput(
    { candidate: given.candidate, baseline: given.baseline, gates: given.gates },
    { cwd, ...(given.config ? { configPath: given.config } : {}) },
  );
  const report = await runMetricsGate(input);
  return {
    report,
    publish: {
      comment: given.comment,
      commentKey: given.commentKey,
      files: given.output,
      ...(given.token ? { token: given.token } : {}),
    },
  };
});

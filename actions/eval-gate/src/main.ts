import { parseColumnPairs, resolveEvalGate, runEvalGate } from "@mlgate/evaluate";
import { readInputs, runGateAction } from "@mlgate/github";
import { z } from "zod";

// Inputs left empty fall back to the config file's keys, then to the gate's defaults.
const inputs = z.object({
  candidate: z.string().optional(),
  baseline: z.string().optional(),
  gates: z.array(z.string()).optional(),
  config: z.string().optional(),
  results: z.enum(["auto", "items", "metrics"]).optional(),
  kind: z.enum(["classification", "regression", "score"]).optional(),
  columns: z.array(z.string()).optional(),
  confidence: z.number().gt(0.5).lt(1).optional(),
  resamples: z.int().min(100).max(100_000).optional(),
  seed: z.int().min(0).optional(),
  minItems: z.int().min(1).optional(),
  inconclusive: z.enum(["warn", "fail"]).optional(),
  mustPass: z.string().optional(),
  comment: z.union([z.boolean(), z.literal("on-failure")]).optional(),
  commentKey: z.string().default("default"),
  output: z.array(z.string()).optional(),
  token: z.string().optional(),
});

await runGateAction("eval-gate", async () => {
  const given = readInputs(inputs);
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const { input, report: settings } = await resolveEvalGate(
    {
      candidate: given.candidate,
      baseline: given.baseline,
      gates: given.gates,
      results: given.results,
      kind: given.kind,
      ...(given.columns ? { columns: parseColumnPairs(given.columns) } : {}),
      confidence: given.confidence,
      resamples: given.resamples,
      seed: given.seed,
      minItems: given.minItems,
      inconclusive: given.inconclusive,
      mustPass: given.mustPass,
    },
    { cwd, ...(given.config ? { configPath: given.config } : {}) },
  );
  const report = await runEvalGate(input);
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

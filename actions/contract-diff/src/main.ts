import { resolveContractDiff, runContractDiff } from "@mlgate/contract";
import { readInputs, runGateAction } from "@mlgate/github";
import { z } from "zod";

// Inputs left empty fall back to the config file's keys, then to the gate's defaults.
const inputs = z.object({
  base: z.string().optional(),
  head: z.string().optional(),
  kind: z.enum(["auto", "openapi", "json-schema", "proto", "signature"]).optional(),
  failOn: z.enum(["breaking", "dangerous"]).optional(),
  versionCheck: z.boolean().optional(),
  changelog: z.string().optional(),
  config: z.string().optional(),
  comment: z.union([z.boolean(), z.literal("on-failure")]).optional(),
  commentKey: z.string().default("default"),
  output: z.array(z.string()).optional(),
  token: z.string().optional(),
});

await runGateAction("contract-diff", async () => {
  const given = readInputs(inputs);
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const { input, report: settings } = await resolveContractDiff(
    {
      base: given.base,
      head: given.head,
      kind: given.kind,
      failOn: given.failOn,
      versionCheck: given.versionCheck,
      changelog: given.changelog,
    },
    { cwd, ...(given.config ? { configPath: given.config } : {}) },
  );
  const report = await runContractDiff(input);
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

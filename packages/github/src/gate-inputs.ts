import { z } from "zod";
import type { PublishOptions } from "./publish.js";

/**
 * The inputs every gate action shares: its config file and how its report is published. Spread
 * into the action's own schema: `z.object({ ...ownInputs, ...GATE_ACTION_INPUTS })`.
 */
export const GATE_ACTION_INPUTS = {
  config: z.string().optional(),
  comment: z.union([z.boolean(), z.literal("on-failure")]).optional(),
  commentKey: z.string().default("default"),
  output: z.array(z.string()).optional(),
  token: z.string().optional(),
};

export type GateActionInputs = z.output<z.ZodObject<typeof GATE_ACTION_INPUTS>>;

/** Where the gate resolves its config: the workspace, and the `config` input when one is given. */
export function configLocation(given: Pick<GateActionInputs, "config">): {
  cwd: string;
  configPath?: string;
} {
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  return { cwd, ...(given.config ? { configPath: given.config } : {}) };
}

/** Publishing as the inputs say, falling back to the config file's `report` section, then to defaults. */
export function publishFromInputs(
  given: GateActionInputs,
  settings: { comment?: boolean | "on-failure"; outputs?: readonly string[] } = {},
): PublishOptions {
  const files = given.output ?? settings.outputs;
  return {
    comment: given.comment ?? settings.comment ?? true,
    commentKey: given.commentKey,
    ...(files ? { files } : {}),
    ...(given.token ? { token: given.token } : {}),
  };
}

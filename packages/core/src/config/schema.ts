import { z } from "zod";
import { type ThresholdListOptions, thresholdList, thresholdListOf } from "./thresholds.js";

/** The `report:` block every gate section accepts. */
export const reportSection = z
  .strictObject({
    comment: z
      .union([z.boolean(), z.literal("on-failure")])
      .optional()
      .describe(
        'Post the report as a pull-request comment: true, false, or "on-failure" to comment only when the gate does not pass.',
      ),
    outputs: z
      .array(z.string().min(1))
      .optional()
      .describe(
        "Report files to write besides the job summary, relative to this file; the format follows the extension (.json, .sarif, .xml for JUnit, .md, .txt). The action's `output` input and `--output` replace them.",
      ),
  })
  .describe("How the gate publishes its report.");

function baseShape(gates: z.ZodType<string[]>) {
  return {
    gates: gates.optional(),
    report: reportSection.optional(),
  };
}

const GATE_BASE_SHAPE = baseShape(thresholdList);

/** Keys every gate section has. */
export type GateBaseShape = typeof GATE_BASE_SHAPE;

/**
 * A gate's section of `mlgate.yml`: `gates` and `report`, plus the gate's own keys (which win on a
 * name clash, e.g. to validate `gates` with gate-specific functions). Strict, so a misspelt key is an
 * error with a suggestion rather than a silently ignored setting.
 */
export function gateSection<T extends z.ZodRawShape>(
  shape: T,
  options: ThresholdListOptions = {},
): z.ZodObject<Omit<GateBaseShape, keyof T> & T, z.core.$strict> {
  const base = options.functions ? baseShape(thresholdListOf(options)) : GATE_BASE_SHAPE;
  return z.strictObject({ ...base, ...shape }) as unknown as z.ZodObject<
    Omit<GateBaseShape, keyof T> & T,
    z.core.$strict
  >;
}

const TOP_LEVEL_SHAPE = {
  $schema: z.string().optional().describe("JSON Schema of this file, for editors."),
  version: z.literal(1).default(1).describe("Config format version; 1 is the only one so far."),
};

/** Top-level keys of the config file besides the gate sections. */
export type ConfigFileShape<S extends Record<string, z.ZodType>> = typeof TOP_LEVEL_SHAPE & {
  [K in keyof S]: z.ZodOptional<S[K]>;
};

/**
 * The whole config file: `version`, `$schema` and one optional section per gate. Unknown
 * top-level keys are errors (with a did-you-mean) so a misspelt gate name never silently disables a gate.
 */
export function configFileSchema<S extends Record<string, z.ZodType>>(
  sections: S,
): z.ZodObject<ConfigFileShape<S>, z.core.$strict> {
  const shape: Record<string, z.ZodType> = { ...TOP_LEVEL_SHAPE };
  for (const [name, section] of Object.entries(sections)) {
    if (Object.hasOwn(TOP_LEVEL_SHAPE, name))
      throw new Error(`"${name}" is reserved and cannot name a config section`);
    shape[name] = section.optional();
  }
  return z.strictObject(shape) as unknown as z.ZodObject<ConfigFileShape<S>, z.core.$strict>;
}

import { z } from "zod";
import { budgetList } from "./budgets.js";

/** A path inside the artifact directory: relative, `/`-separated, never leaving the directory. */
export const artifactPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.startsWith("/") && !/^[A-Za-z]:/.test(p) && !p.includes("\\"), {
    message: "must be a relative path with / separators (inside the artifact directory)",
  })
  .refine((p) => !p.split("/").some((seg) => seg === ".." || seg === "." || seg === ""), {
    message: 'must not contain "..", "." or empty segments',
  })
  .refine((p) => !p.includes("\0"), { message: "must not contain a NUL character" });

const dim = z
  .union([z.int().min(0), z.string().min(1), z.null()])
  .describe("A fixed size, a symbolic name such as `batch` or `N`, or null for unknown.");

export const tensorSpecSchema = z.strictObject({
  name: z.string().min(1).describe("Input or output name as the model spells it."),
  dtype: z.string().min(1).describe("Element type: float32, float16, int64, uint8, bool, string, ..."),
  shape: z
    .array(dim)
    .max(64)
    .nullable()
    .optional()
    .describe("Dimensions; symbolic ones as strings, e.g. [N, 4]. Omit or null when the rank is unknown."),
});

const metadataValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
]);

export const samplesSchema = z.strictObject({
  file: artifactPath.describe(
    "JSON or JSONL file of {inputs, outputs} samples, inside the artifact directory.",
  ),
  atol: z.number().min(0).optional().describe("Absolute tolerance against golden outputs (default 1e-5)."),
  rtol: z.number().min(0).optional().describe("Relative tolerance against golden outputs (default 1e-4)."),
  "top-k": z
    .record(z.string().min(1), z.int().min(1).max(1000))
    .optional()
    .describe("Outputs compared by top-k agreement instead of values, e.g. {probabilities: 1}."),
});

/** `model-card.yml`: what the team declares about a model artifact. */
export const modelCardSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1).optional().describe("Model name, for the report."),
    model: artifactPath
      .optional()
      .describe("The model file to load and run, when the artifact holds more than one model file."),
    metadata: z
      .record(z.string().min(1), metadataValue)
      .optional()
      .describe(
        "Facts about the model: version, training-data-version, code-commit, owner, license, intended-use, metrics, ... The policy names which are required.",
      ),
    files: z
      .array(
        z.strictObject({
          path: artifactPath,
          sha256: z
            .string()
            .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hexadecimal digits")
            .describe("SHA-256 of the file's bytes."),
        }),
      )
      .max(100_000)
      .optional()
      .describe("Every file of the artifact with its SHA-256; missing, extra and changed files fail."),
    signature: z
      .strictObject({
        inputs: z.array(tensorSpecSchema).max(10_000),
        outputs: z.array(tensorSpecSchema).max(10_000),
      })
      .optional()
      .describe("The inputs and outputs clients rely on."),
    budgets: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, "profile names are letters, digits, _ . -"), budgetList)
      .optional()
      .describe(
        "Budgets per deployment profile (server, edge, ...): the profile chosen at run time applies.",
      ),
    samples: samplesSchema.optional().describe("Sample inputs with golden outputs for a smoke test."),
  })
  .superRefine((card, ctx) => {
    const seen = new Set<string>();
    card.files?.forEach((f, i) => {
      if (seen.has(f.path))
        ctx.addIssue({ code: "custom", path: ["files", i, "path"], message: `${f.path} is listed twice` });
      seen.add(f.path);
    });
  });

export type ModelCard = z.output<typeof modelCardSchema>;

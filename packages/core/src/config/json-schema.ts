import { z } from "zod";

export interface ConfigJsonSchemaOptions {
  /** `$id` of the schema, e.g. the raw URL it is published at. */
  id?: string;
  title?: string;
}

/**
 * JSON Schema of a config schema, for editors (`# yaml-language-server: $schema=…` or `$schema`).
 * Draft-07 rather than 2020-12: VS Code's YAML extension (yaml-language-server) is built on a JSON
 * language service whose complete support ends at draft-07; newer keywords (`$defs`, `prefixItems`,
 * `unevaluatedProperties`) are ignored or misread there, losing completion and hovers.
 * Describes the input side: keys with defaults are optional, descriptions come from
 * `.describe()` / `.meta()`.
 */
export function configJsonSchema(
  schema: z.ZodType,
  options: ConfigJsonSchemaOptions = {},
): Record<string, unknown> {
  const { $schema, ...body } = z.toJSONSchema(schema, {
    target: "draft-07",
    io: "input",
    // Transforms (threshold parsing) describe their input; anything else unrepresentable accepts any value.
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return {
    $schema,
    ...(options.id === undefined ? {} : { $id: options.id }),
    ...(options.title === undefined ? {} : { title: options.title }),
    ...body,
  };
}

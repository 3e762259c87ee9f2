import { GateError, parseJsonText, readTextFile } from "@mlgate/core";
import { Ajv } from "ajv";
import { LIMITS } from "./limits.js";

/** Says why a response body does not match, or undefined when it does. */
export type BodyCheck = (body: Buffer) => string | undefined;

/** Compile a JSON Schema file into a check of response bodies (formats are not checked). */
export async function loadResponseSchema(file: string): Promise<BodyCheck> {
  const text = await readTextFile(file, "response schema", { maxBytes: LIMITS.maxSchemaBytes });
  const schema = parseJsonText(text, file, "response schema");
  return compileResponseSchema(schema, file);
}

export function compileResponseSchema(schema: unknown, file: string): BodyCheck {
  if (typeof schema !== "object" && typeof schema !== "boolean") {
    throw new GateError(`response schema ${file} is not a JSON Schema (expected an object)`, {
      location: { file },
    });
  }
  // Formats would need ajv-formats and are rarely what a load test checks; unknown keywords are allowed.
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
  let validate: ReturnType<Ajv["compile"]>;
  try {
    validate = ajv.compile(schema as object);
  } catch (e) {
    throw new GateError(
      `response schema ${file} is not a valid JSON Schema: ${e instanceof Error ? e.message : String(e)}`,
      {
        location: { file },
      },
    );
  }
  return (body: Buffer) => {
    let value: unknown;
    try {
      value = JSON.parse(body.toString("utf8"));
    } catch {
      return "the response body is not JSON";
    }
    if (validate(value)) return undefined;
    const first = validate.errors?.[0];
    return first
      ? `${first.instancePath || "(root)"} ${first.message ?? "does not match"}`
      : "does not match the schema";
  };
}

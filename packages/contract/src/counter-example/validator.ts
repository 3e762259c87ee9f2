import { format, Validator } from "@cfworker/json-schema";
import type { JsonSchema } from "./project.js";

/**
 * Counter-examples are checked by an interpreting validator: each projection is small and used once
 * or twice, and generating code for it (ajv) cost ten to thirty milliseconds per schema, which on a
 * large description was a tenth of the whole diff. Interpreting costs well under a millisecond.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// OpenAPI's base64 string format. The validator ignores formats it does not know (they are
// annotations); integer widths apply to numbers and are turned into ranges by the projection.
Object.assign(format, { byte: (value: string) => BASE64.test(value) });
// The validator looks formats up by name in a plain object: a description naming a format
// `hasOwnProperty` or `__proto__` would otherwise call an Object member as a validator.
Object.setPrototypeOf(format, null);

/** Whether `payload` is valid under the (self-contained) schema; undefined when the schema cannot be applied. */
export function validates(schema: JsonSchema, payload: unknown): boolean | undefined {
  try {
    return new Validator(schema as object, "2020-12", true).validate(payload).valid;
  } catch {
    // A pattern that is not a valid regular expression: no verdict, so the counter-example is
    // dropped rather than claimed.
    return undefined;
  }
}

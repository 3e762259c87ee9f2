import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { JsonSchema } from "./project.js";

/**
 * One ajv instance for the process: compiling is the costly part, so schemas compiled once are
 * kept (projections of the same schema onto the same shape of payload repeat).
 */
let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();
const MAX_CACHED = 2000;

function instance(): Ajv2020 {
  if (ajv) return ajv;
  // Each projection is compiled once and run once or twice, so compile time is what counts: no
  // meta-schema check (projections are built by code) and no code optimisation pass.
  const created = new Ajv2020({
    strict: false,
    allErrors: false,
    validateFormats: true,
    logger: false,
    validateSchema: false,
    meta: false,
    code: { optimize: false },
  });
  (addFormats as unknown as (a: Ajv2020) => void)(created);
  ajv = created;
  return created;
}

/** Formats the description uses that no validator knows are annotations: accept any value. */
function registerUnknownFormats(a: Ajv2020, schema: unknown): void {
  const stack = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const obj = node as Record<string, unknown>;
    if (typeof obj.format === "string" && !a.formats[obj.format]) a.addFormat(obj.format, true);
    stack.push(...Object.values(obj));
  }
}

/** Whether `payload` is valid under the (self-contained) schema; undefined when ajv cannot compile it. */
export function validates(schema: JsonSchema, payload: unknown): boolean | undefined {
  const a = instance();
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    try {
      registerUnknownFormats(a, schema);
      validate = a.compile(schema);
    } catch {
      return undefined;
    }
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(key, validate);
  }
  return validate(payload) === true;
}

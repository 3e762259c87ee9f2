import { GateError } from "@mlgate/core";
import type { z } from "zod";
import * as runner from "./runner.js";

/** `failOn` → `fail-on`, `maxP95Ms` → `max-p95-ms`: action inputs are kebab-case, schema keys camelCase. */
export function inputName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Keys whose values must never reach the log unmasked. */
export function isSecretKey(key: string): boolean {
  return /(token|password|secret)$/i.test(key);
}

interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  options?: Schema[];
  values?: unknown[];
  entries?: Record<string, unknown>;
}
type Schema = { _zod: { def: Def } };

/** What a field accepts, seen through optional/default/pipe wrappers and across union members. */
interface Shape {
  boolean: boolean;
  number: boolean;
  array: boolean;
  /** Allowed values when the field is a closed set (enum, literals, booleans), for error messages. */
  choices?: string[];
}

function analyze(schema: Schema, depth = 0): Shape {
  const def = schema._zod.def;
  const none: Shape = { boolean: false, number: false, array: false };
  if (depth > 20) return none;
  switch (def.type) {
    case "boolean":
      return { ...none, boolean: true, choices: ["true", "false"] };
    case "number":
      return { ...none, number: true };
    case "array":
      return { ...none, array: true };
    case "enum":
      return { ...none, choices: Object.values(def.entries ?? {}).map(String) };
    case "literal":
      return { ...none, choices: (def.values ?? []).map(String) };
    case "union": {
      const parts = (def.options ?? []).map((o) => analyze(o, depth + 1));
      const closed = parts.every((p) => p.choices);
      return {
        boolean: parts.some((p) => p.boolean),
        number: parts.some((p) => p.number),
        array: parts.some((p) => p.array),
        ...(closed ? { choices: parts.flatMap((p) => p.choices ?? []) } : {}),
      };
    }
    default: {
      const inner = def.innerType ?? def.in;
      return inner ? analyze(inner, depth + 1) : none;
    }
  }
}

const TRUE = new Set(["true", "yes", "1"]);
const FALSE = new Set(["false", "no", "0"]);

/** Turn the raw string into what the field accepts; anything unrecognised stays a string for zod to reject. */
function convert(raw: string, shape: Shape): unknown {
  if (shape.array) {
    return raw
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
  }
  if (shape.boolean) {
    const v = raw.toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
  }
  if (shape.number && raw.trim() !== "" && Number.isFinite(Number(raw))) return Number(raw);
  return raw;
}

function expected(choices: string[]): string {
  const boolean = choices.length === 2 && choices[0] === "true" && choices[1] === "false";
  return boolean ? "true or false (or yes/no, 1/0)" : `one of ${choices.join(", ")}`;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  raw: string | undefined,
  shape: Shape,
  secret: boolean,
): string {
  if (raw === undefined && issue.code === "invalid_type") return "is required";
  const got = raw === undefined || secret ? "" : `; got ${JSON.stringify(raw)}`;
  if (shape.choices && (issue.code === "invalid_value" || issue.code === "invalid_union" || shape.boolean)) {
    return `expected ${expected(shape.choices)}${got}`;
  }
  if (issue.code === "invalid_type") return `expected ${shape.number ? "a number" : issue.expected}${got}`;
  // zod's wording for bounds, formats and refinements reads fine; say which line of a list is wrong.
  const line = shape.array && typeof issue.path[1] === "number" ? ` (line ${issue.path[1] + 1})` : "";
  return `${issue.message.replace(/^Invalid input: /, "")}${line}${got}`;
}

/**
 * Read every input the schema declares from the action's environment and validate it.
 * Empty means unset, so schema defaults apply. Throws a GateError naming the offending input.
 */
export function readInputs<S extends z.ZodObject>(schema: S): z.output<S> {
  const raw: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const shapes: Record<string, Shape> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const shape = analyze(field as unknown as Schema);
    shapes[key] = shape;
    const value = runner.getInput(inputName(key));
    if (value === "") continue;
    // Mask before anything else can print it.
    if (isSecretKey(key)) runner.setSecret(value);
    raw[key] = value;
    values[key] = convert(value, shape);
  }

  const result = schema.safeParse(values);
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue) => {
    const key = issue.path[0];
    // Whole-object refinements have no single input to blame.
    if (typeof key !== "string" || !shapes[key]) return issue.message;
    const detail = describeIssue(issue, raw[key], shapes[key], isSecretKey(key));
    const name = inputName(key);
    return detail === "is required" ? `input "${name}" is required` : `input "${name}": ${detail}`;
  });
  throw new GateError(problems.join("; "));
}

import type { z } from "zod";
import type { ConfigIssue } from "./config-error.js";
import { closestKey, type KeyPath } from "./paths.js";
import { knownKeysAt } from "./schema-walk.js";
import type { ConfigSource } from "./source.js";
import { THRESHOLD_PARAM, type ThresholdIssueParams } from "./thresholds.js";

type Issue = z.core.$ZodIssue;
type Format = ConfigSource["format"];

interface Context {
  schema: z.ZodType;
  source: ConfigSource;
  out: ConfigIssue[];
}

const quote = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…"` : s;
};

/** What the user wrote, in YAML or JSON words: `a number (3)`, `a list`, `an empty value`. */
export function describeValue(value: unknown, format: Format): string {
  if (value === undefined) return "nothing";
  if (value === null) return format === "yaml" ? "an empty value" : "null";
  if (Array.isArray(value)) return format === "yaml" ? "a list" : "an array";
  switch (typeof value) {
    case "string":
      return `a string (${quote(value)})`;
    case "number":
      return `a number (${value})`;
    case "boolean":
      return `a boolean (${value})`;
    case "object":
      return format === "yaml" ? "a mapping" : "an object";
    default:
      return typeof value;
  }
}

function typeName(expected: string, format: Format): string {
  switch (expected) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "int":
    case "bigint":
      return "an integer";
    case "boolean":
      return "true or false";
    case "object":
    case "record":
    case "map":
      return format === "yaml" ? "a mapping" : "an object";
    case "array":
    case "tuple":
    case "set":
      return format === "yaml" ? "a list" : "an array";
    case "null":
      return format === "yaml" ? "an empty value" : "null";
    case "never":
    case "undefined":
      return "nothing";
    case "nonoptional":
      return "a value";
    default:
      return `a ${expected}`;
  }
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function suggestion(input: unknown, candidates: readonly unknown[]): string {
  if (typeof input !== "string") return "";
  const best = closestKey(
    input,
    candidates.filter((c): c is string => typeof c === "string"),
  );
  return best === undefined ? "" : ` (did you mean ${quote(best)}?)`;
}

function bound(issue: Extract<Issue, { code: "too_small" | "too_big" }>): string {
  const small = issue.code === "too_small";
  const limit = small ? issue.minimum : issue.maximum;
  switch (issue.origin) {
    case "string":
    case "array":
    case "set": {
      const unit = issue.origin === "string" ? "character" : "item";
      if (small && Number(limit) === 1 && !issue.exact) return "must not be empty";
      const n = `${limit} ${unit}${Number(limit) === 1 ? "" : "s"}`;
      return issue.exact ? `must have exactly ${n}` : `must have at ${small ? "least" : "most"} ${n}`;
    }
    case "number":
    case "int":
    case "bigint":
      return `must be ${small ? ">" : "<"}${issue.inclusive ? "=" : ""} ${limit}`;
    default:
      return issue.message;
  }
}

/** The message for one issue, without its path. */
function describeIssue(issue: Issue, format: Format): string {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${typeName(issue.expected, format)}, got ${describeValue(issue.input, format)}`;
    case "invalid_value": {
      const want =
        issue.values.length === 1 ? quote(issue.values[0]) : `one of ${issue.values.map(quote).join(", ")}`;
      return `expected ${want}, got ${describeValue(issue.input, format)}${suggestion(issue.input, issue.values)}`;
    }
    case "too_small":
    case "too_big":
      return `${bound(issue)}, got ${describeValue(issue.input, format)}`;
    case "invalid_format": {
      const got = describeValue(issue.input, format);
      if (issue.format === "regex") return `must match ${issue.pattern}, got ${got}`;
      // zod words the affix checks well ("must start with …"); other formats are a noun.
      if (/^(starts_with|ends_with|includes)$/.test(issue.format)) {
        return `${issue.message.replace(/^Invalid string: /, "")}, got ${got}`;
      }
      return `must be a valid ${issue.format.replace(/_/g, " ")}, got ${got}`;
    }
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}, got ${describeValue(issue.input, format)}`;
    default:
      return issue.message;
  }
}

function emit(
  ctx: Context,
  path: KeyPath,
  message: string,
  at: KeyPath,
  target: "value" | "key" = "value",
): ConfigIssue {
  const loc = ctx.source.locate(at, target);
  const issue: ConfigIssue = { path, message, ...(loc ? { line: loc.line, column: loc.column } : {}) };
  ctx.out.push(issue);
  return issue;
}

/** Point inside a bad threshold when the scalar is written verbatim (plain or quoted without escapes). */
function placeThreshold(
  ctx: Context,
  issue: ConfigIssue,
  path: KeyPath,
  input: unknown,
  params: ThresholdIssueParams,
): void {
  if (params.detail.length > 0) issue.detail = params.detail;
  const loc = ctx.source.locate(path);
  if (params.offset === undefined || !loc?.exact || loc.raw === undefined || typeof input !== "string")
    return;
  if (input.includes("\n")) return;
  const quoted = loc.raw === `"${input}"` || loc.raw === `'${input}'`;
  if (loc.raw === input || quoted) issue.column = loc.column + (quoted ? 1 : 0) + params.offset;
}

function unknownKey(ctx: Context, path: KeyPath, key: string): void {
  const known = knownKeysAt(ctx.schema, path);
  const best = closestKey(key, known);
  const where = path.length === 0 ? "unknown top-level key" : "unknown key";
  const help =
    best !== undefined
      ? ` (did you mean ${quote(best)}?)`
      : known.length > 0 && known.length <= 12
        ? ` (expected one of: ${known.join(", ")})`
        : "";
  emit(ctx, path, `${where} ${quote(key)}${help}`, [...path, key], "key");
}

/** A union failed: report the branch the value was evidently meant for, or what would be accepted. */
function unionIssue(ctx: Context, issue: Extract<Issue, { code: "invalid_union" }>, path: KeyPath): void {
  const branches = issue.errors;
  const wrongType = (branch: readonly Issue[]) =>
    branch.some((i) => i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_value"));
  const meant = branches.filter((b) => !wrongType(b)).sort((a, b) => a.length - b.length)[0];
  if (meant) {
    for (const inner of meant) convert(ctx, inner, path);
    return;
  }
  const format = ctx.source.format;
  if (branches.length === 0) {
    // Discriminated union with an unknown tag: the path already ends at the tag.
    const options = "options" in issue && Array.isArray(issue.options) ? issue.options : undefined;
    const disc = "discriminator" in issue ? issue.discriminator : undefined;
    const input =
      disc && issue.input && typeof issue.input === "object"
        ? (issue.input as Record<string, unknown>)[disc]
        : issue.input;
    const message = options
      ? `expected one of ${options.map(quote).join(", ")}, got ${describeValue(input, format)}${suggestion(input, options)}`
      : issue.message;
    emit(ctx, path, message, path);
    return;
  }
  const accepted: string[] = [];
  const literals: unknown[] = [];
  for (const branch of branches) {
    for (const i of branch) {
      if (i.path.length !== 0) continue;
      if (i.code === "invalid_type") {
        accepted.push(...(i.expected === "boolean" ? ["true", "false"] : [typeName(i.expected, format)]));
      }
      if (i.code === "invalid_value") {
        accepted.push(...i.values.map(quote));
        literals.push(...i.values);
      }
    }
  }
  const unique = [...new Set(accepted)];
  emit(
    ctx,
    path,
    `expected ${joinOr(unique)}, got ${describeValue(issue.input, format)}${suggestion(issue.input, literals)}`,
    path,
  );
}

function convert(ctx: Context, issue: Issue, prefix: KeyPath): void {
  const path = [...prefix, ...issue.path];
  const format = ctx.source.format;
  switch (issue.code) {
    case "unrecognized_keys":
      for (const key of issue.keys) unknownKey(ctx, path, key);
      return;
    case "invalid_union":
      unionIssue(ctx, issue, path);
      return;
    case "invalid_key":
    case "invalid_element": {
      const parent = path.slice(0, -1);
      for (const inner of issue.issues) {
        emit(
          ctx,
          parent,
          `invalid key ${quote(path[path.length - 1])}: ${describeIssue(inner, format)}`,
          path,
          "key",
        );
      }
      return;
    }
    case "invalid_type":
      if (issue.input === undefined && path.length > 0) {
        emit(
          ctx,
          path.slice(0, -1),
          `missing required key ${quote(path[path.length - 1])} (${typeName(issue.expected, format)})`,
          path,
        );
        return;
      }
      break;
    case "custom": {
      const out = emit(ctx, path, issue.message, path);
      const params = issue.params?.[THRESHOLD_PARAM] as ThresholdIssueParams | undefined;
      if (params) placeThreshold(ctx, out, path, issue.input, params);
      return;
    }
  }
  emit(ctx, path, describeIssue(issue, format), path);
}

/** Zod's issues in the user's terms, each placed on the line and column that caused it. */
export function configIssues(
  issues: readonly Issue[],
  schema: z.ZodType,
  source: ConfigSource,
): ConfigIssue[] {
  const ctx: Context = { schema, source, out: [] };
  for (const issue of issues) convert(ctx, issue, []);
  return ctx.out;
}

/**
 * Renders the reference of mlgate.yml for docs/configuration.md from the JSON Schema `npm run schema`
 * generates from the gates' zod schemas, between the markers
 * `<!-- config-reference:start -->` and `<!-- config-reference:end -->`; the text around them is
 * written by hand. `npm run schema` (scripts/schema.ts) writes it, and its `--check` fails when the
 * committed page is stale.
 */
import { fileURLToPath } from "node:url";

export const START = "<!-- config-reference:start -->";
export const END = "<!-- config-reference:end -->";

/** The part of JSON Schema the generated schema uses. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | JsonSchema;
}

/** Nesting deeper than this is not in our schema; refuse rather than recurse without end. */
const MAX_DEPTH = 12;

interface Row {
  key: string;
  type: string;
  required: boolean;
  description: string;
}

const code = (value: unknown) => `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;

function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|").trim();
}

function alternatives(schema: JsonSchema): JsonSchema[] | undefined {
  return schema.anyOf ?? schema.oneOf;
}

/** Object variants of an alternative that carry keys of their own (the router's providers). */
function objectVariants(schema: JsonSchema): JsonSchema[] {
  return (alternatives(schema) ?? []).filter((s) => s.properties && Object.keys(s.properties).length > 0);
}

/** Bounds a reader would act on; the safe-integer limits zod adds to every whole number are left out. */
function range(schema: JsonSchema): string {
  const parts: string[] = [];
  const real = (n: number | undefined): n is number =>
    n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER;
  if (real(schema.exclusiveMinimum)) parts.push(`> ${schema.exclusiveMinimum}`);
  if (real(schema.minimum)) parts.push(`≥ ${schema.minimum}`);
  if (real(schema.exclusiveMaximum)) parts.push(`< ${schema.exclusiveMaximum}`);
  if (real(schema.maximum)) parts.push(`≤ ${schema.maximum}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/** A short, readable type: `text`, `whole number (≥ 1)`, `` `a` | `b` ``, `list of text`. */
export function describeType(schema: JsonSchema, depth = 0): string {
  if (depth > MAX_DEPTH) throw new Error("schema nested too deeply to describe");
  if (schema.const !== undefined) return code(schema.const);
  if (schema.enum) return schema.enum.map(code).join(" | ");
  const options = alternatives(schema);
  if (options) {
    const described = options.map((o) => (o.properties ? "mapping (below)" : describeType(o, depth + 1)));
    return [...new Set(described)].join(" or ");
  }
  const type = Array.isArray(schema.type) ? schema.type.join(" or ") : schema.type;
  switch (type) {
    case "string":
      return "text";
    case "number":
      return `number${range(schema)}`;
    case "integer":
      return `whole number${range(schema)}`;
    case "boolean":
      return "`true` | `false`";
    case "array": {
      const count = schema.maxItems !== undefined ? ` (at most ${schema.maxItems})` : "";
      const item = schema.items ? describeType(schema.items, depth + 1) : "anything";
      const items = schema.items?.properties
        ? "mappings (below)"
        : item.includes(" or ")
          ? `(${item})`
          : item;
      return `list of ${items}${count}`;
    }
    case "object": {
      if (schema.properties) return "mapping (below)";
      const values =
        typeof schema.additionalProperties === "object"
          ? describeType(schema.additionalProperties, depth + 1)
          : "anything";
      return `mapping of names to ${values}`;
    }
    default:
      return "anything";
  }
}

function describeValue(schema: JsonSchema): string {
  const extras: string[] = [];
  if (schema.default !== undefined) extras.push(`Default ${code(schema.default)}.`);
  const examples = (schema.examples ?? []).filter((e) => typeof e === "string" || typeof e === "number");
  if (examples.length > 0 && !(schema.description ?? "").includes("e.g.")) {
    extras.push(`E.g. ${examples.map(code).join(", ")}.`);
  }
  return [schema.description ?? "", ...extras].filter(Boolean).join(" ");
}

/** The rows of a mapping's keys, nested keys as `a.b` and list items as `a[].b`. */
function rows(schema: JsonSchema, prefix: string, depth: number, out: Row[], variants: Section[]): void {
  if (depth > MAX_DEPTH) throw new Error(`schema nested too deeply at ${prefix}`);
  const required = new Set(schema.required ?? []);
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const key = `${prefix}${name}`;
    const variantsHere = objectVariants(child);
    const tagged = variantsHere.filter((v) => tagOf(v) !== undefined);
    const type =
      tagged.length > 1 ? `one of the \`${tagOf(tagged[0]!)?.[0]}\` mappings below` : describeType(child);
    out.push({ key, type, required: required.has(name), description: describeValue(child) });
    if (tagged.length > 1) {
      // A discriminated union (the router): one table per variant, named by its tag.
      for (const variant of tagged) {
        const [tagKey, tagValue] = tagOf(variant)!;
        const section: Section = { title: `\`${key}\` with \`${tagKey}: ${String(tagValue)}\``, rows: [] };
        rows(variant, `${key}.`, depth + 1, section.rows, variants);
        variants.push(section);
      }
    } else {
      // Keys of a nested mapping, of the mappings in a list, and of the mapping forms an alternative allows.
      for (const form of [child, ...(alternatives(child) ?? [])]) {
        if (form.properties) rows(form, `${key}.`, depth + 1, out, variants);
        const item = form.items;
        if (item?.properties) rows(item, `${key}[].`, depth + 1, out, variants);
        for (const variant of item ? objectVariants(item) : [])
          rows(variant, `${key}[].`, depth + 1, out, variants);
      }
    }
  }
}

/** `["provider", "nginx"]` for a variant whose key holds a constant. */
function tagOf(schema: JsonSchema): [string, unknown] | undefined {
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    if (child.const !== undefined && (schema.required ?? []).includes(name)) return [name, child.const];
  }
  return undefined;
}

interface Section {
  title: string;
  rows: Row[];
}

function table(list: Row[]): string {
  const lines = ["| key | type | description |", "|---|---|---|"];
  for (const row of list) {
    const key = `\`${row.key}\`${row.required ? " (required)" : ""}`;
    lines.push(`| ${cell(key)} | ${cell(row.type)} | ${cell(row.description)} |`);
  }
  return lines.join("\n");
}

/** The generated part of docs/configuration.md. */
export function renderConfigReference(schema: JsonSchema): string {
  const parts: string[] = [];
  const top = schema.properties ?? {};
  const scalars: Row[] = [];
  for (const [name, child] of Object.entries(top)) {
    if (child.properties) continue;
    scalars.push({
      key: name,
      type: describeType(child),
      required: false,
      description: describeValue(child),
    });
  }
  parts.push("## Top level", "", table(scalars));
  for (const [name, child] of Object.entries(top)) {
    if (!child.properties) continue;
    const own: Row[] = [];
    const variants: Section[] = [];
    rows(child, "", 1, own, variants);
    parts.push("", `## \`${name}\``, "", child.description ?? "", "", table(own));
    for (const variant of variants) parts.push("", `### ${variant.title}`, "", table(variant.rows));
  }
  return `${parts.join("\n").replace(/\n{3,}/g, "\n\n")}\n`;
}

/** The page with its generated part replaced. */
export function withReference(page: string, reference: string): string {
  const start = page.indexOf(START);
  const end = page.indexOf(END);
  if (start < 0 || end < start) {
    throw new Error(`docs/configuration.md: put the markers ${START} and ${END} where the reference goes`);
  }
  return `${page.slice(0, start + START.length)}\n\n${reference}\n${page.slice(end)}`;
}

export const PAGE_FILE = fileURLToPath(new URL("../docs/configuration.md", import.meta.url));

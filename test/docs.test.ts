/**
 * The documentation says what the code does: the configuration reference is the rendering of the
 * committed JSON Schema, the threshold language's examples parse and its error messages are the
 * parser's own, the troubleshooting page quotes messages that exist in the source, every canary
 * provider has a page whose example configs validate, and no relative link is broken.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { BUDGET_METRICS, expandCountSuffix } from "@mlgate/artifact";
import { CANARY_FUNCTIONS } from "@mlgate/canary";
import { COMPARATORS, DEFAULT_FUNCTIONS, parseThreshold, UNITS } from "@mlgate/core";
import fc from "fast-check";
import { mlgateConfigSchema } from "mlgate";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  END,
  type JsonSchema,
  renderConfigReference,
  START,
  withReference,
} from "../scripts/config-reference.js";

const ROOT = resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

/** Fenced blocks of one info string (`text`, `yaml`) in a markdown page. */
function fenced(page: string, info: string): string[] {
  return [...page.matchAll(new RegExp(`^\`\`\`${info}\\n([\\s\\S]*?)^\`\`\`$`, "gm"))].map((m) => m[1] ?? "");
}

function markdownFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? markdownFiles(`${dir}/${entry.name}`)
      : entry.name.endsWith(".md")
        ? [`${dir}/${entry.name}`]
        : [],
  );
}

describe("docs/configuration.md", () => {
  it("is the rendering of schema/mlgate.schema.json (npm run schema)", () => {
    const schema = JSON.parse(read("schema/mlgate.schema.json")) as JsonSchema;
    const page = read("docs/configuration.md");
    expect(page, "stale: run `npm run schema`").toBe(withReference(page, renderConfigReference(schema)));
  });

  it("lists every key of every gate's section", () => {
    const schema = JSON.parse(read("schema/mlgate.schema.json")) as JsonSchema;
    const page = read("docs/configuration.md");
    for (const [gate, section] of Object.entries(schema.properties ?? {})) {
      if (!section.properties) continue;
      expect(page).toContain(`## \`${gate}\``);
      for (const key of Object.keys(section.properties))
        expect(page, `${gate}.${key}`).toContain(`| \`${key}\``);
    }
  });

  it("renders nested keys, list items, required keys and tagged alternatives", () => {
    const schema: JsonSchema = {
      properties: {
        gate: {
          type: "object",
          description: "A gate.",
          properties: {
            mode: { type: "string", enum: ["a", "b"], description: "Which | way." },
            limit: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
            items: {
              type: "array",
              items: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
            },
            router: {
              oneOf: [
                {
                  type: "object",
                  required: ["kind"],
                  properties: { kind: { const: "x" }, port: { type: "number" } },
                },
                { type: "object", required: ["kind"], properties: { kind: { const: "y" } } },
              ],
            },
          },
        },
      },
    };
    const out = renderConfigReference(schema);
    expect(out).toContain("| `mode` | `a` \\| `b` | Which \\| way. |");
    expect(out).toContain("| `limit` | whole number (≥ 1) |  |");
    expect(out).toContain("| `items[].name` (required) | text |  |");
    expect(out).toContain("| `router` | one of the `kind` mappings below |  |");
    expect(out).toContain("### `router` with `kind: x`");
    expect(out).toContain("| `router.port` | number |  |");
    expect(() => withReference("no markers", out)).toThrow(START);
  });

  it("keeps every table row to four cell borders, whatever the descriptions hold", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z][a-z-]{0,12}$/), fc.string({ maxLength: 40 }), { maxKeys: 6 }),
        (descriptions) => {
          const properties = Object.fromEntries(
            Object.entries(descriptions).map(([k, d]) => [k, { type: "string", description: d }]),
          );
          const out = renderConfigReference({ properties: { gate: { type: "object", properties } } });
          const rows = out.split("\n").filter((line) => line.startsWith("| `"));
          return (
            rows.length === Object.keys(descriptions).length &&
            rows.every((row) => row.replace(/\\\|/g, "").split("|").length === 5)
          );
        },
      ),
    );
  });

  it("has its generated part between the markers", () => {
    const page = read("docs/configuration.md");
    expect(page.indexOf(START)).toBeGreaterThan(0);
    expect(page.indexOf(END)).toBeGreaterThan(page.indexOf(START));
  });
});

describe("docs/threshold-language.md", () => {
  const page = read("docs/threshold-language.md");
  const blocks = fenced(page, "text");
  const functions = [...new Set([...DEFAULT_FUNCTIONS, ...CANARY_FUNCTIONS])];

  it("has examples that all parse", () => {
    const examples = blocks
      .filter((b) => !b.includes(":=") && !b.startsWith("invalid threshold"))
      .flatMap((b) => b.split("\n"))
      .filter((line) => line.trim() !== "");
    expect(examples.length).toBeGreaterThanOrEqual(25);
    for (const example of examples) {
      expect(() => parseThreshold(expandCountSuffix(example), { functions }), example).not.toThrow();
    }
  });

  it("quotes the parser's error messages word for word", () => {
    const errors = blocks.filter((b) => b.startsWith("invalid threshold"));
    expect(errors.length).toBeGreaterThanOrEqual(4);
    for (const block of errors) {
      const source = /^invalid threshold "(.*)": /.exec(block)?.[1] ?? "";
      let message = "";
      try {
        parseThreshold(source);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(`${message}\n`).toBe(block);
    }
  });

  it("names every unit, comparator and function the language has", () => {
    for (const unit of Object.keys(UNITS)) expect(page, unit).toContain(`\`${unit}\``);
    for (const op of COMPARATORS) expect(page, op).toContain(`\`${op}\``);
    for (const fn of functions) expect(page, fn).toMatch(new RegExp(`\`${fn}\\((m|…)\\)\``));
    for (const metric of Object.keys(BUDGET_METRICS)) expect(page, metric).toContain(`\`${metric}\``);
  });
});

describe("docs/troubleshooting.md", () => {
  const sources = ["packages", "actions"]
    .flatMap((top) =>
      readdirSync(join(ROOT, top)).flatMap((name) => {
        const src = join(ROOT, top, name, "src");
        return existsSync(src)
          ? readdirSync(src, { recursive: true, withFileTypes: true })
              .filter((e) => e.isFile() && e.name.endsWith(".ts"))
              .map((e) => readFileSync(join(e.parentPath, e.name), "utf8"))
          : [];
      }),
    )
    .concat(readdirSync(join(ROOT, "workflows-examples")).map((f) => read(`workflows-examples/${f}`)))
    .join("\n");

  it("quotes only messages the code prints", () => {
    const headings = [...read("docs/troubleshooting.md").matchAll(/^### (`+) ?(.+?) ?\1(?: \/ `(.+)`)?$/gm)];
    expect(headings.length).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const heading of headings) {
      for (const message of [heading[2], heading[3]].filter((m): m is string => m !== undefined)) {
        // `…` stands for what the message fills in; every literal piece must be in the source.
        const pieces = message
          .split("…")
          .map((p) => p.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9)]+$/g, ""))
          .filter((p) => p.length >= 8);
        expect(pieces.length, message).toBeGreaterThan(0);
        for (const piece of pieces)
          if (!sources.includes(piece)) missing.push(`"${piece}" (from: ${message})`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("docs/providers/", () => {
  const kinds = (dir: string) =>
    readdirSync(join(ROOT, "packages/canary/src", dir))
      .map((f) => readFileSync(join(ROOT, "packages/canary/src", dir, f), "utf8"))
      .flatMap((text) => [...text.matchAll(/readonly kind = "([\w-]+)"/g)].map((m) => m[1] ?? ""));

  it("has a page, listed in the index, for every traffic provider and metric source", () => {
    const index = read("docs/providers/README.md");
    const all = [...kinds("traffic"), ...kinds("metrics")];
    expect(all.length).toBeGreaterThanOrEqual(11);
    for (const kind of all) {
      expect(existsSync(join(ROOT, "docs/providers", `${kind}.md`)), kind).toBe(true);
      expect(index, kind).toContain(`(${kind}.md)`);
    }
  });

  it("gives examples that mlgate.yml accepts", () => {
    const examples = markdownFiles("docs/providers").flatMap((file) =>
      fenced(read(file), "yaml")
        .filter((block) => block.includes("canary:"))
        .map((block) => ({ file, block })),
    );
    expect(examples.length).toBeGreaterThanOrEqual(11);
    for (const { file, block } of examples) {
      const result = mlgateConfigSchema.safeParse(parseYaml(block));
      expect(result.success, `${file}: ${result.error?.message}`).toBe(true);
    }
  });
});

describe("links in README.md and docs/", () => {
  it("point at files that exist", () => {
    const broken: string[] = [];
    for (const file of ["README.md", ...markdownFiles("docs")]) {
      const text = read(file).replace(/^```[\s\S]*?^```$/gm, "");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!target || /^(https?:|mailto:|#)/.test(target)) continue;
        const path = resolve(dirname(join(ROOT, file)), target.split("#")[0] ?? "");
        if (!existsSync(path)) broken.push(`${file}: ${target} (${relative(ROOT, path)})`);
      }
    }
    expect(broken).toEqual([]);
  });
});

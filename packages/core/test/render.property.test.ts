import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import {
  commentMarker,
  renderJson,
  renderJUnit,
  renderMarkdown,
  renderSarif,
  renderText,
} from "../src/render/index.js";
import type { Chart, Check, Finding, Metric, Report } from "../src/report.js";

const require = createRequire(import.meta.url);
const schemaFile = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
// Draft-04 schema: drop its `$schema`, read `id` as `$id`; one of its patterns is invalid under the `u` flag.
const { $schema: _draft, id, ...schema } = JSON.parse(readFileSync(schemaFile, "utf8"));
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile({ $id: id, ...schema });

/** Strings that stress every escaper: markup, fences, markers, controls, lone surrogates, line breaks. */
const nasty = fc.constantFrom(
  "|",
  "<",
  ">",
  "&",
  '"',
  "'",
  "`",
  "```",
  "<!--",
  "-->",
  "<!-- mlgate:gate=g key=default -->",
  "]]>",
  "\\",
  "*",
  "_",
  "[",
  "]",
  "#1",
  "@a",
  "%%",
  "$",
  "\n",
  "\r\n",
  "\t",
  "\u0000",
  "\u001b[31m",
  "\u0085",
  "\u2028",
  "\u202e",
  "\ud800",
  "\udfff",
  "\ufffe",
  "\uffff",
  " ",
  "a",
  "é",
  "😀",
  "1.",
  "- ",
);
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: nasty, maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
);
// JSON has no -0, NaN or infinities, and the JSON round trip must be exact.
const num = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
const normalise = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
const position = fc.integer({ min: -3, max: 100_000 });

const finding: fc.Arbitrary<Finding> = fc.record(
  {
    rule: text,
    level: fc.constantFrom("fail", "warn", "info"),
    message: text,
    file: fc.oneof(text, fc.constantFrom("src/a.py", "C:\\repo\\m.pkl", "/abs/x y.txt", "./a/../b", "")),
    line: position,
    column: position,
    endLine: position,
    // jsonValue may hold -0, which JSON itself turns into 0.
    properties: fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }).map(normalise), { maxKeys: 3 }),
  },
  { requiredKeys: ["rule", "level", "message"] },
);

const check: fc.Arbitrary<Check> = fc.record(
  {
    name: text,
    status: fc.constantFrom("pass", "warn", "fail", "skip"),
    actual: text,
    expected: text,
    message: text,
  },
  { requiredKeys: ["name", "status"] },
);

const metric: fc.Arbitrary<Metric> = fc.record(
  {
    value: num,
    dimension: fc.constantFrom("time", "bytes", "ratio", "rate", "count", "none"),
    baseline: num,
    interval: fc.tuple(num, num),
    intervalOf: fc.constantFrom("value", "delta"),
    description: text,
  },
  { requiredKeys: ["value"] },
);

const chart: fc.Arbitrary<Chart> = fc.oneof(
  fc.record(
    {
      kind: fc.constantFrom("bar", "line"),
      title: text,
      x: fc.array(text, { maxLength: 6 }),
      yLabel: text,
      series: fc.array(fc.record({ name: text, values: fc.array(num, { maxLength: 6 }) }), { maxLength: 3 }),
    },
    { requiredKeys: ["kind", "title", "x", "series"] },
  ),
  fc.record({
    kind: fc.constant("pie"),
    title: text,
    slices: fc.array(fc.record({ label: text, value: num }), { maxLength: 5 }),
  }),
);

const report: fc.Arbitrary<Report> = fc.record(
  {
    schemaVersion: fc.constant(1),
    gate: text,
    verdict: fc.constantFrom("pass", "warn", "fail", "error"),
    headline: text,
    findings: fc.array(finding, { maxLength: 15 }),
    checks: fc.array(check, { maxLength: 8 }),
    metrics: fc.dictionary(text, metric, { maxKeys: 8 }),
    links: fc.array(fc.record({ title: text, url: fc.oneof(text, fc.webUrl()) }), { maxLength: 3 }),
    charts: fc.array(chart, { maxLength: 3 }),
    outputs: fc.dictionary(text, text, { maxKeys: 3 }),
    notes: fc.array(text, { maxLength: 3 }),
    details: fc.oneof(text, fc.constant("```\n<!-- mlgate:gate=x key=default -->\n````")),
    startedAt: fc.oneof(
      text,
      fc.date().map((d) => (Number.isNaN(d.getTime()) ? "" : d.toISOString())),
    ),
    durationMs: fc.oneof(fc.nat(), fc.double({ min: 0, max: 1e9, noNaN: true })),
    tool: fc.record({ name: text, version: text }),
  },
  {
    requiredKeys: [
      "schemaVersion",
      "gate",
      "verdict",
      "headline",
      "findings",
      "checks",
      "metrics",
      "links",
      "tool",
    ],
  },
) as fc.Arbitrary<Report>;

/** Walk fenced code blocks as GitHub does: a fence closes only with a bare fence of its own length or longer. */
function walkFences(lines: string[]): { outside: string[]; open: string } {
  const outside: string[] = [];
  let open = "";
  for (const line of lines) {
    const fence = /^(`{3,})/.exec(line)?.[1];
    if (open) {
      if (fence && fence.length >= open.length && line.trim() === fence) open = "";
    } else if (fence) open = fence;
    else outside.push(line);
  }
  return { outside, open };
}

const outsideFences = (lines: string[]) => walkFences(lines).outside;
const unclosedFence = (lines: string[]) => walkFences(lines).open;

interface Suite {
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  testcase: Record<string, unknown>[];
}

const RUNS = { numRuns: 300 };
const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  isArray: (name) => ["testsuite", "testcase"].includes(name),
});

describe("renderers on arbitrary reports", () => {
  it("always produce schema-valid SARIF", () => {
    fc.assert(
      fc.property(fc.array(report, { minLength: 1, maxLength: 3 }), (reports) => {
        const doc = JSON.parse(renderSarif(reports));
        const ok = validateSarif(doc);
        if (!ok) console.error(JSON.stringify(validateSarif.errors, null, 2));
        expect(ok).toBe(true);
        expect(doc.runs).toHaveLength(reports.length);
        for (const run of doc.runs) {
          for (const r of run.results)
            expect(r.locations[0].physicalLocation.artifactLocation.uri).not.toBe("");
        }
      }),
      RUNS,
    );
  });

  it("always produce well-formed JUnit XML whose counts add up", () => {
    fc.assert(
      fc.property(fc.array(report, { minLength: 1, maxLength: 3 }), (reports) => {
        const out = renderJUnit(reports);
        const valid = XMLValidator.validate(out);
        if (valid !== true) console.error(valid.err, out);
        expect(valid).toBe(true);
        const suites = xml.parse(out).testsuites.testsuite as Suite[];
        expect(suites).toHaveLength(reports.length);
        for (const s of suites) {
          const cases = s.testcase;
          expect(Number(s.tests)).toBe(cases.length);
          expect(Number(s.failures)).toBe(cases.filter((c) => c.failure !== undefined).length);
          expect(Number(s.errors)).toBe(cases.filter((c) => c.error !== undefined).length);
          expect(Number(s.skipped)).toBe(cases.filter((c) => c.skipped !== undefined).length);
        }
      }),
      RUNS,
    );
  });

  it("always fit markdown in maxLength, with the marker exactly once and intact structure", () => {
    fc.assert(
      fc.property(report, text, fc.integer({ min: 1_500, max: 70_000 }), (r, key, maxLength) => {
        const marker = commentMarker(r.gate, key);
        const md = renderMarkdown(r, { marker, maxLength, runUrl: "https://github.com/o/r/actions/runs/1" });
        expect(md.length).toBeLessThanOrEqual(maxLength);
        expect(md.startsWith(`${marker}\n`)).toBe(true);
        expect(occurrences(md, marker)).toBe(1);
        expect(occurrences(md, "<!--")).toBe(1);
        const lines = md.split("\n");
        // Fences pair up, and user text never opens a line with a fence or heading of its own.
        expect(unclosedFence(lines)).toBe("");
        expect(outsideFences(lines).filter((l) => l.startsWith("#"))).toHaveLength(1);
        // Table rows keep their cell count; user text inside a fence is not a table row.
        for (const l of outsideFences(lines).filter((line) => line.startsWith("| "))) {
          const cells = l.replace(/\\\\/g, "").split(/(?<!\\)\|/).length - 2;
          expect([4, 5]).toContain(cells);
        }
      }),
      RUNS,
    );
  });

  it("always round-trip through JSON", () => {
    fc.assert(
      fc.property(report, (r) => {
        expect(JSON.parse(renderJson(r))).toEqual(r);
      }),
      RUNS,
    );
  });

  it("never let report text write control characters to the terminal", () => {
    fc.assert(
      fc.property(report, (r) => {
        expect(renderText(r)).not.toMatch(
          /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
        );
      }),
      RUNS,
    );
  });
});

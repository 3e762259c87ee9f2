import { describe, expect, it } from "vitest";
import { errorReport, GateError } from "../src/errors.js";
import {
  commentMarker,
  escapeMarkdown,
  OUTPUT_FORMATS,
  render,
  renderJson,
  renderJUnit,
  renderMarkdown,
  renderMermaid,
  renderSarif,
  renderText,
} from "../src/render/index.js";
import { type Finding, makeReport, type Report } from "../src/report.js";

const passing = makeReport({
  gate: "eval-gate",
  verdict: "pass",
  headline: "All 2 checks passed",
  checks: [
    { name: "accuracy >= 0.9", status: "pass", actual: "93%", expected: ">= 90%" },
    { name: "p95 < 250ms", status: "pass", actual: "231.4ms", expected: "< 250ms" },
  ],
  metrics: { accuracy: { value: 0.93, dimension: "ratio" } },
  durationMs: 1500,
});

const warning = makeReport({
  gate: "eval-gate",
  verdict: "warn",
  headline: "f1 regressed slightly",
  checks: [{ name: "delta(f1) >= -0.005", status: "warn", actual: "-0.004", expected: ">= -0.005" }],
});

const failing: Report = makeReport({
  gate: "eval-gate",
  verdict: "fail",
  headline: "1 of 3 checks failed: accuracy 88% < 90%",
  checks: [
    { name: "accuracy >= 0.9", status: "fail", actual: "88%", expected: ">= 90%", message: "below the bar" },
    { name: "p95 < 250ms", status: "pass", actual: "231.4ms", expected: "< 250ms" },
    { name: "cost <= 1", status: "skip", message: "no cost metric" },
  ],
  metrics: {
    accuracy: { value: 0.88, dimension: "ratio", baseline: 0.91, interval: [0.86, 0.9] },
    latency_p95: {
      value: 231.4,
      dimension: "time",
      baseline: 220,
      interval: [-3, 20],
      intervalOf: "delta",
      description: "95th percentile latency",
    },
  },
  findings: [
    { rule: "note", level: "info", message: "baseline is 3 days old" },
    {
      rule: "threshold",
      level: "fail",
      message: "accuracy below 90%",
      file: "mlgate.yml",
      line: 4,
      column: 5,
    },
    { rule: "drift", level: "warn", message: "input drift on feature age", file: "data/train.csv" },
  ],
  charts: [
    {
      kind: "bar",
      title: "Accuracy by slice",
      x: ["en", "de", "fr"],
      yLabel: "accuracy",
      series: [
        { name: "candidate", values: [0.9, 0.8, 0.85] },
        { name: "baseline", values: [0.91, 0.82, 0.8] },
      ],
    },
    {
      kind: "pie",
      title: "Errors by class",
      slices: [
        { label: "cat", value: 3 },
        { label: "dog", value: 5 },
      ],
    },
  ],
  notes: ["Reproduce locally: npx mlgate eval-gate --candidate metrics.json"],
  links: [{ title: "MLflow run", url: "https://mlflow.example.com/runs/42" }],
  durationMs: 2345,
});

const errored = errorReport(
  "eval-gate",
  new GateError("candidate metrics file not found", {
    hint: "check the `candidate` input",
    location: { file: "mlgate.yml", line: 3 },
  }),
);

const examples = { pass: passing, warn: warning, fail: failing, error: errored } as const;

const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;
/** Cells of a markdown table row, splitting only on unescaped pipes. */
const cells = (row: string) =>
  row
    .replace(/\\\\/g, "")
    .split(/(?<!\\)\|/)
    .slice(1, -1);
const lines = (s: string) => s.split("\n");

function findings(n: number, level: Finding["level"] = "fail", message = "something is off"): Finding[] {
  return Array.from({ length: n }, (_, i) => ({ rule: `rule-${i}`, level, message: `${message} #${i}` }));
}

/** Every table row has as many cells as its header, and fences open and close in pairs. */
function expectWellFormed(md: string) {
  let width = 0;
  for (const line of lines(md)) {
    if (!line.startsWith("|")) {
      width = 0;
      continue;
    }
    if (width === 0) width = cells(line).length;
    else expect(cells(line), line).toHaveLength(width);
  }
  expect(lines(md).filter((l) => l.startsWith("```")).length % 2).toBe(0);
}

describe("renderMarkdown", () => {
  it.each([
    ["pass", "### ✅ eval-gate: pass"],
    ["warn", "### ⚠️ eval-gate: warn"],
    ["fail", "### ❌ eval-gate: fail"],
    ["error", "### 🛑 eval-gate: error"],
  ] as const)("heads a %s report with its emoji and verdict", (verdict, heading) => {
    const md = renderMarkdown(examples[verdict]);
    expect(lines(md)[0]).toBe(heading);
    expect(md).toContain(`**${escapeMarkdown(examples[verdict].headline)}**`);
    expectWellFormed(md);
  });

  it("puts the marker on the first line, once", () => {
    const marker = commentMarker("eval-gate", "nightly");
    const md = renderMarkdown(failing, { marker });
    expect(lines(md)[0]).toBe(marker);
    expect(occurrences(md, marker)).toBe(1);
    expect(lines(md)[2]).toBe("### ❌ eval-gate: fail");
  });

  it("uses the heading option instead of the gate name", () => {
    expect(lines(renderMarkdown(passing, { heading: "Model quality" }))[0]).toBe(
      "### ✅ Model quality: pass",
    );
  });

  it("draws the checks table with one row per check", () => {
    const md = renderMarkdown(failing);
    const table = lines(md).filter((l) => l.startsWith("| "));
    expect(table).toContain("| Check | Actual | Expected | Result |");
    expect(table).toContain("| accuracy &gt;= 0.9 | 88% | &gt;= 90% | ❌ fail — below the bar |");
    expect(table).toContain("| p95 &lt; 250ms | 231.4ms | &lt; 250ms | ✅ pass |");
    expect(table).toContain("| cost &lt;= 1 | — | — | ⏭️ skip — no cost metric |");
  });

  it("formats metrics with their dimension, baseline, delta and interval", () => {
    const md = renderMarkdown(failing);
    expect(md).toContain("| Metric | Value | Baseline | Delta | Interval |");
    expect(md).toContain("| accuracy | 88% | 91% | -3% | \\[86%, 90%\\] |");
    expect(md).toContain(
      "| latency\\_p95<br><sub>95th percentile latency</sub> | 231.4ms | 220ms | +11.4ms (+5.18%) | Δ \\[-3ms, +20ms\\] |",
    );
  });

  it("leaves out tables that would be empty", () => {
    const md = renderMarkdown(makeReport({ gate: "g", verdict: "pass", headline: "nothing to check" }));
    expect(md).not.toContain("| Check |");
    expect(md).not.toContain("| Metric |");
    expect(md).not.toContain("Findings");
  });

  it("groups findings by level, failures first, with their locations", () => {
    const md = renderMarkdown(failing);
    const fail = md.indexOf("**❌ Failures (1)**");
    const warn = md.indexOf("**⚠️ Warnings (1)**");
    const info = md.indexOf("**ℹ️ Notices (1)**");
    expect(fail).toBeGreaterThan(0);
    expect(warn).toBeGreaterThan(fail);
    expect(info).toBeGreaterThan(warn);
    expect(md).toContain("- **threshold** accuracy below 90% (mlgate.yml:4:5)");
    expect(md).toContain("- **drift** input drift on feature age (data/train.csv)");
    expect(md).not.toContain("<details>");
  });

  it("collapses long finding lists and caps them with 'and N more'", () => {
    const report = makeReport({ gate: "g", verdict: "fail", headline: "h", findings: findings(80) });
    const md = renderMarkdown(report);
    expect(md).toContain("<details>\n<summary>Findings: 80 failures</summary>\n\n");
    expect(md).toContain("- _…and 30 more_");
    expect(md).toContain("rule-49");
    expect(md).not.toContain("rule-50");
    expect(md.indexOf("</details>")).toBeGreaterThan(md.indexOf("rule-49"));
  });

  it("draws charts as Mermaid blocks with a legend for several series", () => {
    const md = renderMarkdown(failing);
    expect(md).toContain("Series, in drawing order: candidate · baseline");
    expect(md).toContain(renderMermaid(failing.charts![0]!));
    expect(md).toContain(renderMermaid(failing.charts![1]!));
  });

  it("ends with notes, links and a footer naming the tool, duration and run", () => {
    const md = renderMarkdown(failing, { runUrl: "https://github.com/o/r/actions/runs/7" });
    expect(md).toContain("Reproduce locally: npx mlgate eval-gate --candidate metrics.json");
    expect(md).toContain("🔗 [MLflow run](<https://mlflow.example.com/runs/42>)");
    expect(lines(md.trimEnd()).at(-1)).toBe(
      "<sub>mlgate 0.1.0 · took 2345ms · [run](<https://github.com/o/r/actions/runs/7>)</sub>",
    );
  });

  it("shows the error report's hint and location", () => {
    const md = renderMarkdown(errored);
    expect(md).toContain(
      "**mlgate.yml:3: candidate metrics file not found — check the \\`candidate\\` input**",
    );
    expect(md).toContain("- **input** candidate metrics file not found (mlgate.yml:3)");
  });

  it("only links http(s) URLs", () => {
    const report = makeReport({
      gate: "g",
      verdict: "pass",
      headline: "h",
      links: [
        { title: "evil", url: "javascript:alert(1)" },
        { title: "odd", url: "https://example.com/a b)<x>" },
      ],
    });
    const md = renderMarkdown(report);
    expect(md).not.toContain("javascript:");
    expect(md).toContain("🔗 evil · [odd](<https://example.com/a%20b%29%3Cx%3E>)");
  });

  describe("escaping", () => {
    const marker = commentMarker("eval-gate");
    const hostile = "a|b<script>-->";
    const report = makeReport({
      gate: "eval-gate",
      verdict: "fail",
      headline: `bad ${marker} headline\n### not a heading`,
      checks: [{ name: hostile, status: "fail", actual: "1 | 2", expected: "`x`\n| y |", message: marker }],
      metrics: {
        [hostile]: { value: 1 },
        [marker]: { value: 2, description: "<img src=x onerror=alert(1)>" },
      },
      findings: [
        {
          rule: hostile,
          level: "fail",
          message: "1. looks like a list\n- and another",
          file: "a|b.py",
          line: 2,
        },
        { rule: "r", level: "warn", message: "hi @octocat, see #12 and @org/team" },
      ],
      charts: [
        {
          kind: "bar",
          title: 'x" ]\n```\n<!-- evil -->',
          x: ['a"b', "```", "c\nd", hostile],
          series: [{ name: hostile, values: [1, 2, 3, 4] }],
        },
        { kind: "pie", title: "t; #x %% y", slices: [{ label: '"q"', value: 1 }] },
      ],
      notes: ["# not a heading", "- not a list", marker],
      links: [{ title: "](javascript:x)", url: "https://example.com" }],
    });
    const md = renderMarkdown(report, { marker });

    it("keeps every table row to its columns", () => {
      expectWellFormed(md);
      const table = lines(md).filter((l) => l.startsWith("| "));
      expect(table).toContain("| a\\|b&lt;script&gt;--&gt; | 1 | — | — | — |");
      expect(table).toContain(
        "| a\\|b&lt;script&gt;--&gt; | 1 \\| 2 | \\`x\\` \\| y \\| | ❌ fail — &lt;!-- mlgate:gate=eval-gate key=default --&gt; |",
      );
    });

    it("cannot inject HTML or forge or close the marker", () => {
      expect(occurrences(md, marker)).toBe(1);
      expect(occurrences(md, "<!--")).toBe(1);
      // Mermaid's own axis range arrow (`0 --> 4`) is the only other one, inside the code block.
      expect(occurrences(md, "-->")).toBe(2);
      expect(occurrences(md, " 0 --> 4\n")).toBe(1);
      expect(md).not.toMatch(/<script|<img/);
    });

    it("cannot start headings or lists from user text", () => {
      expect(lines(md).filter((l) => l.startsWith("#"))).toEqual(["### ❌ eval-gate: fail"]);
      expect(md).toContain("\n\\# not a heading\n");
      expect(md).toContain("\n\\- not a list\n");
      expect(md).toContain(
        "- **a\\|b&lt;script&gt;--&gt;** 1\\. looks like a list - and another (a\\|b.py:2)",
      );
    });

    it("neutralises mentions and issue references", () => {
      expect(md).toContain("hi @&#8203;octocat, see #&#8203;12 and @&#8203;org/team");
    });

    it("keeps Mermaid labels inside their quotes and the fence closed", () => {
      const start = md.indexOf("```mermaid");
      const block = md.slice(start, md.indexOf("\n```\n", start + 3) + 4);
      expect(lines(block)).toEqual([
        "```mermaid",
        "xychart-beta",
        `  title "x' ] ''' ‹!-- evil --›"`,
        `  x-axis ["a'b", "'''", "c d", "a|b‹script›--›"]`,
        '  y-axis "value" 0 --> 4',
        "  bar [1, 2, 3, 4]",
        "```",
      ]);
      expect(md).toContain("```mermaid\npie title t x % % y\n  \"'q'\" : 1\n```");
    });
  });

  describe("maxLength", () => {
    const big = makeReport({
      gate: "eval-gate",
      verdict: "fail",
      headline: "many problems",
      checks: Array.from({ length: 300 }, (_, i) => ({
        name: `metric_${i} >= 0.5`,
        status: "fail" as const,
        actual: "0.4",
        expected: ">= 0.5",
      })),
      metrics: Object.fromEntries(
        Array.from({ length: 300 }, (_, i) => [`metric_${i}`, { value: 0.4, baseline: 0.6 }]),
      ),
      findings: findings(2000, "fail", "x".repeat(900)),
      charts: failing.charts,
      notes: ["see the docs"],
    });
    const marker = commentMarker("eval-gate");

    it("defaults to GitHub's comment limit", () => {
      const md = renderMarkdown(big, { marker });
      expect(md.length).toBeLessThanOrEqual(65_000);
      expect(md.length).toBeGreaterThan(50_000);
    });

    it.each([65_000, 20_000, 8_000, 3_000, 1_000, 600])(
      "fits in %i characters and says what it left out",
      (max) => {
        const md = renderMarkdown(big, {
          marker,
          maxLength: max,
          runUrl: "https://github.com/o/r/actions/runs/1",
        });
        expect(md.length).toBeLessThanOrEqual(max);
        expect(occurrences(md, marker)).toBe(1);
        expect(md).toContain("### ❌ eval-gate: fail");
        expect(md).toMatch(/_✂️ Shortened to fit GitHub's size limit: .* left out\. See \[the workflow run\]/);
        expectWellFormed(md);
      },
    );

    it("drops findings before table rows", () => {
      const md = renderMarkdown(big, { maxLength: 40_000 });
      expect(md).toContain("| metric\\_299 | 0.4 | 0.6 |");
      expect(md).toContain("| metric\\_299 &gt;= 0.5 |");
      expect(md).toMatch(/Shortened to fit GitHub's size limit: \d+ findings left out/);
    });

    it("then drops charts and metric rows, keeping whole rows", () => {
      const md = renderMarkdown(big, { maxLength: 20_000 });
      expect(md).not.toContain("```mermaid");
      expect(md).toContain("| metric\\_299 &gt;= 0.5 |");
      expect(md).not.toContain("| metric\\_299 | 0.4 |");
      expect(md).toMatch(/50 findings, 2 charts, \d+ metric rows left out/);
      expect(md).toContain("- _…and 2000 more_");
    });

    it("leaves short reports alone", () => {
      const md = renderMarkdown(failing, { maxLength: 65_000 });
      expect(md).not.toContain("Shortened");
      expect(md).toBe(renderMarkdown(failing));
    });

    it("refuses a limit that cannot hold even the marker and heading", () => {
      expect(() => renderMarkdown(big, { marker, maxLength: 60 })).toThrow(RangeError);
    });
  });
});

describe("renderMermaid", () => {
  it("draws bar charts from zero and line charts on their own range", () => {
    const bar = renderMermaid({
      kind: "bar",
      title: "Latency",
      x: ["a", "b"],
      series: [{ name: "p95", values: [5, 7] }],
    });
    expect(bar).toBe(
      '```mermaid\nxychart-beta\n  title "Latency"\n  x-axis ["a", "b"]\n  y-axis "value" 0 --> 7\n  bar [5, 7]\n```',
    );
    const line = renderMermaid({
      kind: "line",
      title: "Loss",
      x: ["1", "2", "3"],
      yLabel: "loss",
      series: [{ name: "train", values: [0.5, 0.25, 0.125] }],
    });
    expect(line).toContain('  y-axis "loss"\n  line [0.5, 0.25, 0.125]');
  });

  it("writes numbers Mermaid can parse", () => {
    const chart = renderMermaid({
      kind: "bar",
      title: "t",
      x: ["a", "b", "c", "d"],
      series: [{ name: "s", values: [1e-9, 2.5e21, Number.NaN, Number.POSITIVE_INFINITY] }],
    });
    expect(chart).toContain("bar [0.000000001, 2500000000000000000000, 0, 0]");
    expect(chart).not.toMatch(/e[+-]?\d|NaN|Infinity/);
  });

  it("keeps only positive pie slices", () => {
    const pie = renderMermaid({
      kind: "pie",
      title: "Share",
      slices: [
        { label: "a", value: 2 },
        { label: "b", value: 0 },
        { label: "c", value: -1 },
        { label: "d", value: Number.NaN },
      ],
    });
    expect(pie).toBe('```mermaid\npie title Share\n  "a" : 2\n```');
  });

  it("labels the x axis when the chart gives no categories", () => {
    const chart = renderMermaid({ kind: "bar", title: "t", x: [], series: [{ name: "s", values: [1, 2] }] });
    expect(chart).toContain('x-axis ["1", "2"]');
  });
});

describe("renderText", () => {
  it("starts with the verdict and marks each check", () => {
    const text = renderText(failing);
    const [first, , ...rest] = lines(text);
    expect(first).toBe("✗ eval-gate: FAIL — 1 of 3 checks failed: accuracy 88% < 90%");
    expect(rest[0]).toMatch(/^ {2}✗ accuracy >= 0\.9 +88% — below the bar$/);
    expect(rest[1]).toMatch(/^ {2}✓ p95 < 250ms +231\.4ms$/);
    expect(rest[2]).toMatch(/^ {2}- cost <= 1 +— no cost metric$/);
    expect(lines(renderText(warning))[2]).toMatch(/^ {2}! delta\(f1\)/);
    expect(lines(renderText(passing))[0]).toBe("✓ eval-gate: PASS — All 2 checks passed");
  });

  it("lists findings failures first, then metrics and the footer", () => {
    const text = renderText(failing);
    expect(text).toContain(
      "Findings: 1 failure, 1 warning, 1 notice\n  ✗ threshold: accuracy below 90%  mlgate.yml:4:5\n",
    );
    expect(text.indexOf("! drift")).toBeLessThan(text.indexOf("i note"));
    expect(text).toContain("  accuracy     88%      (baseline 91%, delta -3%, interval [86%, 90%])");
    expect(text).toContain("note: Reproduce locally");
    expect(lines(text.trimEnd()).at(-1)).toBe("mlgate 0.1.0 · 2345ms");
  });

  it("shows only the top findings", () => {
    const text = renderText(
      makeReport({ gate: "g", verdict: "fail", headline: "h", findings: findings(12) }),
    );
    expect(text).toContain("rule-4");
    expect(text).not.toContain("rule-5");
    expect(text).toContain("…and 7 more");
  });

  it("colours only on request", () => {
    expect(renderText(failing)).not.toContain("\u001b[");
    const coloured = renderText(failing, { color: true });
    expect(coloured).toContain("\u001b[31m✗\u001b[0m");
    expect(coloured).toContain("\u001b[32m✓\u001b[0m");
  });

  it("strips terminal escapes and line breaks from report text", () => {
    const report = makeReport({
      gate: "g",
      verdict: "pass",
      headline: "ok\u001b[2J\u001b]0;pwned\u0007\nsecond line",
    });
    const text = renderText(report, { color: true });
    expect(text).not.toContain("\u001b[2J");
    expect(text).not.toContain("\u0007");
    expect(lines(text)[0]).toContain("ok[2J]0;pwned second line");
  });
});

describe("renderJson", () => {
  it("is the report as pretty JSON with a trailing newline", () => {
    for (const report of Object.values(examples)) {
      const json = renderJson(report);
      expect(json).toBe(`${JSON.stringify(report, null, 2)}\n`);
      expect(JSON.parse(json)).toEqual(report);
    }
  });
});

describe("render", () => {
  it("knows every output format", () => {
    expect(OUTPUT_FORMATS).toEqual(["text", "json", "markdown", "sarif", "junit"]);
  });

  it("dispatches to each renderer with its defaults", () => {
    expect(render(failing, "text")).toBe(renderText(failing));
    expect(render(failing, "json")).toBe(renderJson(failing));
    expect(render(failing, "markdown")).toBe(renderMarkdown(failing));
    expect(render(failing, "sarif")).toBe(renderSarif(failing));
    expect(render(failing, "junit")).toBe(renderJUnit(failing));
  });

  it("rejects an unknown format", () => {
    expect(() => render(failing, "html" as never)).toThrow(/unknown output format/);
  });
});

describe("commentMarker", () => {
  it("is a hidden HTML comment naming gate and key", () => {
    expect(commentMarker("eval-gate")).toBe("<!-- mlgate:gate=eval-gate key=default -->");
    expect(commentMarker("eval-gate", "nightly")).toBe("<!-- mlgate:gate=eval-gate key=nightly -->");
  });

  it("encodes anything that could end the comment or blur gate and key", () => {
    const marker = commentMarker("a --> b", "x key=y");
    expect(marker).toBe("<!-- mlgate:gate=a%20--%3E%20b key=x%20key%3Dy -->");
    expect(occurrences(marker, "-->")).toBe(1);
    expect(commentMarker("a", "b c")).not.toBe(commentMarker("a b", "c"));
  });
});

describe("escapeMarkdown", () => {
  it.each([
    ["a|b", "a\\|b"],
    ["<b>x</b> & y", "&lt;b&gt;x&lt;/b&gt; &amp; y"],
    [
      "*bold* _it_ `code` [l](u) ~s~ $x$ \\",
      "\\*bold\\* \\_it\\_ \\`code\\` \\[l\\](u) \\~s\\~ \\$x\\$ \\\\",
    ],
    ["line\r\n  two\nthree", "line two three"],
    ["<!-- x -->", "&lt;!-- x --&gt;"],
    ["bell\u0007 esc\u001b rtl\u202e", "bell esc rtl"],
    ["ping @user about #5", "ping @&#8203;user about #&#8203;5"],
    ["lone \ud800 surrogate", "lone \ufffd surrogate"],
  ])("escapes %j", (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });
});

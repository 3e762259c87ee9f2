import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { errorReport, GateError } from "../src/errors.js";
import { renderJUnit } from "../src/render/index.js";
import { makeReport, type Report } from "../src/report.js";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  isArray: (name) => ["testsuite", "testcase", "property"].includes(name),
});

interface Outcome {
  message?: string;
  type?: string;
  "#text"?: string;
}
interface TestCase {
  name: string;
  classname: string;
  file?: string;
  line?: string;
  failure?: Outcome;
  error?: Outcome;
  skipped?: Outcome | "";
  "system-out"?: string;
}
interface Suite {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  time: string;
  timestamp?: string;
  properties: { property: { name: string; value: string }[] };
  testcase: TestCase[];
}

function parse(xml: string): { testsuite: Suite[] } & Record<string, string> {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) console.error(valid.err);
  expect(valid).toBe(true);
  return parser.parse(xml).testsuites;
}

const failing: Report = makeReport({
  gate: "eval-gate",
  verdict: "fail",
  headline: "1 of 4 checks failed",
  checks: [
    { name: "accuracy >= 0.9", status: "fail", actual: "88%", expected: ">= 90%", message: "below the bar" },
    { name: "f1 >= 0.8", status: "warn", actual: "0.79", expected: ">= 0.8" },
    { name: "p95 < 250ms", status: "pass", actual: "231ms", expected: "< 250ms" },
    { name: "cost <= 1", status: "skip", message: "no cost metric" },
  ],
  findings: [
    { rule: "threshold", level: "fail", message: "accuracy below 90%", file: "mlgate.yml", line: 4 },
    { rule: "drift", level: "warn", message: "only a warning" },
    { rule: "note", level: "info", message: "just so you know" },
  ],
  startedAt: "2025-03-01T12:00:00Z",
  durationMs: 1500,
});
const passing = makeReport({
  gate: "pickle-scan",
  verdict: "pass",
  headline: "no dangerous globals",
  durationMs: 250,
});
const errored = errorReport("eval-gate", new GateError("metrics file not found"));

describe("renderJUnit", () => {
  it("writes one suite per report with correct counts and times", () => {
    const doc = parse(renderJUnit([failing, passing, errored]));
    expect(doc).toMatchObject({
      name: "mlgate",
      tests: "8",
      failures: "3",
      errors: "1",
      skipped: "1",
      time: "1.750",
    });
    expect(doc.testsuite.map((s) => [s.name, s.tests, s.failures, s.errors, s.skipped, s.time])).toEqual([
      ["mlgate.eval-gate", "5", "2", "0", "1", "1.500"],
      ["mlgate.pickle-scan", "1", "0", "0", "0", "0.250"],
      ["mlgate.eval-gate", "2", "1", "1", "0", "0.000"],
    ]);
    expect(doc.testsuite[0]!.timestamp).toBe("2025-03-01T12:00:00");
  });

  it("makes each check a test case: failure, skipped, or a pass that notes a warning", () => {
    const suite = parse(renderJUnit(failing)).testsuite[0]!;
    const byName = Object.fromEntries(suite.testcase.map((c) => [c.name, c]));
    expect(byName["accuracy >= 0.9"]!.failure).toMatchObject({ message: "below the bar", type: "check" });
    expect(byName["accuracy >= 0.9"]!.failure!["#text"]).toBe("actual: 88%\nexpected: >= 90%\nbelow the bar");
    expect(byName["f1 >= 0.8"]!.failure).toBeUndefined();
    expect(byName["f1 >= 0.8"]!["system-out"]).toBe("warning: actual: 0.79, expected: >= 0.8");
    expect(byName["p95 < 250ms"]!.failure).toBeUndefined();
    expect(byName["cost <= 1"]!.skipped).toEqual({ message: "no cost metric" });
    for (const c of suite.testcase) expect(c.classname).toMatch(/^mlgate\.eval-gate/);
  });

  it("makes each failing finding a failed test case pointing at its file", () => {
    const suite = parse(renderJUnit(failing)).testsuite[0]!;
    const finding = suite.testcase.find((c) => c.classname === "mlgate.eval-gate.findings");
    expect(finding).toMatchObject({ name: "threshold at mlgate.yml:4", file: "mlgate.yml", line: "4" });
    expect(finding!.failure).toMatchObject({ message: "accuracy below 90%", type: "threshold" });
    expect(suite.testcase.filter((c) => c.classname === "mlgate.eval-gate.findings")).toHaveLength(1);
  });

  it("gives an error verdict an error test case carrying the headline", () => {
    const suite = parse(renderJUnit(errored)).testsuite[0]!;
    const verdict = suite.testcase.find((c) => c.name === "verdict");
    expect(verdict!.error).toMatchObject({ message: "metrics file not found", type: "error" });
    expect(suite.properties.property).toContainEqual({ name: "verdict", value: "error" });
  });

  it("never leaves a suite empty, nor a failed gate without a failure", () => {
    const [pass] = parse(renderJUnit(passing)).testsuite;
    expect(pass!.testcase).toHaveLength(1);
    expect(pass!.testcase[0]!["system-out"]).toBe("no dangerous globals");

    const bare = makeReport({ gate: "g", verdict: "fail", headline: "failed without evidence" });
    const [suite] = parse(renderJUnit(bare)).testsuite;
    expect(suite!.failures).toBe("1");
    expect(suite!.testcase[0]!.failure!.message).toBe("failed without evidence");
  });

  it("escapes markup and strips characters XML 1.0 cannot hold", () => {
    const hostile = makeReport({
      gate: 'g"<&>',
      verdict: "fail",
      headline: "a\u0000b\u001bc\ufffed ]]> </testsuite> \ud800 'q'",
      checks: [{ name: "x < 1 & y > 2\nnext line", status: "fail", message: '"quoted" <b>' }],
    });
    const xml = renderJUnit(hostile);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe]/);
    expect(xml).not.toContain("]]>");
    expect(xml).toContain('<testsuite name="mlgate.g&quot;&lt;&amp;&gt;"');
    expect(xml).toContain('<testcase name="x &lt; 1 &amp; y &gt; 2&#10;next line"');
    parse(xml);
    // Decoded, every string comes back as written, minus what XML cannot carry.
    const decoded = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", htmlEntities: true });
    const suite = decoded.parse(xml).testsuites.testsuite;
    expect(suite.name).toBe('mlgate.g"<&>');
    expect(suite.testcase.name).toBe("x < 1 & y > 2\nnext line");
    expect(suite.testcase.failure.message).toBe('"quoted" <b>');
    expect(suite["system-out"]).toBe("abcd ]]> </testsuite> \ufffd 'q'");
  });
});

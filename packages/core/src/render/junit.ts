import type { Check, Finding, Report } from "../report.js";
import { findingLocation, isoTime, isPosition, seconds } from "./shared.js";
import { attrs, escapeXml } from "./xml.js";

type Outcome = "passed" | "failure" | "error" | "skipped";

interface TestCase {
  outcome: Outcome;
  xml: string;
}

/** JUnit XML: one `<testsuite name="mlgate.<gate>">` per report, one test case per check and failing finding. */
export function renderJUnit(reports: Report | readonly Report[]): string {
  const list: readonly Report[] = Array.isArray(reports) ? reports : [reports as Report];
  const suites = list.map(testSuite);
  const total = (key: keyof Counts) => suites.reduce((sum, s) => sum + s.counts[key], 0);
  const time = list.reduce((sum, r) => sum + Number(seconds(r.durationMs)), 0);
  const open = `<testsuites${attrs({
    name: "mlgate",
    tests: total("tests"),
    failures: total("failures"),
    errors: total("errors"),
    skipped: total("skipped"),
    time: time.toFixed(3),
  })}>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    open,
    ...suites.map((s) => s.xml),
    "</testsuites>",
    "",
  ].join("\n");
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function testSuite(report: Report): { xml: string; counts: Counts } {
  const suite = `mlgate.${report.gate}`;
  const cases: TestCase[] = [
    ...(report.checks ?? []).map((c) => checkCase(c, `${suite}.checks`)),
    ...(report.findings ?? [])
      .filter((f) => f.level === "fail")
      .map((f) => findingCase(f, `${suite}.findings`)),
  ];
  const verdict = verdictCase(report, suite, cases);
  if (verdict) cases.push(verdict);

  const count = (o: Outcome) => cases.filter((c) => c.outcome === o).length;
  const counts: Counts = {
    tests: cases.length,
    failures: count("failure"),
    errors: count("error"),
    skipped: count("skipped"),
  };
  const timestamp = isoTime(report.startedAt)?.slice(0, 19);
  const properties = [
    ["verdict", report.verdict],
    ["headline", report.headline],
    ["tool", `${report.tool?.name ?? "mlgate"} ${report.tool?.version ?? ""}`.trim()],
  ]
    .map(([name, value]) => `      <property${attrs({ name, value })}/>`)
    .join("\n");
  const xml = [
    `  <testsuite${attrs({ name: suite, ...counts, time: seconds(report.durationMs), timestamp })}>`,
    "    <properties>",
    properties,
    "    </properties>",
    ...cases.map((c) => c.xml),
    `    <system-out>${escapeXml([report.headline, ...(report.notes ?? [])].join("\n"))}</system-out>`,
    "  </testsuite>",
  ].join("\n");
  return { xml, counts };
}

function testCase(
  head: Record<string, string | number | undefined>,
  outcome: Outcome,
  body: string[],
): TestCase {
  const open = `    <testcase${attrs({ ...head, time: "0.000" })}`;
  if (body.length === 0) return { outcome, xml: `${open}/>` };
  return { outcome, xml: [`${open}>`, ...body.map((b) => `      ${b}`), "    </testcase>"].join("\n") };
}

function checkCase(c: Check, classname: string): TestCase {
  const head = { name: c.name || "(unnamed check)", classname };
  const facts = [c.actual ? `actual: ${c.actual}` : "", c.expected ? `expected: ${c.expected}` : ""].filter(
    Boolean,
  );
  const detail = [...facts, ...(c.message ? [c.message] : [])].join("\n");
  const summary = c.message || facts.join(", ") || c.status;
  switch (c.status) {
    case "fail":
      return testCase(head, "failure", [
        `<failure${attrs({ message: summary, type: "check" })}>${escapeXml(detail)}</failure>`,
      ]);
    case "skip":
      return testCase(head, "skipped", [`<skipped${attrs({ message: c.message })}/>`]);
    case "warn":
      // JUnit has no warning outcome: the case passes and carries the warning as output.
      return testCase(head, "passed", [`<system-out>${escapeXml(`warning: ${summary}`)}</system-out>`]);
    default:
      return testCase(
        head,
        "passed",
        facts.length ? [`<system-out>${escapeXml(facts.join("\n"))}</system-out>`] : [],
      );
  }
}

function findingCase(f: Finding, classname: string): TestCase {
  const where = findingLocation(f);
  const name = `${f.rule}${where ? ` at ${where}` : ""}`;
  const head = {
    name,
    classname,
    // Read by JUnit reporters that annotate files (e.g. action-junit-report).
    file: f.file || undefined,
    line: f.file && isPosition(f.line) ? f.line : undefined,
  };
  const body = `<failure${attrs({ message: f.message, type: f.rule })}>${escapeXml(where ? `${where}: ${f.message}` : f.message)}</failure>`;
  return testCase(head, "failure", [body]);
}

/**
 * A case for the verdict itself: `error` when the gate could not judge, a failure when the gate failed
 * without a failing check or finding to show for it, and a pass when the suite would otherwise be empty.
 */
function verdictCase(report: Report, suite: string, cases: readonly TestCase[]): TestCase | undefined {
  const head = { name: "verdict", classname: suite };
  const headline = report.headline ?? "";
  if (report.verdict === "error") {
    return testCase(head, "error", [
      `<error${attrs({ message: headline, type: "error" })}>${escapeXml(headline)}</error>`,
    ]);
  }
  if (report.verdict === "fail" && !cases.some((c) => c.outcome === "failure")) {
    return testCase(head, "failure", [
      `<failure${attrs({ message: headline, type: "verdict" })}>${escapeXml(headline)}</failure>`,
    ]);
  }
  if (cases.length === 0)
    return testCase(head, "passed", [`<system-out>${escapeXml(headline)}</system-out>`]);
  return undefined;
}

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { errorReport, GateError } from "../src/errors.js";
import { renderSarif } from "../src/render/index.js";
import { artifactUri } from "../src/render/sarif.js";
import { makeReport, type Report } from "../src/report.js";

// The official SARIF 2.1.0 schema, as shipped by @microsoft/jest-sarif. It is written for draft-04
// (`id`, draft-04 `$schema`) and has one pattern that is invalid with the `u` flag, hence the options.
const require = createRequire(import.meta.url);
const schemaFile = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
const { $schema: _draft, id, ...schema } = JSON.parse(readFileSync(schemaFile, "utf8"));
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile({ $id: id, ...schema });

function expectValid(sarif: string) {
  const ok = validate(JSON.parse(sarif));
  if (!ok) console.error(JSON.stringify(validate.errors, null, 2));
  expect(ok).toBe(true);
}

const failing: Report = makeReport({
  gate: "eval-gate",
  verdict: "fail",
  headline: "1 of 3 checks failed",
  checks: [
    { name: "accuracy >= 0.9", status: "fail", actual: "88%", expected: ">= 90%", message: "below the bar" },
    { name: "f1 >= 0.8", status: "warn", actual: "0.79", expected: ">= 0.8" },
    { name: "p95 < 250ms", status: "pass", actual: "231ms", expected: "< 250ms" },
    { name: "cost", status: "skip" },
  ],
  findings: [
    {
      rule: "threshold",
      level: "fail",
      message: "accuracy below 90%",
      file: "mlgate.yml",
      line: 4,
      column: 5,
      endLine: 6,
    },
    { rule: "pickle.dangerous-global", level: "warn", message: "os.system", file: "models\\model.pkl" },
    { rule: "pickle.dangerous-global", level: "fail", message: "eval", file: "./models/other.pkl", line: 0 },
    {
      rule: "note",
      level: "info",
      message: "baseline is old",
      properties: { ageDays: 3, tags: "not-a-list" },
    },
  ],
  startedAt: "2025-03-01T12:00:00.000Z",
  durationMs: 1500,
});

const passing = makeReport({ gate: "eval-gate", verdict: "pass", headline: "all good" });
const errored = errorReport(
  "pickle-scan",
  new GateError("cannot read model", { location: { file: "m.pkl" } }),
);

/** The parts of a SARIF run these tests look at. */
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region?: Record<string, number> } }[];
  properties?: Record<string, unknown>;
}
interface SarifRun {
  tool: { driver: { name: string; rules: { id: string; defaultConfiguration: { level: string } }[] } };
  automationDetails: { id: string };
  invocations: {
    executionSuccessful: boolean;
    startTimeUtc?: string;
    toolExecutionNotifications?: unknown[];
  }[];
  results: SarifResult[];
  properties: Record<string, unknown>;
}

const runsOf = (sarif: string) => JSON.parse(sarif).runs as SarifRun[];

describe("renderSarif", () => {
  it.each([
    ["fail", failing],
    ["pass", passing],
    ["error", errored],
  ] as const)("validates against the SARIF 2.1.0 schema (%s)", (_, report) => {
    expectValid(renderSarif(report));
  });

  it("writes one run per report", () => {
    const sarif = renderSarif([failing, passing, errored]);
    expectValid(sarif);
    expect(JSON.parse(sarif).version).toBe("2.1.0");
    expect(runsOf(sarif).map((r) => r.properties.verdict)).toEqual(["fail", "pass", "error"]);
  });

  it("describes the tool and derives rules from the distinct finding rules", () => {
    const [run] = runsOf(renderSarif(failing));
    expect(run!.tool.driver).toMatchObject({
      name: "mlgate",
      version: "0.1.0",
      informationUri: "https://github.com/mlgate/mlgate",
    });
    const rules = run!.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual([
      "eval-gate/threshold",
      "eval-gate/pickle.dangerous-global",
      "eval-gate/note",
      "eval-gate/check",
    ]);
    // A rule takes the most severe level any of its results has.
    expect(rules[1]!.defaultConfiguration.level).toBe("error");
  });

  it("turns findings into results with levels and 1-based regions", () => {
    const [run] = runsOf(renderSarif(failing));
    const results = run!.results;
    expect(results[0]).toEqual({
      ruleId: "eval-gate/threshold",
      ruleIndex: 0,
      level: "error",
      message: { text: "accuracy below 90%" },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "mlgate.yml" },
            region: { startLine: 4, startColumn: 5, endLine: 6 },
          },
        },
      ],
    });
    expect(results[1]!.level).toBe("warning");
    expect(results[1]!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "models/model.pkl" },
    });
    // Line 0 is not a SARIF line: the region is dropped, the file kept.
    expect(results[2]!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "models/other.pkl" },
    });
    expect(results[3]!.level).toBe("note");
    expect(results[3]!.properties).toEqual({ ageDays: 3, "mlgate.tags": "not-a-list" });
    for (const r of results) expect(r.ruleId).toBe(run!.tool.driver.rules[r.ruleIndex]!.id);
  });

  it("reports failed and warned checks, never passed or skipped ones", () => {
    const [run] = runsOf(renderSarif(failing));
    const checks = run!.results.filter((r) => r.ruleId === "eval-gate/check");
    expect(checks.map((c) => [c.level, c.message.text])).toEqual([
      ["error", "Check failed: accuracy >= 0.9 (actual 88%, expected >= 90%) — below the bar"],
      ["warning", "Check warned: f1 >= 0.8 (actual 0.79, expected >= 0.8)"],
    ]);
  });

  it("gives every result a location, since code scanning rejects files with unlocated results", () => {
    const [run] = runsOf(renderSarif(failing, { defaultFile: ".github/mlgate.yml" }));
    for (const r of run!.results) expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toBeTruthy();
    const check = run!.results.find((r) => r.ruleId === "eval-gate/check");
    expect(check!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(".github/mlgate.yml");
  });

  it("records the invocation, verdict and headline", () => {
    const [run] = runsOf(renderSarif(failing));
    expect(run!.invocations).toEqual([
      {
        executionSuccessful: true,
        exitCode: 1,
        startTimeUtc: "2025-03-01T12:00:00.000Z",
        endTimeUtc: "2025-03-01T12:00:01.500Z",
      },
    ]);
    expect(run!.properties).toEqual({ verdict: "fail", headline: "1 of 3 checks failed", gate: "eval-gate" });
    expect(run!.automationDetails).toEqual({ id: "mlgate/eval-gate/" });

    const [err] = runsOf(renderSarif(errored));
    expect(err!.invocations[0]!.executionSuccessful).toBe(false);
    expect(err!.invocations[0]!.toolExecutionNotifications?.[0]).toEqual({
      level: "error",
      message: { text: "m.pkl: cannot read model" },
    });
  });

  it("keeps categories apart when the same gate runs twice", () => {
    const ids = runsOf(renderSarif([failing, failing])).map((r) => r.automationDetails.id);
    expect(ids).toEqual(["mlgate/eval-gate/", "mlgate/eval-gate-2/"]);
  });

  it("makes paths under baseUri relative and encodes odd characters", () => {
    const report = makeReport({
      gate: "g",
      verdict: "fail",
      headline: "h",
      findings: [
        { rule: "r", level: "fail", message: "m", file: "/home/runner/work/repo/src/a b#1.py", line: 1 },
        { rule: "r", level: "fail", message: "m", file: "/etc/passwd" },
        { rule: "r", level: "fail", message: "m", file: "C:\\work\\repo\\x%y.py" },
        { rule: "r", level: "fail", message: "m", file: "naïve/日本.txt" },
      ],
    });
    const sarif = renderSarif(report, { baseUri: "/home/runner/work/repo/" });
    expectValid(sarif);
    const uris = runsOf(sarif)[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris).toEqual([
      "src/a%20b%231.py",
      "file:///etc/passwd",
      "file:///C:/work/repo/x%25y.py",
      "na%C3%AFve/%E6%97%A5%E6%9C%AC.txt",
    ]);
    expect(artifactUri("C:\\work\\repo\\x.py", "file:///c:/work/repo")).toBe("x.py");
  });

  it("stays valid with hostile strings and odd numbers", () => {
    const report = makeReport({
      gate: "g\u0000\ud800",
      verdict: "warn",
      headline: "\u001b[31m",
      findings: [
        { rule: "", level: "warn", message: "", file: "", line: -1, column: 2.5, endLine: 0 },
        { rule: "r", level: "fail", message: "m", file: "a.py", line: 10, endLine: 3 },
        {
          rule: "r",
          level: "fail",
          message: "m",
          file: "..",
          properties: { tags: ["a", "a"], n: 10n },
        },
      ],
      startedAt: "not a date",
    });
    const sarif = renderSarif(report);
    expectValid(sarif);
    const [run] = runsOf(sarif);
    expect(run!.results[1]!.locations[0]!.physicalLocation.region).toEqual({ startLine: 10 });
    expect(run!.results[2]!.properties).toEqual({ "mlgate.tags": ["a", "a"], n: "10" });
    expect(run!.invocations[0]!.startTimeUtc).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { applyAcceptances } from "../src/acceptance.js";
import { makeReport, type Report } from "../src/report.js";

const failing = (): Report =>
  makeReport({
    gate: "eval-gate",
    verdict: "fail",
    headline: "2 of 3 checks failed",
    checks: [
      { name: "delta(f1) >= -0.01", status: "fail", message: "f1 dropped" },
      { name: "slice(apac): delta(recall) >= -0.03", status: "fail" },
      { name: "delta(f1_macro) >= -0.01", status: "pass" },
    ],
  });

describe("applyAcceptances", () => {
  it("turns accepted failures into warnings that record who and why", () => {
    const report = applyAcceptances(failing(), [
      { metric: "f1", reason: "label noise fixed in v2 set", by: "alice" },
      { check: "slice(apac): delta(recall) >= -0.03", reason: "apac relabelled, see #123" },
    ]);
    expect(report.verdict).toBe("warn");
    expect(report.checks.map((c) => c.status)).toEqual(["warn", "warn", "pass"]);
    expect(report.checks[0]?.message).toBe("accepted by alice: label noise fixed in v2 set. f1 dropped");
    expect(report.headline).toMatch(
      /^passed with 2 accepted regression\(s\): delta\(f1\) >= -0.01 \(accepted by alice/,
    );
  });

  it("matches a metric as a whole word only, and keeps other failures failing", () => {
    const report = applyAcceptances(failing(), [{ metric: "recall", reason: "known" }]);
    expect(report.checks.map((c) => c.status)).toEqual(["fail", "warn", "pass"]);
    expect(report.verdict).toBe("fail");
    const none = applyAcceptances(failing(), [{ metric: "f1_", reason: "typo" }]);
    expect(none.checks.map((c) => c.status)).toEqual(["fail", "fail", "pass"]);
  });

  it("ignores expired acceptances and says so", () => {
    const report = applyAcceptances(
      failing(),
      [{ metric: "f1", reason: "temporary", expires: "2026-01-01" }],
      new Date("2026-06-01"),
    );
    expect(report.verdict).toBe("fail");
    expect(report.findings[0]?.message).toBe(
      "the acceptance of f1 expired on 2026-01-01 and no longer applies (temporary)",
    );
  });
});

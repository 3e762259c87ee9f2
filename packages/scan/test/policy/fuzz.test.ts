import { isGateError } from "@mlgate/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapBasicFinding, mapEnhancedFinding } from "../../src/ecr/index.js";
import { scoreVector } from "../../src/findings/index.js";
import { readAdvisory } from "../../src/osv/index.js";
import { parseOpenVex, parsePurl } from "../../src/policy/index.js";

/** Run a parser on arbitrary input: it may return or throw a GateError, nothing else. */
function onlyGateErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isGateError(e)) throw e;
    expect((e as Error).message.length).toBeGreaterThan(0);
  }
}

const json = fc.jsonValue({ maxDepth: 5 });

describe("parsers of untrusted documents fail only with a GateError", () => {
  it("OSV advisories, also inside a plausible skeleton", () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        onlyGateErrors(() => readAdvisory(a, "fuzz.json"));
        onlyGateErrors(() =>
          readAdvisory(
            {
              id: "X-1",
              affected: [
                {
                  package: { ecosystem: "npm", name: "a" },
                  ranges: [{ type: "SEMVER", events: [a] }],
                  versions: b,
                },
              ],
              severity: b,
            },
            "fuzz.json",
          ),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it("OpenVEX documents", () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        onlyGateErrors(() => parseOpenVex(a, "vex.json"));
        onlyGateErrors(() =>
          parseOpenVex(
            {
              "@context": "https://openvex.dev/ns/v0.2.0",
              statements: [a, { vulnerability: b, products: [b], status: "fixed" }],
            },
            "vex.json",
          ),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it("ECR findings of any shape map or are dropped, never throw", () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        const basic = mapBasicFinding({
          name: "CVE-2024-0001",
          attributes: Array.isArray(a) ? (a as never) : [],
          severity: b as never,
        });
        if (basic) expect(typeof basic.package.name).toBe("string");
        const enhanced = mapEnhancedFinding({
          packageVulnerabilityDetails: {
            vulnerabilityId: "CVE-2024-0001",
            vulnerablePackages: Array.isArray(a) ? (a as never) : [],
            cvss: Array.isArray(b) ? (b as never) : [],
          },
        });
        for (const f of enhanced) expect(typeof f.package.version).toBe("string");
      }),
      { numRuns: 500 },
    );
  });

  it("purls and CVSS vectors of arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        const purl = parsePurl(`pkg:${text}`);
        if (purl) expect(purl.name.length).toBeGreaterThan(0);
        const score = scoreVector(text)?.score;
        if (score !== undefined) expect(score).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 1000 },
    );
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header templates are written ${env.NAME}, ${seq}, ${uuid}
import { isGateError } from "@mlgate/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileHeaders,
  maskSecrets,
  parseDuration,
  parseRate,
  parseTarget,
  varyingHeaderLines,
} from "../src/index.js";

/** Anything thrown must be a GateError (a clear message), never a crash. */
function onlyGateErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isGateError(e)) throw e;
  }
}

describe("durations and rates", () => {
  it("reads the units of the threshold language", () => {
    expect(parseDuration("30s", "--duration")).toBe(30_000);
    expect(parseDuration("500ms", "x")).toBe(500);
    expect(parseDuration("2m", "x")).toBe(120_000);
    expect(parseDuration("1.5 h", "x")).toBe(5_400_000);
    expect(parseRate("200/s", "x")).toBe(200);
    expect(parseRate("12000/min", "x")).toBe(200);
    expect(parseRate("200rps", "x")).toBe(200);
    expect(parseRate("75", "x")).toBe(75);
  });

  it("refuses other units and signs with the setting's name", () => {
    expect(() => parseDuration("30", "--duration")).toThrow(/--duration "30" is not a duration/);
    expect(() => parseDuration("30%", "--duration")).toThrow(/not a duration/);
    expect(() => parseRate("200ms", "--rate")).toThrow(/--rate "200ms" is not a rate/);
    expect(() => parseRate("-5/s", "--rate")).toThrow(/not a rate/);
  });

  it("turns any text into a value or a clear error", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (s) => {
        onlyGateErrors(() => parseDuration(s, "d"));
        onlyGateErrors(() => parseRate(s, "r"));
      }),
      { numRuns: 500 },
    );
  });

  it("reads back every number written with a unit", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.constantFrom(["ms", 1], ["s", 1000], ["m", 60_000]),
        (n, [unit, factor]) => {
          expect(parseDuration(`${n}${unit}`, "d")).toBe(n * (factor as number));
        },
      ),
    );
  });
});

describe("target URL", () => {
  it("keeps the path and query exactly as written", () => {
    expect(parseTarget(" http://127.0.0.1:8080/v1/../predict?x=%2F&y=1#frag ")).toEqual({
      url: "http://127.0.0.1:8080/v1/../predict?x=%2F&y=1#frag",
      origin: "http://127.0.0.1:8080",
      path: "/v1/../predict?x=%2F&y=1",
      connectTo: { tls: false, hostname: "127.0.0.1", port: 8080 },
      host: "127.0.0.1:8080",
    });
    expect(parseTarget("https://example.com").path).toBe("/");
    expect(parseTarget("http://example.com?q=1").path).toBe("/?q=1");
  });

  it("says where connections go and what the Host header holds", () => {
    expect(parseTarget("https://Example.com/x")).toMatchObject({
      connectTo: { tls: true, hostname: "example.com", port: 443 },
      host: "example.com",
    });
    expect(parseTarget("http://[::1]:9000/")).toMatchObject({
      connectTo: { tls: false, hostname: "::1", port: 9000 },
      host: "[::1]:9000",
    });
    expect(parseTarget("http://h:80/").host).toBe("h");
  });

  it("refuses what would not go to the URL as given", () => {
    expect(() => parseTarget("ftp://x")).toThrow(/must start with http:\/\/ or https:\/\//);
    expect(() => parseTarget("http://user:pw@host/x")).toThrow(/must not carry credentials/);
    expect(() => parseTarget("http://host/a b")).toThrow(/spaces or control characters/);
    expect(() => parseTarget("http://host/caf\u00e9")).toThrow(/must be percent-encoded/);
    expect(() => parseTarget("")).toThrow(/no target URL/);
  });

  it("turns any text into a target or a clear error", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl().map((u) => `${u}/x`),
        ),
        (s) => onlyGateErrors(() => parseTarget(s)),
      ),
      { numRuns: 60 },
    );
  });
});

describe("header templates", () => {
  const env = { API_TOKEN: "s3cr3t-token", TENANT: "acme" };

  it("reads ${env.NAME}, masks it, and renders ${seq} per request", () => {
    const h = compileHeaders(
      {
        Authorization: "Bearer ${env.API_TOKEN}",
        "X-Tenant": "${env.TENANT}",
        "X-Seq": "req-${seq}",
        "X-Lit": "$${seq}",
      },
      env,
    );
    expect(h.secrets).toEqual(expect.arrayContaining(["s3cr3t-token", "acme", "Bearer s3cr3t-token"]));
    expect(h.shown).toEqual(["Authorization: ***", "X-Tenant: ***", "X-Seq: req-${seq}", "X-Lit: ${seq}"]);
    expect(h.fixed).toEqual(["authorization", "Bearer s3cr3t-token", "x-tenant", "acme", "x-lit", "${seq}"]);
    expect(varyingHeaderLines(h, 41)).toBe("x-seq: req-41\r\n");
    expect(maskSecrets("failed with Bearer s3cr3t-token", h.secrets)).toBe("failed with ***");
  });

  it("says what is wrong with a template", () => {
    expect(() => compileHeaders({ Authorization: "Bearer ${env.MISSING}" }, env)).toThrow(
      /MISSING is not set/,
    );
    expect(() => compileHeaders({ X: "${sequ}" }, env)).toThrow(
      /unknown variable \$\{sequ\}; did you mean "seq"\?/,
    );
    expect(() => compileHeaders({ X: "${seq" }, env)).toThrow(/unclosed/);
    expect(() => compileHeaders({ Host: "evil.example" }, env)).toThrow(/Host cannot be set/);
    expect(() => compileHeaders({ "Bad Name": "x" }, env)).toThrow(/not a valid HTTP header name/);
    expect(() => compileHeaders({ X: "a\u0007b" }, env)).toThrow(/a character an HTTP header cannot carry/);
    expect(() => compileHeaders({ X: "\u20ac5" }, env)).toThrow(/cannot carry/);
    expect(() => compileHeaders({ X: "${env.EURO}" }, { EURO: "\u20ac" })).toThrow(/cannot carry/);
    expect(compileHeaders({ X: "caf\u00e9\tok" }, env).fixed).toEqual(["x", "caf\u00e9\tok"]);
  });

  it("renders the headers that vary as request lines", () => {
    const h = compileHeaders({ "X-Seq": "n${seq}", "X-Fixed": "1", "X-Id": "${uuid}" }, env);
    const lines = varyingHeaderLines(h, 7);
    expect(lines).toMatch(/^x-seq: n7\r\nx-id: [0-9a-f-]{36}\r\n$/);
    expect(varyingHeaderLines(compileHeaders({ A: "b" }, env), 7)).toBe("");
  });

  it("never shows a secret, whatever the template", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (before, after) => {
        const secret = "zz-SECRET-zz";
        try {
          const h = compileHeaders({ "X-Key": `${before}\${env.KEY}${after}` }, { KEY: secret });
          expect(h.shown.join("\n")).not.toContain(secret);
        } catch (e) {
          if (!isGateError(e)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * The contract-diff gate end to end in-process: files and git revisions in, a Report out, with
 * exceptions, the version check, thresholds on the counts, the changelog, locations and SARIF.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeError, type Report, renderSarif } from "@mlgate/core";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ALL_RULES, fingerprintOf, resolveContractDiff, runContractDiff } from "../src/index.js";

let dir: string;

function api(
  version: string,
  requestProps: Record<string, unknown>,
  required: string[],
  more: Record<string, unknown> = {},
) {
  return stringify({
    openapi: "3.0.3",
    info: { title: "serving", version },
    paths: {
      "/v1/predict": {
        post: {
          operationId: "predict",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/PredictRequest" } } },
          },
          responses: { "200": { description: "ok" } },
        },
      },
      ...more,
    },
    components: { schemas: { PredictRequest: { type: "object", required, properties: requestProps } } },
  });
}

const V1 = api(
  "1.0.0",
  { features: { type: "array", items: { type: "number" } }, top_k: { type: "integer", maximum: 100 } },
  ["features"],
);
const V2_BREAKING = api(
  "1.1.0",
  {
    features: { type: "array", items: { type: "number" } },
    top_k: { type: "integer", maximum: 100 },
    model: { type: "string" },
  },
  ["features", "model"],
);
const V2_SAFE = api(
  "1.1.0",
  {
    features: { type: "array", items: { type: "number" } },
    top_k: { type: "integer", maximum: 100 },
    temperature: { type: "number" },
  },
  ["features"],
);

const git = (cwd: string, ...args: string[]) =>
  execFileSync(
    "git",
    ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args],
    { cwd, encoding: "utf8" },
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-contract-gate-"));
  await writeFile(join(dir, "v1.yaml"), V1);
  await writeFile(join(dir, "v2.yaml"), V2_BREAKING);
  await writeFile(join(dir, "v2-safe.yaml"), V2_SAFE);
});

const run = (base: string, head: string, more: Partial<Parameters<typeof runContractDiff>[0]> = {}) =>
  runContractDiff({ base, head, cwd: dir, ...more });

describe("verdicts", () => {
  it("fails on a breaking change, with the head file and line and a counter-example", async () => {
    const report = await run("v1.yaml", "v2.yaml");
    expect(report.verdict).toBe("fail");
    expect(report.headline).toBe(
      "1 breaking change: POST /v1/predict: request body: new required property `model`",
    );
    const f = report.findings.find((x) => x.rule === "schema.request-required-property-added")!;
    expect(f).toMatchObject({ level: "fail", file: "v2.yaml" });
    const lines = V2_BREAKING.split("\n");
    expect(lines[f.line! - 1]).toMatch(/^\s+model:/);
    expect(f.properties).toMatchObject({
      path: "/components/schemas/PredictRequest/properties/model",
      group: "POST /v1/predict",
      change: "breaking",
      fingerprint: fingerprintOf(
        "schema.request-required-property-added",
        "/components/schemas/PredictRequest/properties/model",
      ),
      counterExample: {
        direction: "request",
        payload: { contentType: "application/json", body: { features: [] } },
      },
    });
    expect(report.outputs).toMatchObject({
      breaking: "1",
      dangerous: "0",
      safe: "0",
      accepted: "0",
      kind: "openapi",
    });
    expect(report.details).toContain("POST /v1/predict\n  ✗ breaking");
    expect(report.notes?.[0]).toContain(
      "1 of 1 breaking changes come with a payload checked against both sides",
    );
  });

  it("passes a safe change and says what changed", async () => {
    const report = await run("v1.yaml", "v2-safe.yaml");
    expect(report.verdict).toBe("pass");
    expect(report.headline).toBe("no breaking changes (1 safe)");
    expect(report.findings).toEqual([
      expect.objectContaining({ rule: "schema.request-optional-property-added", level: "info" }),
    ]);
  });

  it("says so when nothing changed", async () => {
    const report = await run("v1.yaml", "v1.yaml");
    expect(report).toMatchObject({ verdict: "pass", headline: "no contract changes", findings: [] });
  });

  it("fail-on dangerous turns dangerous changes into failures", async () => {
    await writeFile(
      join(dir, "v2-default.yaml"),
      V1.replace("maximum: 100", "maximum: 100\n          default: 10"),
    );
    await writeFile(
      join(dir, "v1-default.yaml"),
      V1.replace("maximum: 100", "maximum: 100\n          default: 5"),
    );
    const warn = await run("v1-default.yaml", "v2-default.yaml");
    expect(warn.verdict).toBe("warn");
    expect(warn.headline).toBe(
      "1 dangerous change: POST /v1/predict: request body `top_k`: default changed from 5 to 10",
    );
    const fail = await run("v1-default.yaml", "v2-default.yaml", { failOn: "dangerous" });
    expect(fail.verdict).toBe("fail");
  });

  it("thresholds on the counts become checks", async () => {
    const report = await run("v1.yaml", "v2-safe.yaml", { gates: ["safe == 0"] });
    expect(report.verdict).toBe("fail");
    expect(report.checks).toEqual([expect.objectContaining({ name: "safe == 0", status: "fail" })]);
    const bad = await run("v1.yaml", "v2-safe.yaml", { gates: ["p95 < 3ms"] });
    expect(bad.verdict).toBe("error");
    expect(bad.headline).toContain('contract-diff gate "p95 < 3ms" names p95');
  });

  it("writes the changelog grouped by endpoint", async () => {
    const file = join(dir, "out", "CHANGES.md");
    const report = await run("v1.yaml", "v2.yaml", { changelog: file });
    const text = await readFile(file, "utf8");
    expect(text).toBe(report.outputs?.changelog);
    expect(text).toContain("### POST /v1/predict");
    expect(text).toContain(
      "- ❌ breaking request body: new required property `model` (`schema.request-required-property-added`, v2.yaml:",
    );
    expect(text).toContain('`{"contentType":"application/json","body":{"features":[]}}`');
  });

  it("SARIF results carry stable fingerprints from rule and path", async () => {
    const a = await run("v1.yaml", "v2.yaml");
    await writeFile(join(dir, "v2-moved.yaml"), `# a comment that moves every line\n\n${V2_BREAKING}`);
    const b = await run("v1.yaml", "v2-moved.yaml");
    const results = (r: Report) =>
      JSON.parse(renderSarif(r)).runs[0].results as {
        properties: { fingerprint: string };
        locations: { physicalLocation: { region: { startLine: number } } }[];
      }[];
    const [ra] = results(a);
    const [rb] = results(b);
    expect(ra!.properties.fingerprint).toBe(rb!.properties.fingerprint);
    expect(rb!.locations[0]!.physicalLocation.region.startLine).toBe(
      ra!.locations[0]!.physicalLocation.region.startLine + 2,
    );
  });
});

describe("exceptions", () => {
  const exception = (expires: string, path = "/components/schemas/PredictRequest/properties/model") => ({
    rule: "schema.request-required-property-added",
    path,
    reason: "clients were migrated in #42",
    expires,
  });

  it("a live exception accepts the change: shown, not failing", async () => {
    const report = await run("v1.yaml", "v2.yaml", { exceptions: [exception("2999-01-01")] });
    expect(report.verdict).toBe("pass");
    expect(report.headline).toBe("no breaking changes (1 accepted)");
    const f = report.findings[0]!;
    expect(f.level).toBe("info");
    expect(f.message).toMatch(/^accepted until 2999-01-01 \(clients were migrated in #42\): /);
    expect(report.outputs).toMatchObject({ breaking: "0", accepted: "1" });
  });

  it("globs: * stays in one segment, ** spans several", async () => {
    const one = await run("v1.yaml", "v2.yaml", {
      exceptions: [exception("2999-01-01", "/components/schemas/*/properties/model")],
    });
    expect(one.verdict).toBe("pass");
    const deep = await run("v1.yaml", "v2.yaml", {
      exceptions: [exception("2999-01-01", "/components/**/model")],
    });
    expect(deep.verdict).toBe("pass");
    const miss = await run("v1.yaml", "v2.yaml", {
      exceptions: [exception("2999-01-01", "/components/*/model")],
    });
    expect(miss.verdict).toBe("fail");
    expect(miss.findings.some((f) => f.rule === "contract-diff.exception-unused")).toBe(true);
  });

  it("an expired exception no longer applies and fails the gate by itself", async () => {
    const report = await run("v1.yaml", "v2-safe.yaml", {
      exceptions: [exception("2020-01-31")],
      now: new Date("2024-06-01T12:00:00Z"),
    });
    expect(report.verdict).toBe("fail");
    expect(report.headline).toBe(
      "1 expired exception (schema.request-required-property-added since 2020-01-31)",
    );
    expect(report.findings.find((f) => f.rule === "contract-diff.exception-expired")?.message).toContain(
      "expired on 2020-01-31",
    );
  });

  it("the expiry day itself still counts", async () => {
    const report = await run("v1.yaml", "v2.yaml", {
      exceptions: [exception("2024-06-01")],
      now: new Date("2024-06-01T23:00:00Z"),
    });
    expect(report.verdict).toBe("pass");
  });

  it("a config exception without a reason is a config error naming the line", async () => {
    await writeFile(
      join(dir, "mlgate.yml"),
      "version: 1\ncontract-diff:\n  base: v1.yaml\n  head: v2.yaml\n  exceptions:\n    - rule: schema.request-required-property-added\n      path: /x\n      expires: 2999-01-01\n",
    );
    const error = await resolveContractDiff({}, { cwd: dir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(describeError(error)).toMatch(
      /mlgate\.yml:6:\d+: contract-diff\.exceptions\[0\]: missing required key "reason"/,
    );
  });

  it("config exceptions are located, so an expired one is annotated on its line", async () => {
    await writeFile(
      join(dir, "mlgate.yml"),
      [
        "version: 1",
        "contract-diff:",
        "  base: v1.yaml",
        "  head: v2.yaml",
        "  version-check: true",
        "  exceptions:",
        "    - rule: schema.request-required-property-added",
        "      path: /components/schemas/PredictRequest/properties/model",
        "      reason: migrated",
        "      expires: 2021-01-01",
        "",
      ].join("\n"),
    );
    const { input } = await resolveContractDiff({}, { cwd: dir });
    expect(input).toMatchObject({
      base: join(dir, "v1.yaml"),
      head: join(dir, "v2.yaml"),
      versionCheck: true,
    });
    const report = await runContractDiff(input);
    const expired = report.findings.find((f) => f.rule === "contract-diff.exception-expired");
    expect(expired).toMatchObject({ file: "mlgate.yml", line: 7 });
  });
});

describe("version check", () => {
  it("fails when a breaking change ships as a minor version", async () => {
    const report = await run("v1.yaml", "v2.yaml", { versionCheck: true });
    const f = report.findings.find((x) => x.rule === "contract-diff.version-check")!;
    expect(f.level).toBe("fail");
    expect(f.message).toBe(
      "version 1.0.0 → 1.1.0 is a minor bump, but the breaking changes need a major bump (at least 2.0.0)",
    );
    expect(f.file).toBe("v2.yaml");
  });

  it("accepts a minor bump for additions", async () => {
    const report = await run("v1.yaml", "v2-safe.yaml", { versionCheck: true });
    expect(report.verdict).toBe("pass");
    expect(report.findings.find((x) => x.rule === "contract-diff.version-check")?.message).toBe(
      "version 1.0.0 → 1.1.0 is a minor bump; the changes need a minor bump",
    );
  });

  it("reads a large JSON description as OpenAPI even when `openapi` comes after the first 64 KiB", async () => {
    // Key order as in Stripe's published description: components first, `openapi` far below.
    const big = (version: string, extra: Record<string, unknown>) =>
      JSON.stringify(
        {
          components: {
            schemas: Object.fromEntries(
              Array.from({ length: 400 }, (_, i) => [
                `S${i}`,
                { type: "object", description: "x".repeat(200), properties: { id: { type: "string" } } },
              ]),
            ),
          },
          openapi: "3.0.0",
          info: { title: "big", version },
          paths: { "/v1/things": { post: { responses: { "200": { description: "ok" } }, ...extra } } },
        },
        null,
        2,
      );
    await writeFile(join(dir, "big-v1.json"), big("1.0.0", {}));
    await writeFile(
      join(dir, "big-v2.json"),
      big("1.1.0", { parameters: [{ name: "q", in: "query", required: true, schema: { type: "string" } }] }),
    );
    expect((await readFile(join(dir, "big-v1.json"))).indexOf('"openapi"')).toBeGreaterThan(64 * 1024);
    const report = await run("big-v1.json", "big-v2.json", { versionCheck: true });
    expect(report.outputs?.kind).toBe("openapi");
    expect(report.findings.find((x) => x.rule === "contract-diff.version-check")?.message).toBe(
      "version 1.0.0 → 1.1.0 is a minor bump, but the breaking changes need a major bump (at least 2.0.0)",
    );
  });

  it("refuses a version that is not semver", async () => {
    await writeFile(join(dir, "v2-date.yaml"), V2_SAFE.replace("version: 1.1.0", "version: 2024-05"));
    const report = await run("v1.yaml", "v2-date.yaml", { versionCheck: true });
    expect(report.verdict).toBe("fail");
    expect(report.headline).toContain('the head version "2024-05" is not a semantic version');
    expect(report.findings.find((x) => x.rule === "contract-diff.version-check")?.message).toBe(
      'the head version "2024-05" is not a semantic version (MAJOR.MINOR.PATCH)',
    );
  });
});

describe("multi-file contracts", () => {
  it("follows $refs into other files and places findings in them", async () => {
    await mkdir(join(dir, "multi", "v1", "schemas"), { recursive: true });
    await mkdir(join(dir, "multi", "v2", "schemas"), { recursive: true });
    const root = (ref: string) =>
      stringify({
        openapi: "3.1.0",
        info: { title: "t", version: "1" },
        paths: {
          "/p": {
            get: {
              responses: {
                "200": { description: "ok", content: { "application/json": { schema: { $ref: ref } } } },
              },
            },
          },
        },
      });
    await writeFile(join(dir, "multi", "v1", "api.yaml"), root("schemas/pet.yaml#/Pet"));
    await writeFile(join(dir, "multi", "v2", "api.yaml"), root("schemas/pet.yaml#/Pet"));
    await writeFile(
      join(dir, "multi", "v1", "schemas", "pet.yaml"),
      stringify({ Pet: { type: "object", required: ["id"], properties: { id: { type: "integer" } } } }),
    );
    await writeFile(
      join(dir, "multi", "v2", "schemas", "pet.yaml"),
      stringify({ Pet: { type: "object", properties: { id: { type: "integer" } } } }),
    );
    const report = await run("multi/v1/api.yaml", "multi/v2/api.yaml");
    expect(report.verdict).toBe("fail");
    const f = report.findings[0]!;
    expect(f).toMatchObject({
      rule: "schema.response-property-became-optional",
      file: "multi/v2/schemas/pet.yaml",
      line: 4,
    });
    expect(f.properties?.path).toBe("schemas/pet.yaml#/Pet/properties/id");
  });
});

describe("allow-listed URLs", () => {
  it("fetches a $ref from an allowed host (a loopback server here) and refuses others", async () => {
    const server = createServer((req, res) => {
      if (req.url === "/pet.json") {
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            type: "object",
            required: ["id"],
            properties: { id: { type: "integer" } },
            description: "x".repeat(1000),
          }),
        );
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const port = (server.address() as AddressInfo).port;
    try {
      const spec = (ref: string) =>
        stringify({
          openapi: "3.0.3",
          info: { title: "t", version: "1" },
          paths: {
            "/p": {
              post: {
                requestBody: { content: { "application/json": { schema: { $ref: ref } } } },
                responses: { "200": { description: "ok" } },
              },
            },
          },
        });
      await writeFile(
        join(dir, "url-base.yaml"),
        spec("#/components/schemas/P").replace(
          "paths:",
          "components:\n  schemas:\n    P: {type: object, properties: {id: {type: integer}}}\npaths:",
        ),
      );
      await writeFile(join(dir, "url-head.yaml"), spec(`http://127.0.0.1:${port}/pet.json`));
      const allowed = await run("url-base.yaml", "url-head.yaml", { allowUrls: ["127.0.0.1"] });
      expect(allowed.verdict).toBe("fail");
      expect(allowed.findings[0]?.rule).toBe("schema.request-property-became-required");
      const refused = await run("url-base.yaml", "url-head.yaml");
      expect(refused.verdict).toBe("error");
      expect(refused.headline).toContain(`points at the network (127.0.0.1:${port}), which is not allowed`);
      const tooBig = await run("url-base.yaml", "url-head.yaml", {
        allowUrls: ["127.0.0.1"],
        limits: { maxFileBytes: 600 },
      });
      expect(tooBig.verdict).toBe("error");
      expect(tooBig.headline).toMatch(/pet\.json is over the 600 B limit/);
    } finally {
      server.close();
    }
  });
});

describe("git revisions", () => {
  let repo: string;

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), "mlgate-contract-git-"));
    git(repo, "init", "-q");
    await mkdir(join(repo, "api"), { recursive: true });
    await writeFile(join(repo, "api", "openapi.yaml"), V1);
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "v1");
    await writeFile(join(repo, "api", "openapi.yaml"), V2_BREAKING);
    git(repo, "commit", "-q", "-am", "v2");
  });

  it("reads the base from a git revision", async () => {
    const report = await runContractDiff({
      base: "HEAD~1:api/openapi.yaml",
      head: "api/openapi.yaml",
      cwd: repo,
    });
    expect(report.verdict).toBe("fail");
    expect(report.findings[0]?.properties?.base).toMatch(/^HEAD~1:api\/openapi\.yaml:\d+:\d+$/);
  });

  it("a base that does not exist at the revision is a new contract", async () => {
    const report = await runContractDiff({
      base: "HEAD~1:api/new.yaml",
      head: "api/openapi.yaml",
      cwd: repo,
    });
    expect(report).toMatchObject({
      verdict: "pass",
      headline: "HEAD~1:api/new.yaml does not exist: api/openapi.yaml is a new contract, nothing to compare",
    });
  });

  it("an unknown revision says how to fetch it", async () => {
    const report = await runContractDiff({
      base: "origin/main:api/openapi.yaml",
      head: "api/openapi.yaml",
      cwd: repo,
    });
    expect(report.verdict).toBe("error");
    expect(report.headline).toMatch(/^unknown git ref origin\/main — fetch it first/);
  });

  it("a shallow clone says it is shallow and how to deepen it", async () => {
    const shallow = await mkdtemp(join(tmpdir(), "mlgate-contract-shallow-"));
    git(shallow, "clone", "-q", "--depth", "1", `file://${repo}`, "clone");
    const report = await runContractDiff({
      base: "HEAD~1:api/openapi.yaml",
      head: "api/openapi.yaml",
      cwd: join(shallow, "clone"),
    });
    expect(report.verdict).toBe("error");
    expect(report.headline).toContain("the checkout is shallow");
    expect(report.headline).toContain("fetch-depth: 0");
    expect(report.headline).toContain("git fetch --deepen");
  });
});

describe("other contract kinds through the same gate", () => {
  it("protobuf", async () => {
    await writeFile(
      join(dir, "a.proto"),
      'syntax = "proto3";\npackage t;\nmessage M { int32 x = 1; string y = 2; }\n',
    );
    await writeFile(join(dir, "b.proto"), 'syntax = "proto3";\npackage t;\nmessage M { int32 x = 1; }\n');
    const report = await run("a.proto", "b.proto");
    expect(report.outputs?.kind).toBe("proto");
    expect(report.findings.some((f) => f.rule.startsWith("proto.") && f.level === "fail")).toBe(true);
  });

  it("model signatures", async () => {
    const card = (outputs: string) =>
      `signature:\n  inputs:\n    - name: input\n      dtype: float32\n      shape: [N, 4]\n  outputs:\n${outputs}`;
    await writeFile(
      join(dir, "card-a.yml"),
      card("    - name: label\n      dtype: int64\n      shape: [N]\n"),
    );
    await writeFile(
      join(dir, "card-b.yml"),
      card("    - name: label\n      dtype: float32\n      shape: [N]\n"),
    );
    const report = await run("card-a.yml", "card-b.yml");
    expect(report.outputs?.kind).toBe("signature");
    expect(report.verdict).toBe("fail");
    expect(report.findings.every((f) => f.rule.startsWith("tensor."))).toBe(true);
  });

  it("one registry holds every engine's rules, each id once", () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const family of ["openapi", "json-schema", "proto", "tensor"]) {
      expect(ALL_RULES.some((r) => r.family === family)).toBe(true);
    }
  });
});

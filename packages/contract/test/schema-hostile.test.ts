/**
 * Hostile and broken contracts: each ends in an `error` report that names the file and says what
 * is wrong, in bounded time, never a stack trace, a hang or an exhausted heap.
 */
import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Report } from "@mlgate/core";
import { isGateError } from "@mlgate/core";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { diffLoadedSides, loadSchemaContract } from "../src/diff-schemas.js";
import { runContractDiff } from "../src/index.js";
import { MemoryFiles } from "./helpers/memory-files.js";

let dir: string;

const API = (schema: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    openapi: "3.0.3",
    info: { title: "t", version: "1" },
    paths: {
      "/x": {
        post: {
          requestBody: { content: { "application/json": { schema } } },
          responses: { "200": { description: "ok" } },
        },
      },
    },
    ...extra,
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-contract-hostile-"));
  await writeFile(join(dir, "ok.json"), API({ type: "object" }));
});

async function judge(
  head: string,
  options: Partial<Parameters<typeof runContractDiff>[0]> = {},
): Promise<Report> {
  const started = performance.now();
  const report = await runContractDiff({ base: "ok.json", head, cwd: dir, ...options });
  expect(performance.now() - started, "bounded time").toBeLessThan(10_000);
  return report;
}

function expectError(report: Report, pattern: RegExp): void {
  expect(report.verdict).toBe("error");
  expect(report.headline).toMatch(pattern);
  expect(report.headline).not.toMatch(/internal error|at .*\.ts:\d+/);
  expect(report.findings[0]?.rule).toBe("input");
}

describe("hostile contracts", () => {
  it("a $ref cycle with no schema in it", async () => {
    await writeFile(
      join(dir, "cycle.json"),
      API(
        { $ref: "#/components/schemas/A" },
        {
          components: {
            schemas: { A: { $ref: "#/components/schemas/B" }, B: { $ref: "#/components/schemas/A" } },
          },
        },
      ),
    );
    expectError(await judge("cycle.json"), /\$ref cycle with no schema/);
  });

  it("a recursive schema is fine: compared once, in bounded time", async () => {
    const node = (t: string) => ({
      type: "object",
      properties: {
        v: { type: t },
        kids: { type: "array", items: { $ref: "#/components/schemas/N" } },
        self: { $ref: "#/components/schemas/N" },
      },
    });
    await writeFile(
      join(dir, "rec-a.json"),
      API({ $ref: "#/components/schemas/N" }, { components: { schemas: { N: node("integer") } } }),
    );
    await writeFile(
      join(dir, "rec-b.json"),
      API({ $ref: "#/components/schemas/N" }, { components: { schemas: { N: node("string") } } }),
    );
    const report = await judge("rec-b.json", { base: "rec-a.json" });
    expect(report.verdict).toBe("fail");
    expect(report.findings.filter((f) => f.rule === "schema.request-type-changed")).toHaveLength(1);
  });

  it("deeply nested JSON", async () => {
    await writeFile(join(dir, "deep.json"), `${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    expectError(
      await judge("deep.json", { kind: "openapi" }),
      /deep\.json:1:257: nesting is deeper than 256 levels/,
    );
  });

  it("deeply nested YAML", async () => {
    await writeFile(join(dir, "deep.yaml"), `openapi: 3.0.3\nx: ${"[".repeat(5000)}${"]".repeat(5000)}\n`);
    expectError(await judge("deep.yaml"), /deep\.yaml:2:\d+: nesting is deeper/);
  });

  it("billion laughs in YAML", async () => {
    const lines = ["openapi: 3.0.3", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i <= 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    lines.push("paths: {}");
    await writeFile(join(dir, "laughs.yaml"), lines.join("\n"));
    expectError(
      await judge("laughs.yaml"),
      /laughs\.yaml:\d+:\d+: (the document expands to more than|more than \d+ YAML aliases)/,
    );
  });

  it("a file over the size limit is refused before it is read", async () => {
    await writeFile(join(dir, "huge.json"), `{"openapi":"3.0.3","x":"${"a".repeat(3 * 1024 * 1024)}"}`);
    expectError(
      await judge("huge.json", { limits: { maxFileBytes: 1024 * 1024 } }),
      /huge\.json is 3 MiB, over the 1 MiB limit/,
    );
  });

  it("a $ref that climbs out of the root", async () => {
    await mkdir(join(dir, "api"), { recursive: true });
    await writeFile(join(dir, "api", "escape.json"), API({ $ref: "../../../etc/passwd#/x" }));
    await writeFile(join(dir, "api", "ok.json"), API({ type: "object" }));
    expectError(
      await judge("api/escape.json", { base: "api/ok.json", root: "api" }),
      /api\/escape\.json:1:\d+: \$ref "\.\.\/\.\.\/\.\.\/etc\/passwd" in api\/escape\.json points outside the contract root api/,
    );
  });

  it("a symbolic link that leads out of the root", async () => {
    const outside = await mkdtemp(join(tmpdir(), "mlgate-outside-"));
    await writeFile(join(outside, "secret.json"), JSON.stringify({ type: "string" }));
    await symlink(join(outside, "secret.json"), join(dir, "link.json"));
    await writeFile(join(dir, "via-link.json"), API({ $ref: "link.json" }));
    expectError(
      await judge("via-link.json"),
      /link\.json resolves \(through a symbolic link\) outside the contract root/,
    );
  });

  it("a $ref to the network is refused without a request", async () => {
    await writeFile(join(dir, "net.json"), API({ $ref: "https://schemas.example.com/pet.json" }));
    expectError(
      await judge("net.json"),
      /points at the network \(schemas\.example\.com\), which is not allowed/,
    );
  });

  it("too many $refs", async () => {
    const props = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`p${i}`, { $ref: "#/components/schemas/S" }]),
    );
    await writeFile(
      join(dir, "refs.json"),
      API({ type: "object", properties: props }, { components: { schemas: { S: { type: "string" } } } }),
    );
    expectError(await judge("refs.json", { limits: { maxRefs: 20 } }), /more than 20 \$refs/);
  });

  it("more JSON values than the limit, in a flat object or a flat list of plain values", async () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    await writeFile(join(dir, "wide-object.json"), API({ type: "object" }, { "x-data": many }));
    await writeFile(join(dir, "wide-list.json"), API({ enum: Array.from({ length: 500 }, (_, i) => i) }));
    for (const file of ["wide-object.json", "wide-list.json"]) {
      expectError(await judge(file, { limits: { maxNodes: 300 } }), /has more than 300 values/);
      expect((await judge(file)).verdict).not.toBe("error");
    }
  });

  it("a $ref to nothing names the line", async () => {
    await writeFile(
      join(dir, "dangling.yaml"),
      "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n",
    );
    expectError(
      await judge("dangling.yaml", { base: "dangling.yaml" }),
      /dangling\.yaml:11:\d+: \$ref "#\/components\/schemas\/Missing" points at nothing/,
    );
  });

  it("a binary file", async () => {
    await writeFile(join(dir, "model.bin.json"), Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x01]));
    expectError(await judge("model.bin.json", { kind: "openapi" }), /model\.bin\.json.*(not UTF-8|NUL byte)/);
  });

  it("JSON with a syntax error points at it", async () => {
    await writeFile(join(dir, "broken.json"), '{"openapi": "3.0.3",\n "paths": {,}}');
    expectError(await judge("broken.json"), /broken\.json:2:\d+: contract is not valid JSON/);
  });

  it("a schema keyword of the wrong type names its place", async () => {
    await writeFile(
      join(dir, "badkw.json"),
      API({ type: "object", properties: { n: { type: "integer", maximum: "ten" } } }),
    );
    await writeFile(
      join(dir, "badkw-base.json"),
      API({ type: "object", properties: { n: { type: "integer" } } }),
    );
    expectError(
      await judge("badkw.json", { base: "badkw-base.json" }),
      /badkw\.json:\d+:\d+: invalid schema at .*\/maximum: "maximum" must be a number/,
    );
  });

  it("neither OpenAPI nor JSON Schema", async () => {
    await writeFile(join(dir, "notes.yaml"), "shopping:\n  - milk\n");
    expectError(
      await judge("notes.yaml", { base: "notes.yaml", kind: "openapi" }),
      /neither an OpenAPI description nor a JSON Schema/,
    );
  });

  it("two different kinds of contract", async () => {
    await writeFile(
      join(dir, "schema.json"),
      JSON.stringify({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "object" }),
    );
    expectError(
      await judge("schema.json"),
      /looks like an OpenAPI description but schema\.json like a JSON Schema/,
    );
  });

  it("a missing head file", async () => {
    expectError(await judge("nope.yaml"), /head contract not found: nope\.yaml/);
  });
});

describe("fuzzed input", () => {
  const valid = API(
    {
      type: "object",
      properties: { a: { type: "string", enum: ["x", "y"] }, b: { $ref: "#/components/schemas/B" } },
    },
    { components: { schemas: { B: { type: "integer" } } } },
  );

  it("mangled descriptions load or fail with a located GateError, never anything else", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: valid.length }),
        fc.integer({ min: 0, max: 20 }),
        fc.string({ maxLength: 8 }),
        async (at, cut, insert) => {
          const text = valid.slice(0, at) + insert + valid.slice(Math.min(valid.length, at + cut));
          const files = new MemoryFiles({ "base.json": valid, "head.json": text, "head.yaml": text });
          for (const head of ["head.json", "head.yaml"]) {
            try {
              const b = await loadSchemaContract("base.json", files);
              const h = await loadSchemaContract(head, files);
              diffLoadedSides(b, h);
            } catch (e) {
              expect(isGateError(e), String(e)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

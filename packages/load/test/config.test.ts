// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header templates are written ${env.NAME}
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeError } from "@mlgate/core";
import { beforeAll, describe, expect, it } from "vitest";
import { parseRampStage, parseShard, resolveLoadTest } from "../src/index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-load-config-"));
});

describe("load-test config", () => {
  it("reads the section, resolves paths against the file, and lets flags win", async () => {
    await writeFile(
      join(dir, "mlgate.yml"),
      [
        "version: 1",
        "load-test:",
        "  url: http://staging:8080/v1/predict",
        "  ramp:",
        "    - { duration: 10s, rate: 100/s }",
        "    - { duration: 1m, rate: 6000/min }",
        "  warmup: 5s",
        "  body-file: load/inputs.jsonl",
        "  headers:",
        "    Authorization: Bearer ${env.API_TOKEN}",
        "  shard: 2/4",
        "  gates: [p95 < 250ms, error_rate < 0.5%]",
        "",
      ].join("\n"),
    );
    const { input } = await resolveLoadTest({ gates: ["p99 < 1s"] }, { cwd: dir });
    expect(input).toMatchObject({
      url: "http://staging:8080/v1/predict",
      ramp: [
        { durationMs: 10_000, rate: 100 },
        { durationMs: 60_000, rate: 100 },
      ],
      warmupMs: 5000,
      bodyFile: join(dir, "load/inputs.jsonl"),
      headers: { Authorization: "Bearer ${env.API_TOKEN}" },
      shard: { index: 1, count: 4 },
      resultFile: join(dir, "load-test-shard-2-of-4.json"),
      gates: ["p99 < 1s"],
    });
  });

  it("points at the line of a bad value in the file", async () => {
    await writeFile(join(dir, "bad.yml"), "load-test:\n  url: http://x\n  rate: 200/hour\n");
    const error = await resolveLoadTest({}, { cwd: dir, configPath: "bad.yml" }).catch((e: unknown) => e);
    expect(describeError(error)).toMatch(/bad\.yml:3:\d+: load-test\.rate: rate "200\/hour" is not a rate/);
  });

  it("parses shards and ramp stages, and expands merge patterns", async () => {
    expect(parseShard("3/4")).toEqual({ index: 2, count: 4 });
    expect(() => parseShard("5/4")).toThrow(/is not i\/n/);
    expect(parseRampStage("30s:200/s")).toEqual({ durationMs: 30_000, rate: 200 });
    expect(() => parseRampStage("200/s")).toThrow(/is not DURATION:RATE/);
    const results = join(dir, "results");
    await mkdir(results);
    await writeFile(join(results, "load-test-shard-2-of-2.json"), "{}");
    await writeFile(join(results, "load-test-shard-1-of-2.json"), "{}");
    await writeFile(join(results, "other.json"), "{}");
    const { input } = await resolveLoadTest({ merge: ["load-test-shard-*.json"] }, { cwd: results });
    expect(input.merge).toEqual([
      join(results, "load-test-shard-1-of-2.json"),
      join(results, "load-test-shard-2-of-2.json"),
    ]);
    await expect(resolveLoadTest({ merge: ["nothing-*.json"] }, { cwd: results })).rejects.toThrow(
      /"nothing-\*\.json" matches no file/,
    );
  });
});

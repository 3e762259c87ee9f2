import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGateError } from "@mlgate/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BASELINE_META_FILE,
  baselineChecks,
  baselineFilesIn,
  canonicalJson,
  configFingerprint,
  formatAge,
  parseBaselineSpec,
  parseDuration,
  readBaselineMeta,
  saveBaseline,
} from "../src/baseline/index.js";
import { resolveEvalGate, useFetchedBaseline } from "../src/config.js";
import { runEvalGate } from "../src/eval-gate.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-baseline-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const file = async (name: string, text: string) => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};

/** 200 binary items; the model is wrong on every item whose index is a multiple of `wrongEvery`. */
function items(wrongEvery: number, relabel = false): string {
  return Array.from({ length: 200 }, (_, i) => {
    const label = relabel && i === 0 ? "maybe" : i % 2 === 0 ? "yes" : "no";
    const wrong = i % wrongEvery === 0;
    return JSON.stringify({ id: `q${i}`, label, prediction: wrong ? "other" : label });
  }).join("\n");
}

const DAY = 86_400_000;
const sha = (c: string) => c.repeat(64);

describe("baseline specs and durations", () => {
  it("reads files, branches and releases", () => {
    expect(parseBaselineSpec("eval/prod.jsonl")).toEqual({ from: "file", path: "eval/prod.jsonl" });
    expect(parseBaselineSpec("branch:main")).toEqual({ from: "branch", branch: "main" });
    expect(parseBaselineSpec(" branch ")).toEqual({ from: "branch" });
    expect(parseBaselineSpec("release:v1.4.0")).toEqual({ from: "release", tag: "v1.4.0" });
    expect(parseBaselineSpec("./branch:main")).toEqual({ from: "file", path: "./branch:main" });
    expect(() => parseBaselineSpec("release:")).toThrow(/needs a tag/);
  });

  it("parses and prints durations", () => {
    expect(parseDuration("14d")).toBe(14 * DAY);
    expect(parseDuration("36h")).toBe(36 * 3_600_000);
    expect(parseDuration("2w")).toBe(14 * DAY);
    expect(parseDuration("90 m")).toBe(90 * 60_000);
    for (const bad of ["14", "d", "-1d", "0d", "1y", "1e3d"])
      expect(() => parseDuration(bad)).toThrow(/duration|more than zero/);
    expect(formatAge(3 * DAY + 4 * 3_600_000 + 5)).toBe("3d 4h");
    expect(formatAge(5 * 3_600_000 + 12 * 60_000)).toBe("5h 12m");
    expect(formatAge(59_000)).toBe("0m");
  });
});

describe("the baseline's metadata", () => {
  it("is saved beside a copy of the results, read back, and found through the directory", async () => {
    const results = await file("saved-results.jsonl", items(10));
    const out = join(dir, "saved");
    const saved = await saveBaseline({
      dir: out,
      results,
      evalSetSha256: sha("a"),
      configSha256: sha("b"),
      commit: "c".repeat(40),
      now: new Date("2025-03-01T00:00:00Z"),
    });
    expect(saved.files).toEqual(["saved-results.jsonl", BASELINE_META_FILE]);
    const meta = await readBaselineMeta(join(out, BASELINE_META_FILE));
    expect(meta).toMatchObject({
      schema: 1,
      gate: "eval-gate",
      results: "saved-results.jsonl",
      createdAt: "2025-03-01T00:00:00.000Z",
      evalSetSha256: sha("a"),
      configSha256: sha("b"),
      commit: "c".repeat(40),
    });
    expect(meta.tool?.name).toBe("mlgate");
    expect(await readFile(join(out, "saved-results.jsonl"), "utf8")).toBe(items(10));

    const found = await baselineFilesIn(out, saved.files, "artifact x");
    expect(found.results).toBe(join(out, "saved-results.jsonl"));
    expect(found.meta?.evalSetSha256).toBe(sha("a"));
    await expect(baselineFilesIn(out, ["a.jsonl", "b.jsonl"], "artifact x")).rejects.toThrow(
      /has 2 files and no mlgate-baseline.json, so its results file is unknown/,
    );
    expect((await baselineFilesIn(out, ["saved-results.jsonl"], "artifact x")).meta).toBeUndefined();
  });

  it("refuses metadata that is malformed or names files outside its directory", async () => {
    const bad = async (value: unknown) =>
      readBaselineMeta(await file(BASELINE_META_FILE, JSON.stringify(value)));
    await expect(bad({ schema: 1, createdAt: "yesterday", results: "r.jsonl" })).rejects.toThrow(/createdAt/);
    await expect(
      bad({ schema: 1, createdAt: "2025-01-01T00:00:00Z", results: "../../etc/passwd" }),
    ).rejects.toThrow(/results: a file name without a directory/);
    await expect(
      bad({ schema: 1, createdAt: "2025-01-01T00:00:00Z", results: "r", evalSetSha256: "abc" }),
    ).rejects.toThrow(/evalSetSha256: a SHA-256/);
    await expect(readBaselineMeta(await file(BASELINE_META_FILE, "{oops"))).rejects.toThrow(/not valid JSON/);
    await expect(readBaselineMeta(await file(BASELINE_META_FILE, "x".repeat(70_000)))).rejects.toThrow(
      /over the limit/,
    );
  });

  it("throws nothing but GateError on arbitrary metadata (property)", async () => {
    const path = join(dir, "fuzz-meta.json");
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string()), async (text) => {
        await writeFile(path, text);
        try {
          await readBaselineMeta(path);
        } catch (e) {
          if (!isGateError(e)) throw e;
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("baselineChecks", () => {
  const meta = {
    schema: 1 as const,
    createdAt: "2025-03-01T00:00:00Z",
    results: "r.jsonl",
    evalSetSha256: sha("a"),
    configSha256: sha("b"),
  };
  const now = Date.parse("2025-03-04T04:00:00Z");

  it("passes a baseline measured on the same eval set and configuration, recently enough", () => {
    const { checks, notes } = baselineChecks(
      { meta, evalSetSha256: sha("a"), configSha256: sha("b"), now },
      { mismatch: "warn", maxAge: { ms: 14 * DAY, text: "14d" } },
    );
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ["baseline eval set", "pass"],
      ["baseline config", "pass"],
      ["baseline age <= 14d", "pass"],
    ]);
    expect(checks[2]?.actual).toBe("3d 4h");
    expect(notes[0]).toMatch(/saved 2025-03-01T00:00:00Z \(3d 4h ago\)/);
  });

  it("warns or fails on another eval set, another configuration or an old baseline, by the policy", () => {
    const facts = { meta, evalSetSha256: sha("c"), configSha256: sha("d"), now: now + 20 * DAY };
    for (const mismatch of ["warn", "fail"] as const) {
      const { checks } = baselineChecks(facts, { mismatch, maxAge: { ms: 14 * DAY, text: "14d" } });
      expect(checks.map((c) => c.status)).toEqual([mismatch, mismatch, mismatch]);
      expect(checks[0]?.message).toMatch(/another eval set/);
      expect(checks[0]?.actual).toBe(`sha256 ${"c".repeat(12)}…`);
      expect(checks[1]?.message).toMatch(/configured differently/);
      expect(checks[2]?.message).toMatch(/more than 14d ago: refresh it/);
    }
  });

  it("cannot check a baseline without metadata: a note, or a failure under a strict policy", () => {
    const loose = baselineChecks({ configSha256: sha("d"), now }, { mismatch: "warn" });
    expect(loose.checks).toEqual([]);
    expect(loose.notes[0]).toMatch(/has no mlgate-baseline.json/);
    const strict = baselineChecks(
      { configSha256: sha("d"), now },
      { mismatch: "fail", maxAge: { ms: DAY, text: "1d" } },
    );
    expect(strict.checks.map((c) => [c.name, c.status])).toEqual([
      ["baseline fingerprint", "fail"],
      ["baseline age <= 1d", "fail"],
    ]);
    // The artifact's creation time stands in for a missing metadata file.
    const dated = baselineChecks(
      { configSha256: sha("d"), createdAt: "2025-03-04T00:00:00Z", now },
      { mismatch: "fail", maxAge: { ms: DAY, text: "1d" } },
    );
    expect(dated.checks[1]).toMatchObject({ status: "pass", actual: "4h" });
  });
});

describe("configFingerprint", () => {
  it("changes with the reading options and the eval-config files, not with key order or paths", async () => {
    const prompt = await file("prompt.txt", "Answer yes or no.");
    const a = await configFingerprint({ kind: "classification", columns: { id: "doc" } }, [
      { name: "prompt.txt", path: prompt },
    ]);
    const b = await configFingerprint({ columns: { id: "doc" }, kind: "classification" }, [
      { name: "./prompt.txt", path: prompt },
    ]);
    expect(a).toBe(b);
    expect(
      await configFingerprint({ kind: "classification" }, [{ name: "prompt.txt", path: prompt }]),
    ).not.toBe(a);
    await writeFile(prompt, "Answer yes, no or maybe.");
    expect(
      await configFingerprint({ kind: "classification", columns: { id: "doc" } }, [
        { name: "prompt.txt", path: prompt },
      ]),
    ).not.toBe(a);
    await expect(
      configFingerprint({}, [{ name: "missing.txt", path: join(dir, "missing.txt") }]),
    ).rejects.toThrow(/eval-config file not found: missing.txt/);
    expect(canonicalJson({ b: [1, { d: 2, c: undefined }], a: "x" })).toBe('{"a":"x","b":[1,{"d":2}]}');
  });
});

describe("eval-gate with a saved baseline", () => {
  it("saves a first baseline without comparing, then checks later runs against it", async () => {
    const main = await file("main.jsonl", items(10));
    const out = join(dir, "artifact");
    const first = await runEvalGate({
      candidate: main,
      gates: ["delta(accuracy) >= -0.05", "accuracy >= 0.8"],
      saveBaseline: { dir: out, commit: "d".repeat(40) },
      now: new Date("2025-03-01T00:00:00Z"),
    });
    expect(first.verdict).toBe("pass");
    expect(first.checks.map((c) => [c.name, c.status])).toEqual([
      ["accuracy >= 0.8", "pass"],
      ["delta(accuracy) >= -0.05", "skip"],
    ]);
    expect(first.headline).toBe("1 check passed (200 items); 1 not judged");
    expect(first.outputs?.["baseline-dir"]).toBe(out);
    expect(first.notes?.at(-1)).toMatch(
      /Saved these results as a baseline in .*artifact \(main.jsonl, mlgate-baseline.json\)/,
    );

    // A pull request evaluated on the same eval set: the metadata beside the file is found and checked.
    const pr = await file("pr.jsonl", items(12));
    const same = await runEvalGate({
      candidate: pr,
      baseline: join(out, "main.jsonl"),
      gates: ["delta(accuracy) >= -0.05"],
      baselinePolicy: { maxAge: "14d" },
      now: new Date("2025-03-02T00:00:00Z"),
    });
    expect(same.checks.map((c) => [c.name, c.status])).toEqual([
      ["delta(accuracy) >= -0.05", "pass"],
      ["baseline eval set", "pass"],
      ["baseline config", "pass"],
      ["baseline age <= 14d", "pass"],
    ]);
    expect(same.verdict).toBe("pass");

    // Relabelled eval set, strict policy, stale baseline: each fails and the headline says so.
    const relabelled = await file("relabelled.jsonl", items(12, true));
    const strict = await runEvalGate({
      candidate: relabelled,
      baseline: join(out, "main.jsonl"),
      gates: ["delta(accuracy) >= -0.05"],
      kind: "classification",
      baselinePolicy: { mismatch: "fail", maxAge: "14d" },
      now: new Date("2025-04-01T00:00:00Z"),
    });
    expect(strict.verdict).toBe("fail");
    expect(strict.checks.filter((c) => c.status === "fail").map((c) => c.name)).toEqual([
      "baseline eval set",
      "baseline config",
      "baseline age <= 14d",
    ]);
    expect(strict.headline).toMatch(/^3 of 4 checks failed: baseline eval set/);
  });

  it("describes a fetched baseline and uses its metadata, not a file that happens to sit beside it", async () => {
    const out = join(dir, "fetched");
    const checklist = await file(
      "f-checklist.jsonl",
      '{"test":"t","test_type":"mft","label":1,"prediction":1}\n',
    );
    const saved = await saveBaseline({
      dir: out,
      results: await file("f.jsonl", items(10)),
      behavioural: checklist,
      configSha256: sha("e"),
    });
    expect(saved.files).toEqual(["f.jsonl", "f-checklist.jsonl", BASELINE_META_FILE]);
    const files = await baselineFilesIn(out, saved.files, "artifact");
    expect(files.behavioural).toBe(join(out, "f-checklist.jsonl"));
    const input = useFetchedBaseline(
      {
        candidate: await file("g.jsonl", items(10)),
        gates: ["delta(accuracy) >= 0"],
        behavioural: { results: checklist },
      },
      files,
      {
        summary: "Baseline: artifact of run #6 on main.",
        links: [{ title: "baseline run", url: "https://github.com/acme/models/actions/runs/6" }],
      },
    );
    expect(input.behavioural).toEqual({ results: checklist, baseline: join(out, "f-checklist.jsonl") });
    expect(input.baselineMeta).toBe(join(out, BASELINE_META_FILE));
    const report = await runEvalGate(input);
    expect(report.links).toEqual([
      { title: "baseline run", url: "https://github.com/acme/models/actions/runs/6" },
    ]);
    expect(report.notes).toContain("Baseline: artifact of run #6 on main.");
    expect(report.checks.find((c) => c.name === "baseline config")?.status).toBe("warn");
  });
});

describe("resolveEvalGate", () => {
  it("leaves a remote baseline for the action, with its artifact, workflow and label settings", async () => {
    const cfg = await file(
      "remote.yml",
      [
        "eval-gate:",
        "  candidate: c.jsonl",
        "  baseline: branch:main",
        "  baseline-workflow: eval.yml",
        "  baseline-max-age: 14d",
        "  accept-label: ship-it",
        "  behavioural: checklist.jsonl",
        "  eval-config: [prompt.txt]",
        "  gates: [accuracy >= 0.5]",
      ].join("\n"),
    );
    const resolved = await resolveEvalGate({}, { cwd: dir, configPath: cfg });
    expect(resolved.input.baseline).toBeUndefined();
    expect(resolved.remoteBaseline).toEqual({
      spec: { from: "branch", branch: "main" },
      artifact: "mlgate-eval-baseline",
      workflow: "eval.yml",
    });
    expect(resolved.acceptLabel).toBe("ship-it");
    expect(resolved.input.baselinePolicy).toEqual({ maxAge: "14d" });
    expect(resolved.input.behavioural).toEqual({ results: join(dir, "checklist.jsonl") });
    expect(resolved.input.evalConfig).toEqual([{ name: "prompt.txt", path: join(dir, "prompt.txt") }]);

    const overridden = await resolveEvalGate(
      { baseline: "release:v2", baselineArtifact: "eval.zip", acceptLabel: false },
      { cwd: dir, configPath: cfg },
    );
    expect(overridden.remoteBaseline?.spec).toEqual({ from: "release", tag: "v2" });
    expect(overridden.remoteBaseline?.artifact).toBe("eval.zip");
    expect(overridden.acceptLabel).toBeUndefined();

    const plain = await resolveEvalGate(
      { candidate: "c.jsonl", baseline: "b.jsonl", gates: ["accuracy >= 0"] },
      { cwd: dir },
    );
    expect(plain.input.baseline).toBe(join(dir, "b.jsonl"));
    expect(plain.acceptLabel).toBe("mlgate:accept-regression");
    await expect(
      resolveEvalGate({ candidate: "c.jsonl", baselineMaxAge: "forever" }, { cwd: dir }),
    ).rejects.toThrow(/baseline-max-age "forever" is not a duration/);
  });
});

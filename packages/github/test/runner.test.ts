/**
 * The runner protocol as the runner reads it back: workflow commands parsed by the harness's own
 * parser, file commands parsed as the runner parses heredoc blocks.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runner } from "../src/index.js";
import { type ActionEnv, actionEnv } from "./action-env.js";

let env: ActionEnv | undefined;
afterEach(() => {
  env?.restore();
  env = undefined;
});

describe("the runner protocol", () => {
  it("reads inputs by their upper-cased, underscored names, trimmed unless asked not to", () => {
    env = actionEnv({ inputs: { "fail-on": "  breaking  ", OUTPUT: "a.sarif\n\n  b.xml  \n" } });
    vi.stubEnv("INPUT_MY_INPUT", " x ");
    expect(runner.getInput("fail-on")).toBe("breaking");
    expect(runner.getInput("my input")).toBe("x");
    expect(runner.getInput("my input", { trimWhitespace: false })).toBe(" x ");
    expect(runner.getMultilineInput("output")).toEqual(["a.sarif", "b.xml"]);
    expect(runner.getInput("absent")).toBe("");
    expect(() => runner.getInput("absent", { required: true })).toThrow(
      "Input required and not supplied: absent",
    );
  });

  it("escapes annotations so a message cannot start a command of its own", () => {
    env = actionEnv();
    runner.error("line one\n::add-mask::x 100%", { file: "api/v1,2.yaml", startLine: 3, title: "a: b" });
    runner.warning("careful");
    runner.notice("fyi", { file: "m.json", startLine: 1, endLine: 2, startColumn: 5 });
    const { annotations } = env.commands();
    expect(annotations).toEqual([
      expect.objectContaining({
        level: "error",
        message: "line one\n::add-mask::x 100%",
        file: "api/v1,2.yaml",
        line: 3,
        title: "a: b",
      }),
      expect.objectContaining({ level: "warning", message: "careful" }),
      expect.objectContaining({
        level: "notice",
        message: "fyi",
        file: "m.json",
        line: 1,
        endLine: 2,
        col: 5,
      }),
    ]);
    expect(env.stdout()).not.toMatch(/^::add-mask::/m);
  });

  it("writes outputs and state as heredoc blocks that a value cannot break out of", () => {
    env = actionEnv();
    runner.setOutput("headline", "two\nlines");
    runner.setOutput("report-json", { verdict: "pass" });
    expect(env.outputs()).toEqual({ headline: "two\nlines", "report-json": '{"verdict":"pass"}' });

    const state = join(env.dir, "state");
    writeFileSync(state, "");
    vi.stubEnv("GITHUB_STATE", state);
    runner.saveState("rollout", "open");
    expect(readFileSync(state, "utf8")).toMatch(
      /^rollout<<ghadelimiter_[0-9a-f-]+\nopen\nghadelimiter_[0-9a-f-]+\n$/,
    );
    vi.stubEnv("STATE_rollout", "open");
    expect(runner.getState("rollout")).toBe("open");
  });

  it("masks secrets, groups the log, fails the step and appends to the summary", async () => {
    env = actionEnv();
    runner.setSecret("s3cr3t");
    const value = await runner.group("mlgate contract-diff", async () => {
      runner.info("inside");
      return 42;
    });
    expect(value).toBe(42);
    runner.setFailed("it broke");
    expect(process.exitCode).toBe(1);
    expect(runner.appendSummary("## Report")).toBe(true);
    const commands = env.commands();
    expect(commands.secretsMasked).toEqual(["s3cr3t"]);
    expect(commands.groups).toEqual(["mlgate contract-diff"]);
    expect(commands.annotations).toEqual([expect.objectContaining({ level: "error", message: "it broke" })]);
    expect(env.summary()).toBe("## Report\n");
    vi.stubEnv("GITHUB_STEP_SUMMARY", "");
    expect(runner.appendSummary("x")).toBe(false);
  });

  it("refuses to write a file command the runner did not create", () => {
    env = actionEnv();
    vi.stubEnv("GITHUB_OUTPUT", join(env.dir, "missing"));
    expect(() => runner.setOutput("a", "b")).toThrow(/GITHUB_OUTPUT file does not exist/);
  });
});

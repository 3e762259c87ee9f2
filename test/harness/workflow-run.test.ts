/**
 * The workflow runner's own rules, on a small workflow of bash steps: outputs from step to job to the
 * next job, `if:` and status functions, `continue-on-error`, skipped dependents, GITHUB_ENV between
 * steps, stand-ins, and the refusal to guess at an action it has no stand-in for.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { pushEvent } from "./events.js";
import { type FakeGitHub, startFakeGitHub } from "./fake-github.js";
import { runWorkflow, type Workflow } from "./workflow-run.js";

const E = (inner: string) => `${"$"}{{ ${inner} }}`;

let github: FakeGitHub;
beforeAll(async () => {
  github = await startFakeGitHub();
});
afterAll(async () => {
  await github.close();
});

const WORKFLOW = parseYaml(`
name: rules
env:
  GREETING: hello
jobs:
  first:
    outputs:
      word: ${E("steps.say.outputs.word")}
      shouted: ${E("steps.shout.outputs.word")}
    steps:
      - id: say
        run: echo "word=$GREETING" >> "$GITHUB_OUTPUT"; echo "LATER=from-env" >> "$GITHUB_ENV"
      - id: shout
        env:
          WORD: ${E("steps.say.outputs.word")}
        run: echo "word=\${WORD^^} $LATER" >> "$GITHUB_OUTPUT"
      - id: flaky
        continue-on-error: true
        run: exit 3
      - id: after
        if: steps.flaky.outcome == 'failure'
        run: echo "ran=yes" >> "$GITHUB_OUTPUT"
  second:
    needs: first
    outputs:
      got: ${E("steps.read.outputs.got")}
    steps:
      - id: read
        env:
          GOT: ${E("needs.first.outputs.shouted")}
        run: echo "got=$GOT" >> "$GITHUB_OUTPUT"
  broken:
    needs: first
    steps:
      - run: echo "::error title=Broken::on purpose"; exit 1
      - id: skipped
        run: echo "never"
      - id: cleanup
        if: always()
        uses: acme/cleanup@0123456789012345678901234567890123456789
  downstream:
    needs: broken
    steps:
      - run: echo "never"
  report:
    needs: [second, broken, downstream]
    if: always()
    steps:
      - id: table
        env:
          RESULTS: ${E("needs.second.result")} ${E("needs.broken.result")} ${E("needs.downstream.result")}
        run: echo "results=$RESULTS" >> "$GITHUB_OUTPUT"
    outputs:
      results: ${E("steps.table.outputs.results")}
`) as Workflow;

describe("runWorkflow", () => {
  it("follows the runner's rules for outputs, conditions, failures and skipped jobs", async () => {
    const cleanups: string[] = [];
    const run = await runWorkflow({
      workflow: WORKFLOW,
      workflowFile: "rules.yml",
      event: pushEvent(),
      github,
      repositoryRoot: process.cwd(),
      standIns: {
        "acme/cleanup": async ({ job }) => {
          cleanups.push(job);
          return { outputs: { done: "true" } };
        },
      },
    });
    expect(run.jobs.map((j) => [j.id, j.result])).toEqual([
      ["first", "success"],
      ["second", "success"],
      ["broken", "failure"],
      ["downstream", "skipped"],
      ["report", "success"],
    ]);
    const first = run.job("first");
    expect(first.outputs).toEqual({ word: "hello", shouted: "HELLO from-env" });
    expect(first.steps.map((s) => [s.id, s.outcome, s.conclusion])).toEqual([
      ["say", "success", "success"],
      ["shout", "success", "success"],
      ["flaky", "failure", "success"],
      ["after", "success", "success"],
    ]);
    expect(run.job("second").outputs.got).toBe("HELLO from-env");
    expect(run.job("broken").steps.map((s) => s.outcome)).toEqual(["failure", "skipped", "success"]);
    expect(run.job("broken").steps[0]?.annotations).toEqual([
      expect.objectContaining({ level: "error", title: "Broken", message: "on purpose" }),
    ]);
    expect(cleanups).toEqual(["broken"]);
    expect(run.job("report").outputs.results).toBe("success failure skipped");
  });

  it("refuses a third-party action it has no stand-in for", async () => {
    const workflow = parseYaml(
      "jobs:\n  a:\n    steps:\n      - uses: acme/deploy@0123456789012345678901234567890123456789\n",
    ) as Workflow;
    await expect(
      runWorkflow({
        workflow,
        workflowFile: "x.yml",
        event: pushEvent(),
        github,
        repositoryRoot: process.cwd(),
        standIns: {},
      }),
    ).rejects.toThrow(/no stand-in for acme\/deploy@/);
  });

  it("replaces only inputs a step sets", async () => {
    const workflow = parseYaml(
      "jobs:\n  a:\n    steps:\n      - id: s\n        uses: acme/x@0123456789012345678901234567890123456789\n        with:\n          rate: 200/s\n",
    ) as Workflow;
    const seen: Record<string, string>[] = [];
    const options = {
      workflow,
      workflowFile: "x.yml",
      event: pushEvent(),
      github,
      repositoryRoot: process.cwd(),
      standIns: {
        "acme/x": async ({ with: given }: { with: Record<string, string> }) => {
          seen.push(given);
          return undefined;
        },
      },
    };
    await runWorkflow({ ...options, overrides: { "a/s": { rate: "5/s" } } });
    expect(seen).toEqual([{ rate: "5/s" }]);
    await expect(runWorkflow({ ...options, overrides: { "a/s": { duration: "1s" } } })).rejects.toThrow(
      /replaces no input/,
    );
  });
});

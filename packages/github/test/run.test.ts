import { existsSync } from "node:fs";
import { GateError, makeReport } from "@mlgate/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type FakeGitHub, startFakeGitHub } from "../../../test/harness/index.js";
import { readInputs } from "../src/inputs.js";
import { runGateAction } from "../src/run.js";
import { type ActionEnv, actionEnv, prEvent } from "./action-env.js";

let github: FakeGitHub;
let env: ActionEnv;

beforeAll(async () => {
  github = await startFakeGitHub();
});
afterAll(() => github.close());
beforeEach(() => github.reset());
afterEach(() => env.restore());

describe("runGateAction", () => {
  it("publishes the gate's report and logs a one-line verdict", async () => {
    env = actionEnv();
    await runGateAction("eval-gate", async () => {
      process.stdout.write("evaluating…\n");
      return {
        report: makeReport({ gate: "eval-gate", verdict: "warn", headline: "p95 close to its bound" }),
      };
    });
    expect(env.outputs().verdict).toBe("warn");
    expect(env.commands().groups).toEqual(["mlgate eval-gate", "Publish report"]);
    expect(env.stdout()).toContain("eval-gate: WARN — p95 close to its bound\n");
    expect(process.exitCode).toBeUndefined();
  });

  it("turns a GateError into an error report that is still published", async () => {
    env = actionEnv({ inputs: { "fail-on": "sometimes" } });
    await runGateAction("eval-gate", async () => {
      readInputs(z.object({ failOn: z.enum(["pass", "warn", "fail"]) }));
      throw new Error("unreachable");
    });
    const outputs = env.outputs();
    expect(outputs.verdict).toBe("error");
    expect(outputs.headline).toBe('input "fail-on": expected one of pass, warn, fail; got "sometimes"');
    expect(existsSync(outputs.report!)).toBe(true);
    expect(env.summary()).toContain("fail-on");
    expect(process.exitCode).toBe(1);
    expect(env.commands().annotations.at(-1)?.message).toBe(
      'mlgate could not judge: input "fail-on": expected one of pass, warn, fail; got "sometimes"',
    );
    // A user's mistake needs no stack trace.
    expect(env.stdout()).not.toContain("    at ");
  });

  it("reports our own bugs as internal errors, with the stack in the log", async () => {
    env = actionEnv();
    await runGateAction("eval-gate", async () => {
      throw new TypeError("cannot read properties of undefined");
    });
    expect(env.outputs().headline).toBe("internal error: cannot read properties of undefined");
    expect(env.stdout()).toContain("    at ");
    expect(process.exitCode).toBe(1);
  });

  it("survives a gate that throws something that is not an Error", async () => {
    env = actionEnv();
    await expect(
      runGateAction("eval-gate", async () => {
        throw "just a string";
      }),
    ).resolves.toBeUndefined();
    expect(env.outputs().headline).toBe("internal error: just a string");
  });

  it("still comments on the pull request when the gate fails before choosing publish options", async () => {
    env = actionEnv({
      event: prEvent(21),
      apiUrl: github.url,
      inputs: { token: github.token, comment: "true" },
    });
    await runGateAction("eval-gate", async () => {
      throw new GateError("mlgate.yml:3:5: unknown key `gatez`", { hint: "did you mean `gates`?" });
    });
    const comments = github.comments("acme", "models", 21);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("gatez");
    expect(env.commands().secretsMasked).toContain(github.token);
  });
});

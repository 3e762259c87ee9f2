import { describeError, errorReport, isGateError, type Report, type Verdict } from "@mlgate/core";
import { type PublishOptions, publishReport } from "./publish.js";
import * as runner from "./runner.js";

export interface GateOutcome {
  report: Report;
  publish?: PublishOptions;
}

const LABEL: Record<Verdict, string> = { pass: "PASS", warn: "WARN", fail: "FAIL", error: "ERROR" };

/**
 * When the gate throws before it could say how to publish, honour the conventional inputs anyway,
 * so an invalid configuration still shows up in the pull-request comment.
 */
function publishOptionsFromInputs(): PublishOptions {
  const token = runner.getInput("token");
  if (token) runner.setSecret(token);
  const comment = runner.getInput("comment").toLowerCase();
  const commentKey = runner.getInput("comment-key");
  const files = runner.getMultilineInput("output").filter((line) => !line.trim().startsWith("#"));
  return {
    ...(token ? { token } : {}),
    ...(files.length > 0 ? { files } : {}),
    comment: comment === "on-failure" ? "on-failure" : !["false", "no", "0"].includes(comment),
    ...(commentKey ? { commentKey } : {}),
  };
}

let guarded = false;

/** A stray promise rejected inside a gate must fail the step, not crash it without a report. */
function guardRejections(): void {
  if (guarded) return;
  guarded = true;
  process.on("unhandledRejection", (e) => {
    runner.error(`mlgate hit an unhandled rejection: ${describeError(e)}`);
    process.exitCode = 1;
  });
}

/**
 * The whole body of an action's entry point: run the gate, turn anything it throws into an
 * `error` report, publish whatever came out, and set the exit code. Never rejects.
 */
export async function runGateAction(gate: string, main: () => Promise<GateOutcome>): Promise<void> {
  guardRejections();
  let outcome: GateOutcome;
  try {
    outcome = await runner.group(`mlgate ${gate}`, main);
  } catch (e) {
    // Stack traces help with our bugs, not with the user's bad input.
    if (!isGateError(e) && e instanceof Error && e.stack) runner.info(e.stack);
    outcome = { report: errorReport(gate, e), publish: publishOptionsFromInputs() };
  }

  const { report } = outcome;
  try {
    await runner.group("Publish report", () => publishReport(report, outcome.publish));
    runner.info(`${gate}: ${LABEL[report.verdict]} — ${report.headline}`);
  } catch (e) {
    runner.setFailed(`mlgate could not judge: could not publish the report: ${describeError(e)}`);
  }
}

import { resolve } from "node:path";
import { describeError, errorReport, exitCodeOf, type OutputFormat, type Report } from "@mlgate/core";
import { Command, Option } from "commander";
import { emitReport, parseFormat } from "./output.js";

/** Options every gate command accepts. */
export interface CommonOptions {
  config?: string;
  gate: string[];
  format: OutputFormat;
  output: string[];
  color: boolean;
}

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Colour by default only on a terminal that has not asked for none. */
  colorDefault: boolean;
}

/** What a gate command produced: the report, and the files its config asks for. */
export interface Judged {
  report: Report;
  /** From the config's `report.outputs`, already absolute; `--output` replaces them. */
  outputs?: string[];
}

/** Commander accumulator for repeatable options. */
export const collect = (value: string, previous: string[]) => [...previous, value];

/** Add the common options to a gate command and run `judge` with the exit code convention. */
export function gateCommand(
  name: string,
  description: string,
  io: CliIO,
  setExitCode: (code: number) => void,
  judge: (options: CommonOptions & Record<string, unknown>, args: string[]) => Promise<Judged>,
): Command {
  const command = new Command(name)
    .description(description)
    .option(
      "-c, --config <file>",
      "config file (default: mlgate.yml, .mlgate.yml or .github/mlgate.yml if present)",
    )
    .option(
      "-g, --gate <expr>",
      "threshold to enforce, e.g. 'accuracy >= 0.9' (repeatable; replaces the config's gates)",
      collect,
      [],
    )
    .addOption(
      new Option("-f, --format <format>", "what to print on stdout")
        .choices(["text", "json", "markdown", "sarif", "junit"])
        .default("text"),
    )
    .option(
      "-o, --output <file>",
      "also write the report to FILE, in the format its extension implies (.json .md .sarif .xml) (repeatable)",
      collect,
      [],
    )
    .option("--no-color", "plain text without ANSI colours");
  command.action(async (...received: unknown[]) => {
    // commander passes positional args, then the options object, then the command.
    const args = received.slice(0, -2) as string[];
    const options = command.opts() as CommonOptions & Record<string, unknown>;
    let judged: Judged;
    try {
      options.format = parseFormat(String(options.format));
      judged = await judge(
        options,
        args.filter((a) => typeof a === "string"),
      );
    } catch (e) {
      judged = { report: errorReport(name, e) };
    }
    const outputs =
      options.output.length > 0 ? options.output.map((f) => resolve(io.cwd, f)) : (judged.outputs ?? []);
    try {
      await emitReport(judged.report, {
        format: options.format,
        outputs,
        color: options.color !== false && io.colorDefault,
        stdout: io.stdout,
      });
      setExitCode(exitCodeOf(judged.report.verdict));
    } catch (e) {
      io.stderr(`mlgate: could not write the report: ${describeError(e)}\n`);
      setExitCode(2);
    }
  });
  return command;
}

import { errorReport, exitCodeOf, type OutputFormat, type Report } from "@mlgate/core";
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

const collect = (value: string, previous: string[]) => [...previous, value];

/** Add the common options to a gate command and run `judge` with the exit code convention. */
export function gateCommand(
  name: string,
  description: string,
  io: CliIO,
  setExitCode: (code: number) => void,
  judge: (options: CommonOptions & Record<string, unknown>, args: string[]) => Promise<Report>,
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
    let report: Report;
    try {
      options.format = parseFormat(String(options.format));
      report = await judge(
        options,
        args.filter((a) => typeof a === "string"),
      );
    } catch (e) {
      report = errorReport(name, e);
    }
    await emitReport(report, {
      format: options.format,
      outputs: options.output,
      color: options.color !== false && io.colorDefault,
      stdout: io.stdout,
    });
    setExitCode(exitCodeOf(report.verdict));
  });
  return command;
}

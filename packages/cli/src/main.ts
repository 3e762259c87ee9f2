import { TOOL } from "@mlgate/core";
import { Command, CommanderError } from "commander";
import { canaryCommand } from "./commands/canary.js";
import { contractDiffCommand } from "./commands/contract-diff.js";
import { evalGateCommand } from "./commands/eval-gate.js";
import { loadTestCommand } from "./commands/load-test.js";
import { scanImageCommand } from "./commands/scan-image.js";
import { validateArtifactCommand } from "./commands/validate-artifact.js";
import { mlgateJsonSchema } from "./config-schema.js";
import type { CliIO } from "./gate-command.js";

/** Run the command line; resolves to the process exit code (0 pass/warn, 1 fail, 2 error). */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode = 0;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  const program = new Command("mlgate")
    .description("Gate the release of machine-learning models: every gate ends in pass, warn, fail or error.")
    .version(TOOL.version)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      `
Exit status: 0 pass or warn · 1 fail · 2 error (bad input, cannot judge)
Config: mlgate.yml (schema: mlgate schema > mlgate.schema.json); flags override config keys.`,
    );
  program.addCommand(validateArtifactCommand(io, setExitCode));
  program.addCommand(evalGateCommand(io, setExitCode));
  program.addCommand(contractDiffCommand(io, setExitCode));
  program.addCommand(scanImageCommand(io, setExitCode));
  program.addCommand(loadTestCommand(io, setExitCode));
  program.addCommand(canaryCommand(io, setExitCode));
  program
    .command("schema")
    .description("print the JSON Schema of mlgate.yml (for editor autocompletion)")
    .action(() => io.stdout(`${JSON.stringify(mlgateJsonSchema(), null, 2)}\n`));

  for (const command of program.commands)
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors are "cannot judge".
      return e.exitCode === 0 ? 0 : 2;
    }
    throw e;
  }
  return exitCode;
}

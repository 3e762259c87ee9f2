import { GateError } from "@mlgate/core";
import { runCommand } from "./run-command.js";
import { VerifiedProvider, type Weights } from "./types.js";

export interface CommandProviderOptions {
  /** Moves traffic; `{{canary}}` and `{{baseline}}` in any argument become the percentages. */
  set: string[];
  /** Prints the current split: `{"canary": 5}`, `canary=5`, or just `5`. */
  get: string[];
  /** Optional replacements for a set to 100% and to 0%. */
  promote?: string[];
  rollback?: string[];
  cwd?: string;
  timeoutMs?: number;
}

const MAX_ARGS = 64;
const MAX_ARG_LENGTH = 4096;

function checkArgv(argv: readonly string[] | undefined, key: string): void {
  if (argv === undefined) return;
  if (argv.length === 0 || argv.length > MAX_ARGS) {
    throw new GateError(`command provider: "${key}" needs 1 to ${MAX_ARGS} arguments (the program first)`);
  }
  if (argv.some((a) => typeof a !== "string" || a.length > MAX_ARG_LENGTH || a.includes("\0"))) {
    throw new GateError(`command provider: an argument of "${key}" is too long or holds a NUL character`);
  }
}

/** `{"canary": 5}`, `{"weights": {"canary": 5}}`, `canary=5`, `canary: 5` or `5`. */
export function parseReportedWeights(stdout: string, argv: readonly string[]): Weights {
  const text = stdout.trim();
  const bad = () =>
    new GateError(
      `command provider: \`${argv.join(" ")}\` printed ${JSON.stringify(text.slice(0, 80))}, not the weights`,
      {
        hint: 'print the candidate\'s percentage: 5, canary=5 or {"canary": 5}',
      },
    );
  if (text === "") throw bad();
  let value: unknown;
  if (text.startsWith("{")) {
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      const nested = json.weights as Record<string, unknown> | undefined;
      value = json.canary ?? nested?.canary;
    } catch {
      throw bad();
    }
  } else {
    const m = /^(?:canary\s*[=:]\s*)?(-?\d+(?:\.\d+)?)\s*%?$/i.exec(text.split(/\r?\n/).pop()!.trim());
    value = m ? Number(m[1]) : undefined;
  }
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) throw bad();
  return { canary: n };
}

/**
 * The escape hatch: any router a script can drive. The set command runs with the weights as separate
 * arguments (no shell), then the get command reads them back.
 */
export class CommandProvider extends VerifiedProvider {
  readonly kind = "command";

  constructor(private readonly options: CommandProviderOptions) {
    super();
    checkArgv(options.set, "set");
    checkArgv(options.get, "get");
    checkArgv(options.promote, "promote");
    checkArgv(options.rollback, "rollback");
  }

  describe(): string {
    return `the router behind \`${this.options.get.join(" ")}\``;
  }

  protected async apply(weights: Weights): Promise<void> {
    const template =
      weights.canary === 100 && this.options.promote
        ? this.options.promote
        : weights.canary === 0 && this.options.rollback
          ? this.options.rollback
          : this.options.set;
    const canary = String(Number(weights.canary.toFixed(2)));
    const baseline = String(Number((100 - weights.canary).toFixed(2)));
    const argv = template.map((a) => a.replaceAll("{{canary}}", canary).replaceAll("{{baseline}}", baseline));
    await runCommand(argv, { what: "traffic command", ...this.common() });
  }

  protected async read(): Promise<Weights> {
    const { stdout } = await runCommand(this.options.get, {
      what: "traffic read-back command",
      ...this.common(),
    });
    return parseReportedWeights(stdout, this.options.get);
  }

  private common() {
    return {
      ...(this.options.cwd ? { cwd: this.options.cwd } : {}),
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
    };
  }
}

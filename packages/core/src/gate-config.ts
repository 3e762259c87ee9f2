import { dirname, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { findConfigFile, loadConfigFile } from "./config/index.js";
import { GateError } from "./errors.js";
import { closestMatches } from "./suggest.js";

export interface GateConfigSource {
  /** An explicit config file (`--config`, the action's `config` input); missing = an error. */
  configPath?: string;
  /** Where to look for a default `mlgate.yml` when no path is given. */
  cwd: string;
}

export interface LoadedGateConfig<T> {
  /** The gate's section, or undefined when there is no config file or no section for this gate. */
  section: T | undefined;
  /** The file it came from. */
  file?: string;
  /** Paths inside the config file are relative to the file's own directory. */
  baseDir: string;
}

/**
 * Load one gate's section of `mlgate.yml`. Other gates' sections are left for their own gates to
 * validate, so a typo in one section never blocks an unrelated gate.
 */
export async function loadGateSection<S extends z.ZodType>(
  gate: string,
  section: S,
  source: GateConfigSource,
): Promise<LoadedGateConfig<z.output<S>>> {
  const file = source.configPath ? resolve(source.cwd, source.configPath) : findConfigFile(source.cwd);
  if (!file) return { section: undefined, baseDir: source.cwd };
  const schema = z.looseObject({ version: z.literal(1).optional(), [gate]: section.optional() });
  const parsed = (await loadConfigFile(file, schema)) as Record<string, unknown>;
  if (parsed[gate] === undefined) refuseMisspeltSection(gate, Object.keys(parsed), file);
  return { section: parsed[gate] as z.output<S> | undefined, file, baseDir: dirname(file) };
}

/** A section meant for this gate but misspelt would otherwise be silently ignored. */
function refuseMisspeltSection(gate: string, keys: readonly string[], file: string): void {
  const near = closestMatches(
    gate,
    keys.filter((k) => k !== "version" && k !== "$schema"),
    1,
  );
  if (near.length > 0) {
    throw new GateError(`${file} has no "${gate}" section but has "${near[0]}"`, {
      location: { file },
      hint: `rename it to "${gate}"`,
    });
  }
}

/** Resolve a path written in a config file against that file's directory. */
export function resolveFrom(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** How a gate publishes, from the section's `report:` block (paths resolved against the config file). */
export interface ReportSettings {
  comment?: boolean | "on-failure";
  outputs?: string[];
}

export function reportSettingsOf(
  report: { comment?: boolean | "on-failure"; outputs?: string[] } | undefined,
  baseDir: string,
): ReportSettings {
  return {
    ...(report?.comment !== undefined ? { comment: report.comment } : {}),
    ...(report?.outputs ? { outputs: report.outputs.map((p) => resolveFrom(baseDir, p)) } : {}),
  };
}

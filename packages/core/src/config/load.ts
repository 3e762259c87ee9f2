import { open } from "node:fs/promises";
import type { z } from "zod";
import { GateError } from "../errors.js";
import { formatValue } from "../units.js";
import { ConfigError } from "./config-error.js";
import { configIssues } from "./issues.js";
import { parseJsonSource } from "./json-source.js";
import { type ConfigLimits, resolveLimits } from "./limits.js";
import { CONFIG_FILE_NAMES, isJsonFile } from "./names.js";
import type { ConfigSource } from "./source.js";
import { checkConfigText, decodeConfigBytes } from "./text.js";
import { parseYamlSource } from "./yaml-source.js";

function tooLarge(file: string, size: number, limits: ConfigLimits): GateError {
  return new GateError(
    `${file} is ${formatValue(size, "bytes")}, over the ${formatValue(limits.maxBytes, "bytes")} limit for config files`,
    { location: { file }, hint: "is this the right file? Config files are a few kilobytes" },
  );
}

function readSource(input: string | Uint8Array, file: string, limits: ConfigLimits): ConfigSource {
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;
  if (size > limits.maxBytes) throw tooLarge(file, size, limits);
  const text = checkConfigText(typeof input === "string" ? input : decodeConfigBytes(input, file), file);
  return isJsonFile(file) ? parseJsonSource(text, file, limits) : parseYamlSource(text, file, limits);
}

/**
 * Parse and validate config text (`.json` files as JSON, everything else as YAML). An empty file is
 * an empty config. Every failure is a GateError located at the offending node; validation failures
 * are a {@link ConfigError} listing all problems.
 */
export function parseConfigText<S extends z.ZodType>(
  text: string | Uint8Array,
  file: string,
  schema: S,
  limits?: Partial<ConfigLimits>,
): z.output<S> {
  const source = readSource(text, file, resolveLimits(limits));
  const result = schema.safeParse(source.value, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(file, configIssues(result.error.issues, schema, source));
}

/** Read at most `maxBytes + 1` bytes, so even a file growing under us cannot exhaust memory. */
async function readCapped(path: string, limits: ConfigLimits): Promise<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new GateError(`config file not found: ${path}`, {
        hint: `check the path (relative paths start at the working directory), or leave it out to use the first of ${CONFIG_FILE_NAMES.join(", ")} that exists`,
        cause: e,
      });
    }
    throw new GateError(`cannot read config file ${path}: ${code ?? String(e)}`, { cause: e });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new GateError(`config file ${path} is not a regular file`);
    if (info.size > limits.maxBytes) throw tooLarge(path, info.size, limits);
    const chunks: Buffer[] = [];
    let length = 0;
    while (length <= limits.maxBytes) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, limits.maxBytes + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, length);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
    }
    if (length > limits.maxBytes) throw tooLarge(path, length, limits);
    return Buffer.concat(chunks, length);
  } catch (e) {
    if (e instanceof GateError) throw e;
    throw new GateError(
      `cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      { cause: e },
    );
  } finally {
    await handle.close();
  }
}

/** Read, parse and validate a config file; see {@link parseConfigText}. */
export async function loadConfigFile<S extends z.ZodType>(
  path: string,
  schema: S,
  limits?: Partial<ConfigLimits>,
): Promise<z.output<S>> {
  const resolved = resolveLimits(limits);
  return parseConfigText(await readCapped(path, resolved), path, schema, resolved);
}

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { GateError } from "@mlgate/core";
import type { ItemRecord } from "../items/index.js";

/**
 * A fingerprint of what was evaluated (ids and labels, in id order), so a release can check that
 * a stored baseline was measured on the same eval set.
 */
export function evalSetFingerprint(records: readonly ItemRecord[]): string {
  const hash = createHash("sha256");
  const sorted = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const r of sorted) hash.update(`${JSON.stringify(r.id)}\t${JSON.stringify(r.label ?? null)}\n`);
  return hash.digest("hex");
}

/** A file of the evaluation's configuration: how it is named in the fingerprint, and where it is. */
export interface ConfigFile {
  /** As the user wrote it (relative to the repository), so runs in other workspaces agree. */
  name: string;
  path: string;
}

/** Prompt templates and eval configs are small; these bound a mistaken glob or a data file. */
const MAX_CONFIG_FILES = 200;
const MAX_CONFIG_FILE_BYTES = 64 * 1024 ** 2;

/**
 * A fingerprint of the evaluation's configuration: how the results are read (column mapping, kind,
 * metric selectors) and the contents of the files the user names as the eval config (prompt
 * templates, generation settings). Equal fingerprints mean the two runs were set up the same way.
 */
export async function configFingerprint(
  reading: Record<string, unknown>,
  files: readonly ConfigFile[] = [],
): Promise<string> {
  if (files.length > MAX_CONFIG_FILES) {
    throw new GateError(`eval-config names ${files.length} files, over the limit of ${MAX_CONFIG_FILES}`, {
      hint: "name the files that define the evaluation: its config, prompt templates, generation settings",
    });
  }
  const named = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hashes: [string, string][] = [];
  for (const file of named) hashes.push([normalizeName(file.name), await fileSha256(file)]);
  const canonical = canonicalJson({ reading, files: hashes });
  return createHash("sha256").update(canonical).digest("hex");
}

function normalizeName(name: string): string {
  return name.replace(/\\/g, "/").replace(/^\.\//, "");
}

async function fileSha256(file: ConfigFile): Promise<string> {
  try {
    const info = await stat(file.path);
    if (!info.isFile()) throw new GateError(`eval-config file ${file.name} is not a regular file`);
    if (info.size > MAX_CONFIG_FILE_BYTES) {
      throw new GateError(
        `eval-config file ${file.name} is ${info.size} bytes, over the limit of ${MAX_CONFIG_FILE_BYTES}`,
        { hint: "name configuration files, not data files: the eval set has its own fingerprint" },
      );
    }
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(file.path)) hash.update(chunk as Buffer);
    return hash.digest("hex");
  } catch (e) {
    if (e instanceof GateError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new GateError(
      code === "ENOENT"
        ? `eval-config file not found: ${file.name}`
        : `cannot read eval-config file ${file.name}: ${code}`,
      { hint: "paths are relative to the working directory (or to mlgate.yml for its own keys)", cause: e },
    );
  }
}

/** JSON with object keys sorted at every level, so equal settings hash equally whatever their order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

import { lstat, open, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, sep } from "node:path";
import type { Check, Finding } from "@mlgate/core";
import { type OnnxModel, type OnnxTensorInfo, rawByteLength } from "@mlgate/onnx";
import { checkFrom } from "../outcome.js";
import { allGraphs } from "./graphs.js";

/** One external tensor whose location and byte range passed every check. */
export interface ExternalRegion {
  tensor: OnnxTensorInfo;
  /** Path of the data file: the model's directory joined with the checked location. */
  path: string;
  offset: number;
  length: number;
}

export interface ExternalDataResult {
  check: Check;
  findings: Finding[];
  regions: ExternalRegion[];
  /** Absolute paths of every external data file that resolved inside the model's directory. */
  files: string[];
}

const KNOWN_KEYS = new Set(["location", "offset", "length", "checksum"]);

type FileState = { ok: true; path: string; size: number } | { ok: false; rule: string; reason: string };

/**
 * A location is checked as text first (no absolute path, no `..`), then on disk: every component
 * is lstat'ed so no symbolic link is followed, and the real path must still lie inside the model's
 * directory (a race or a bind mount cannot move it out).
 */
async function resolveLocation(modelDir: string, realDir: string, location: string): Promise<FileState> {
  if (location === "") return { ok: false, rule: "location", reason: "has an empty location" };
  if (location.includes("\0"))
    return { ok: false, rule: "location", reason: "has a location with a NUL character" };
  if (isAbsolute(location) || /^[A-Za-z]:/.test(location) || location.startsWith("\\")) {
    return { ok: false, rule: "absolute", reason: `has the absolute location "${location}"` };
  }
  const segments = location.split(/[\\/]+/).filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) {
    return {
      ok: false,
      rule: "traversal",
      reason: `has the location "${location}", which climbs out with ".."`,
    };
  }
  if (segments.length === 0)
    return { ok: false, rule: "location", reason: `has the location "${location}", which names no file` };
  let at = modelDir;
  for (let i = 0; i < segments.length; i++) {
    at = join(at, segments[i]!);
    const info = await lstat(at).catch((e: NodeJS.ErrnoException) => e);
    if (info instanceof Error) {
      return info.code === "ENOENT" || info.code === "ENOTDIR"
        ? { ok: false, rule: "missing", reason: `points at "${location}", which does not exist` }
        : {
            ok: false,
            rule: "missing",
            reason: `points at "${location}", which cannot be read (${info.code})`,
          };
    }
    if (info.isSymbolicLink()) {
      return {
        ok: false,
        rule: "symlink",
        reason: `reaches "${location}" through the symbolic link ${segments.slice(0, i + 1).join("/")}`,
      };
    }
    const last = i === segments.length - 1;
    if (last && !info.isFile())
      return { ok: false, rule: "missing", reason: `points at "${location}", which is not a regular file` };
    if (!last && !info.isDirectory())
      return {
        ok: false,
        rule: "missing",
        reason: `points at "${location}", whose parent is not a directory`,
      };
  }
  const real = await realpath(at).catch(() => undefined);
  if (!real?.startsWith(realDir + sep)) {
    return {
      ok: false,
      rule: "traversal",
      reason: `points at "${location}", which resolves outside the model's directory`,
    };
  }
  try {
    const handle = await open(real, "r");
    try {
      return { ok: true, path: at, size: (await handle.stat()).size };
    } finally {
      await handle.close();
    }
  } catch (e) {
    return {
      ok: false,
      rule: "missing",
      reason: `points at "${location}", which cannot be read (${(e as NodeJS.ErrnoException).code})`,
    };
  }
}

/** External data must stay inside the model's directory and every range must fit its file and tensor. */
export async function checkExternalData(
  model: OnnxModel,
  modelPath: string,
  label: string,
): Promise<ExternalDataResult> {
  const modelDir = dirname(modelPath);
  const realDir = await realpath(modelDir);
  const findings: Finding[] = [];
  const regions: ExternalRegion[] = [];
  const states = new Map<string, FileState>();
  let count = 0;
  for (const graph of allGraphs(model.graph)) {
    for (const tensor of graph.initializers) {
      if (tensor.dataLocation !== "external" || !tensor.external) continue;
      count++;
      const fail = (rule: string, message: string, file = modelPath) =>
        findings.push({
          rule: `onnx.external-data.${rule}`,
          level: "fail",
          message: `initializer "${tensor.name}" of ${label} ${message}`,
          file,
          properties: { tensor: tensor.name, location: tensor.external?.location },
        });
      const ext = tensor.external;
      const unknown = Object.keys(ext.entries).filter((k) => !KNOWN_KEYS.has(k));
      if (unknown.length > 0) {
        findings.push({
          rule: "onnx.external-data.unknown-key",
          level: "warn",
          message: `initializer "${tensor.name}" of ${label} has external_data key(s) ${unknown.join(", ")}, which runtimes ignore`,
          file: modelPath,
        });
      }
      let state = states.get(ext.location);
      if (!state) {
        state = await resolveLocation(modelDir, realDir, ext.location);
        states.set(ext.location, state);
      }
      if (!state.ok) {
        fail(state.rule, state.reason);
        continue;
      }
      if (ext.entries["offset"] !== undefined && ext.offset === undefined) {
        fail("range", `has the offset "${ext.entries["offset"]}", which is not a byte count`, state.path);
        continue;
      }
      if (ext.entries["length"] !== undefined && ext.length === undefined) {
        fail("range", `has the length "${ext.entries["length"]}", which is not a byte count`, state.path);
        continue;
      }
      const offset = ext.offset ?? 0;
      const length = ext.length ?? Math.max(0, state.size - offset);
      if (offset > state.size || offset + length > state.size) {
        fail(
          "range",
          `reads bytes ${offset}..${offset + length} of ${ext.location}, which has ${state.size} bytes`,
          state.path,
        );
        continue;
      }
      const expected = rawByteLength(tensor.dtype, tensor.elementCount);
      if (expected !== null && expected !== length) {
        fail(
          "size-mismatch",
          `is ${tensor.dtype} [${tensor.dims.join(", ")}] (${expected} bytes) but its external range is ${length} bytes`,
          state.path,
        );
        continue;
      }
      regions.push({ tensor, path: state.path, offset, length });
    }
  }
  const files = [...new Set([...states.values()].flatMap((s) => (s.ok ? [s.path] : [])))];
  const check = checkFrom(`external data of ${label} stays inside its directory`, findings, {
    actual: count === 0 ? "none" : `${count} tensor(s) in ${files.length} file(s)`,
  });
  return { check, findings, regions, files };
}

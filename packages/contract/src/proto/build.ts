import { GateError, type SourceLocation } from "@mlgate/core";
import protobuf from "protobufjs";
import { addBundled, bundledDefinitions } from "./bundled.js";
import type { ProtoLimits } from "./limits.js";
import { type ScannedFile, scanProtoFile } from "./scan.js";
import { displayPath, normalizeImportPath, type ProtoSource } from "./source.js";

/** A file of the contract with what the scan found and the name it is shown under. */
export interface BuiltFile extends ScannedFile {
  path: string;
  display: string;
}

/** Every file of one side parsed into one protobufjs Root, types resolved. */
export interface BuiltProto {
  root: protobuf.Root;
  /** By import path. */
  files: Map<string, BuiltFile>;
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function checkSizes(source: ProtoSource, limits: ProtoLimits): void {
  if (source.files.length === 0) {
    throw new GateError("no .proto files to compare", {
      hint: "point the gate at a .proto file or a directory of them",
    });
  }
  if (source.files.length > limits.maxFiles) {
    throw new GateError(`${source.files.length} .proto files, over the limit of ${limits.maxFiles}`);
  }
  let total = 0;
  for (const file of source.files) {
    const bytes = Buffer.byteLength(file.text, "utf8");
    total += bytes;
    const display = displayPath(source, file.path);
    if (bytes > limits.maxFileBytes) {
      throw new GateError(
        `${display} is ${bytes} bytes, over the limit of ${limits.maxFileBytes} bytes for a .proto file`,
        {
          location: { file: display },
        },
      );
    }
    if (file.text.includes("\0")) {
      throw new GateError(`${display} is not a text file`, { location: { file: display } });
    }
  }
  if (total > limits.maxTotalBytes) {
    throw new GateError(
      `the .proto files add up to ${total} bytes, over the limit of ${limits.maxTotalBytes} bytes`,
    );
  }
}

function scanAll(source: ProtoSource, limits: ProtoLimits): Map<string, BuiltFile> {
  const files = new Map<string, BuiltFile>();
  for (const file of source.files) {
    const display = displayPath(source, file.path);
    const path = normalizeImportPath(file.path, { file: display });
    if (files.has(path)) throw new GateError(`${display} is listed twice`, { location: { file: display } });
    files.set(path, { ...scanProtoFile(withoutBom(file.text), display, limits), path, display });
  }
  return files;
}

/** Every import names a file of the source or a bundled well-known file; no import cycles. */
function checkImports(files: Map<string, BuiltFile>): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of files.values()) {
    const targets: string[] = [];
    for (const imp of file.imports) {
      const where: SourceLocation = { file: file.display, line: imp.line };
      const target = normalizeImportPath(imp.path, where);
      imp.path = target;
      if (files.has(target)) targets.push(target);
      else if (!bundledDefinitions(target) && !imp.weak) {
        throw new GateError(`${file.display} imports "${target}", which is not among the .proto files`, {
          location: where,
          hint: "imports are resolved against the import root; set the root to the directory they are relative to",
        });
      }
    }
    edges.set(file.path, targets);
  }
  // Depth-first search with an explicit stack: a long import chain must not overflow the call stack.
  const state = new Map<string, "open" | "done">();
  for (const start of files.keys()) {
    if (state.has(start)) continue;
    const stack: { path: string; next: number }[] = [{ path: start, next: 0 }];
    state.set(start, "open");
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      const targets = edges.get(top.path)!;
      if (top.next >= targets.length) {
        state.set(top.path, "done");
        stack.pop();
        continue;
      }
      const target = targets[top.next++]!;
      const seen = state.get(target);
      if (seen === "open") {
        const cycle = [...stack.slice(stack.findIndex((s) => s.path === target)).map((s) => s.path), target];
        const from = files.get(top.path)!;
        const line = from.imports.find((i) => i.path === target)?.line;
        throw new GateError(`import cycle: ${cycle.join(" → ")}`, {
          location: { file: from.display, ...(line === undefined ? {} : { line }) },
          hint: "protoc rejects files that import themselves, directly or through others",
        });
      }
      if (seen === undefined) {
        state.set(target, "open");
        stack.push({ path: target, next: 0 });
      }
    }
  }
  return edges;
}

/** protobufjs errors end in `(file, line N)` or `(line N)`; split the place from the reason. */
function parseErrorLocation(e: unknown, file: string): { reason: string; location: SourceLocation } {
  const message = e instanceof Error ? e.message : String(e);
  const match = /\s*\((?:[^()]*, )?line (\d+)\)\s*$/.exec(message);
  const reason = match ? message.slice(0, match.index) : message;
  return { reason, location: { file, ...(match ? { line: Number(match[1]) } : {}) } };
}

function lineOf(files: Map<string, BuiltFile>, obj: protobuf.ReflectionObject): SourceLocation | undefined {
  const file = obj.filename ? files.get(obj.filename) : undefined;
  if (!file) return undefined;
  const line = file.lines.get(obj.fullName.replace(/^\./, ""));
  return { file: file.display, ...(line === undefined ? {} : { line }) };
}

/** After a failed resolveAll, find the first reference that does not resolve, to name its file and line. */
function unresolvedReference(root: protobuf.Root, files: Map<string, BuiltFile>): GateError | undefined {
  const queue: protobuf.ReflectionObject[] = [root];
  while (queue.length > 0) {
    const obj = queue.shift()!;
    const members: protobuf.ReflectionObject[] = [];
    if (obj instanceof protobuf.Type) members.push(...obj.fieldsArray);
    if (obj instanceof protobuf.Service) members.push(...obj.methodsArray);
    for (const member of members) {
      try {
        member.resolve();
      } catch (e) {
        const location = lineOf(files, member) ?? { file: member.filename ?? "(unknown file)" };
        const type = member instanceof protobuf.Field ? member.type : (member as protobuf.Method).requestType;
        return new GateError(
          `${member.fullName.replace(/^\./, "")} refers to a type that is not defined: ${e instanceof Error ? e.message.replace(/ in \w+ \S+$/, "") : String(e)}`,
          { location, hint: `define ${type} or import the file that does` },
        );
      }
    }
    if (obj instanceof protobuf.Namespace) queue.push(...obj.nestedArray);
  }
  return undefined;
}

/** protobufjs names the file being parsed in a module-level property its typings leave out. */
const parser = protobuf.parse as typeof protobuf.parse & { filename: string | null };

/** Parse every file of one side into one Root and resolve all type references. */
export function buildProto(source: ProtoSource, limits: ProtoLimits): BuiltProto {
  checkSizes(source, limits);
  const files = scanAll(source, limits);
  checkImports(files);
  const root = new protobuf.Root();
  const added = new Set<protobuf.INamespace>();
  for (const file of files.values()) {
    for (const imp of file.imports) {
      if (files.has(imp.path)) continue;
      for (const json of bundledDefinitions(imp.path) ?? []) {
        if (added.has(json)) continue;
        added.add(json);
        addBundled(root, json);
      }
    }
  }
  const texts = new Map(
    source.files.map((f) => [normalizeImportPath(f.path, undefined), withoutBom(f.text)]),
  );
  for (const file of files.values()) {
    parser.filename = file.path;
    try {
      parser(texts.get(file.path)!, root, { keepCase: true });
    } catch (e) {
      const { reason, location } = parseErrorLocation(e, file.display);
      throw new GateError(`cannot parse ${file.display}: ${reason}`, {
        location,
        hint: "the file must be valid proto2, proto3 or edition syntax (as protoc accepts it)",
        cause: e,
      });
    } finally {
      parser.filename = null;
    }
  }
  try {
    root.resolveAll();
  } catch (e) {
    throw (
      unresolvedReference(root, files) ??
      new GateError(`cannot resolve the .proto files: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      })
    );
  }
  return { root, files };
}

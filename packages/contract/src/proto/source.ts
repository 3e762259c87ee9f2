import { posix } from "node:path";
import { GateError, type SourceLocation } from "@mlgate/core";

/** One .proto file: `path` is how other files import it (relative to the import root, `/`-separated). */
export interface ProtoFile {
  path: string;
  text: string;
}

/**
 * One side of a protobuf contract: every file it consists of, imports included (except the
 * well-known `google/protobuf/*` and `google/api/*` files, which are bundled). `root` is only used
 * to show file names: locations read `root/path`.
 */
export interface ProtoSource {
  files: ProtoFile[];
  root?: string;
}

/**
 * Normalize an import-style path: `/` separators, no `.` segments, nothing that climbs out of
 * the import root or starts at the filesystem root.
 */
export function normalizeImportPath(path: string, where: SourceLocation | undefined): string {
  const slashed = path.replaceAll("\\", "/");
  if (slashed === "" || slashed.startsWith("/") || /^[A-Za-z]:\//.test(slashed)) {
    throw new GateError(`proto import path "${path}" is not relative to the import root`, {
      ...(where ? { location: where } : {}),
      hint: 'imports name files relative to the import root, e.g. import "inference/model.proto"',
    });
  }
  const normal = posix.normalize(slashed);
  if (normal === ".." || normal.startsWith("../")) {
    throw new GateError(`proto import "${path}" escapes the import root`, {
      ...(where ? { location: where } : {}),
      hint: "every imported file must live under the import root; set the root to the directory that contains them all",
    });
  }
  return normal;
}

/** The file name shown in findings and errors. */
export function displayPath(source: Pick<ProtoSource, "root">, path: string): string {
  return source.root ? posix.join(source.root.replaceAll("\\", "/"), path) : path;
}

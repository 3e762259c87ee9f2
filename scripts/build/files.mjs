// Small file-tree helpers: list, copy, compare (posix-style relative paths throughout).
import { copyFile, mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { dirname, join, sep } from "node:path";

/** Relative paths of every file under `dir`, sorted; [] when `dir` does not exist. */
export async function listFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((error) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      join(entry.parentPath ?? entry.path, entry.name)
        .slice(dir.length + 1)
        .split(sep)
        .join("/"),
    )
    .sort();
}

/** Makes `to` hold exactly the files of `from`. */
export async function replaceDir(from, to) {
  await rm(to, { recursive: true, force: true });
  for (const file of await listFiles(from)) {
    await mkdir(dirname(join(to, file)), { recursive: true });
    await copyFile(join(from, file), join(to, file));
  }
}

/** Files that are missing, extra or different in `actual` compared with `expected`. */
export async function diffDirs(expected, actual) {
  const want = await listFiles(expected);
  const have = await listFiles(actual);
  const differences = [];
  for (const file of want) {
    if (!have.includes(file)) {
      differences.push({ file, problem: "missing (a fresh build writes it)" });
    } else if (!(await readFile(join(expected, file))).equals(await readFile(join(actual, file)))) {
      differences.push({ file, problem: "differs" });
    }
  }
  for (const file of have) {
    if (!want.includes(file)) differences.push({ file, problem: "not written by a fresh build (delete it)" });
  }
  return differences;
}

export async function totalSize(dir) {
  let bytes = 0;
  for (const file of await listFiles(dir)) bytes += (await stat(join(dir, file))).size;
  return bytes;
}

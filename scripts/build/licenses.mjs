// The third-party licences of everything a bundle ships, in all of its chunks. ncc's own
// `--license` file is written once per chunk under one name, so with lazily loaded chunks the last
// chunk's list replaced the rest; this reads webpack's stats instead.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";

const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i;

/** `…/node_modules/a/node_modules/@s/b/x.js` → `…/node_modules/a/node_modules/@s/b` (the package that holds it). */
function packageDirOf(moduleName) {
  const at = moduleName.lastIndexOf("node_modules/");
  if (at === -1) return undefined;
  const parts = moduleName.slice(at + "node_modules/".length).split("/");
  const name = parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  return `${moduleName.slice(0, at)}node_modules/${name}`;
}

/** Package directories (absolute, or relative to the build's root) of the modules that reached a chunk. */
export function bundledPackageDirs(stats) {
  const dirs = new Set();
  const visit = (modules) => {
    for (const m of modules ?? []) {
      const dir = packageDirOf(m.nameForCondition ?? m.name ?? "");
      if (dir) dirs.add(dir);
      visit(m.modules);
    }
  };
  // Orphans were left out of every chunk (tree-shaken): they ship nothing.
  visit((stats.modules ?? []).filter((m) => (m.chunks ?? []).length > 0));
  return [...dirs];
}

async function licenseText(dir) {
  const names = await readdir(dir).catch(() => []);
  const file = names.filter((n) => LICENSE_FILE.test(n)).sort()[0];
  return file ? (await readFile(join(dir, file), "utf8")).trim() : "";
}

/** Writes `licenses.txt` in `outDir`: each package's name, declared licence and licence text. */
export async function writeLicenses({ root, outDir, statsFile }) {
  const stats = JSON.parse(await readFile(statsFile, "utf8"));
  const entries = [];
  for (const dir of bundledPackageDirs(stats)) {
    const at = isAbsolute(dir) ? dir : join(root, dir);
    const manifest = JSON.parse(await readFile(join(at, "package.json"), "utf8"));
    const license = typeof manifest.license === "string" ? manifest.license : (manifest.license?.type ?? "");
    entries.push({ name: manifest.name ?? dir, license, text: await licenseText(at) });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.text < b.text ? -1 : 1));
  const body = entries.map((e) => [e.name, e.license, e.text].filter((line) => line !== "").join("\n"));
  await writeFile(join(outDir, "licenses.txt"), `${body.join("\n\n")}\n`);
  return entries.length;
}

// Runs ncc on one action and makes its output independent of where the repository is checked out.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { listFiles } from "./files.mjs";
import { writeLicenses } from "./licenses.mjs";

const require = createRequire(import.meta.url);
const nccPackageFile = require.resolve("@vercel/ncc/package.json");
const nccPackage = JSON.parse(readFileSync(nccPackageFile, "utf8"));
const nccCli = join(dirname(nccPackageFile), nccPackage.bin.ncc);

export const nccVersion = nccPackage.version;

// --transpile-only: ts-loader would otherwise type-check every file under the nearest tsconfig, so
// an unrelated type error elsewhere in the repository would break every action's build;
// `npm run typecheck` owns that. --no-cache: the cache lives in $HOME and adds nothing to a clean build.
// Licences are collected from webpack's stats (licenses.mjs): ncc's `--license` keeps one chunk's.
const NCC_FLAGS = ["--target", "es2022", "--transpile-only", "--no-cache"];

/**
 * Bundles `entry` into `outDir`.
 * @returns {Promise<{ ok: true, stripped: number } | { ok: false, reason: string, log: string }>}
 */
export async function bundle({ root, entry, outDir }) {
  const scratch = await mkdtemp(join(tmpdir(), "mlgate-ncc-stats-"));
  try {
    return await bundleWithStats({ root, entry, outDir, statsFile: join(scratch, "stats.json") });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function bundleWithStats({ root, entry, outDir, statsFile }) {
  const args = [nccCli, "build", entry, "-o", outDir, ...NCC_FLAGS, "--stats-out", statsFile];
  // cwd = root: ncc looks for tsconfig.json only between the entry and the working directory, and
  // webpack hashes module ids from paths relative to it (the ncc loader's path included), so a
  // different cwd, or an ncc installed elsewhere, yields a different bundle.
  const { code, output } = await run(process.execPath, args, root);
  const fail = (reason, log = "") => ({ ok: false, reason, log });
  if (code !== 0) return fail(`ncc exited with code ${code}`, cleanLog(output));
  if (/Compiling file \S+ into CJS/.test(output)) {
    return fail('ncc compiled to CommonJS: add "type": "module" to the action\'s package.json');
  }
  if (!/Compiling file index\.js into ESM/.test(output)) {
    return fail('ncc did not report "Compiling file index.js into ESM"', cleanLog(output));
  }
  const files = await listFiles(outDir);
  if (!files.includes("index.js")) return fail("ncc wrote no index.js", cleanLog(output));
  if (!files.includes("package.json")) return fail('ncc wrote no package.json with "type": "module"');
  const unresolved = await unresolvedImports(join(outDir, "index.js"));
  if (unresolved.length > 0) {
    const list = unresolved.map((request) => `"${request}"`).join(", ");
    return fail(`cannot resolve ${list}: the bundle would throw when it loads`);
  }
  await writeLicenses({ root, outDir, statsFile });
  const stripped = await stripAbsolutePaths(outDir, await listFiles(outDir), [
    root,
    await realpath(root),
    outDir,
  ]);
  return { ok: true, stripped };
}

// ncc turns an import it cannot resolve into a require() that fails only at run time (a stub
// module named @@notfound.js?REQUEST); catch that at build time instead.
async function unresolvedImports(indexFile) {
  const code = await readFile(indexFile, "utf8");
  const requests = [...code.matchAll(/@@notfound\.js\?([^\s"'`*]+)/g)].map((match) => match[1]);
  return [...new Set(requests)].sort();
}

// Build-machine paths must not reach the committed bundle: they differ between checkouts.
export async function stripAbsolutePaths(outDir, files, prefixes) {
  const unique = [...new Set(prefixes.map((p) => p.replace(/\/+$/, "")))].filter((p) => p.length > 1);
  unique.sort((a, b) => b.length - a.length);
  let count = 0;
  for (const file of files) {
    const path = join(outDir, file);
    const bytes = await readFile(path);
    // Binary assets (.node, .wasm) are left alone: rewriting them as text would corrupt them.
    if (bytes.includes(0) || !unique.some((prefix) => bytes.includes(prefix))) continue;
    let text = bytes.toString("utf8");
    for (const prefix of unique) {
      const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      text = text
        .replace(new RegExp(`${escaped}/`, "g"), "")
        .replace(new RegExp(`${escaped}(?![\\w.-])`, "g"), ".");
    }
    count += 1;
    await writeFile(path, text);
  }
  return count;
}

function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const chunks = [];
    child.stdout.on("data", (chunk) => chunks.push(chunk));
    child.stderr.on("data", (chunk) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolve({ code: code ?? `${signal}`, output: Buffer.concat(chunks).toString("utf8") });
    });
  });
}

// ncc's own stack frames say nothing about the action being built.
function cleanLog(output) {
  return output
    .split("\n")
    .filter((line) => !/^\s+at .*[/\\]@vercel[/\\]ncc[/\\]/.test(line) && !/^\s+at .*<anonymous>/.test(line))
    .join("\n")
    .trim();
}

#!/usr/bin/env node
// Builds every action (or those named): validates action.yml, bundles src/main.ts into dist/ with
// ncc, and regenerates the README inputs/outputs tables. `--check` builds into a temporary
// directory and fails when the committed dist/ or README differs, without touching the tree.
//
//   node scripts/build-actions.mjs [--check] [--root DIR] [--jobs N] [--expected-out DIR] [action ...]
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { readActionMeta } from "./build/action-meta.mjs";
import { bundle, nccVersion } from "./build/bundle.mjs";
import { diffDirs, replaceDir, totalSize } from "./build/files.mjs";
import { runPool } from "./build/pool.mjs";
import { renderReadme } from "./build/readme-tables.mjs";

const USAGE = "usage: build-actions.mjs [--check] [--root DIR] [--jobs N] [--expected-out DIR] [action ...]";
const inGitHubActions = process.env.GITHUB_ACTIONS === "true";

class Failure extends Error {}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const actions = await selectActions(options.root, options.names);

  const prepared = [];
  const problems = [];
  for (const name of actions) {
    const result = await prepare(options.root, name);
    problems.push(...result.problems);
    prepared.push(result);
  }
  if (problems.length > 0) {
    for (const problem of problems) reportProblem(problem);
    const where = new Set(problems.map((p) => p.split(":")[0])).size;
    throw new Failure(`${plural(problems.length, "problem")} in ${plural(where, "file")}; nothing was built`);
  }

  const verb = options.check ? "checking" : "building";
  console.log(
    `${verb} ${plural(actions.length, "action")} with ncc ${nccVersion}, ${options.jobs} at a time`,
  );
  const temp = await mkdtemp(join(tmpdir(), "mlgate-build-"));
  try {
    const results = await runPool(prepared, options.jobs, async (action) => {
      const result = await buildOne(options, action, temp);
      console.log(progressLine(verb, action, result, options.check));
      return result;
    });
    const failed = results.filter((r) => !r.ok);
    for (const result of failed) {
      console.error(`\nactions/${result.name}: ${result.reason}`);
      if (result.log) console.error(indent(result.log));
    }
    if (failed.length > 0) {
      const names = failed.map((r) => `actions/${r.name}`).join(", ");
      throw new Failure(`could not bundle ${names}: ${failed[0].reason}`);
    }
    if (options.expectedOut) await saveExpected(options.expectedOut, results);
    // Awaited here so the temporary directory outlives the copying.
    return options.check ? finishCheck(results) : await finishBuild(options.root, results, started);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function parseOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        check: { type: "boolean", default: false },
        root: { type: "string" },
        jobs: { type: "string", default: "2" },
        "expected-out": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new Failure(`${error.message}\n${USAGE}`);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const jobs = Number(parsed.values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Failure(`--jobs must be a positive integer\n${USAGE}`);
  return {
    check: parsed.values.check,
    root: resolve(parsed.values.root ?? fileURLToPath(new URL("..", import.meta.url))),
    jobs,
    expectedOut: parsed.values["expected-out"] ? resolve(parsed.values["expected-out"]) : undefined,
    names: parsed.positionals.map((name) => name.replace(/^actions\//, "").replace(/\/+$/, "")),
  };
}

async function selectActions(root, names) {
  const dirs = await readdir(join(root, "actions"), { withFileTypes: true }).catch(() => []);
  const all = dirs
    .filter((d) => d.isDirectory() && existsSync(join(root, "actions", d.name, "action.yml")))
    .map((d) => d.name)
    .sort();
  if (names.length === 0) {
    if (all.length === 0) throw new Failure(`no actions/*/action.yml under ${root}`);
    return all;
  }
  const unknown = names.filter((name) => !all.includes(name));
  if (unknown.length > 0) {
    throw new Failure(
      `no action.yml at ${unknown.map((n) => `actions/${n}`).join(", ")} (known: ${all.join(", ")})`,
    );
  }
  return [...new Set(names)];
}

// Everything that can be checked without bundling, so mistakes surface in a second, all at once.
async function prepare(root, name) {
  const dir = `actions/${name}`;
  const problems = [];
  const meta = readActionMeta(await readFile(join(root, dir, "action.yml"), "utf8"), `${dir}/action.yml`);
  problems.push(...meta.problems);
  if (!existsSync(join(root, dir, "src/main.ts"))) {
    problems.push(`${dir}/src/main.ts: not found (the bundle's entry)`);
  }

  const readmePath = join(root, dir, "README.md");
  let readme;
  let expectedReadme;
  if (!existsSync(readmePath)) {
    problems.push(
      `${dir}/README.md: not found: create it with "## Inputs" and "## Outputs" sections, each holding a ` +
        `"<!-- inputs:start -->"/"<!-- inputs:end -->" (or outputs) marker pair for the generated tables`,
    );
  } else {
    readme = await readFile(readmePath, "utf8");
    const rendered = renderReadme(readme, meta);
    if ("error" in rendered) problems.push(`${dir}/README.md: ${rendered.error}`);
    else expectedReadme = rendered.text;
  }
  return { name, dir, problems, readme, expectedReadme };
}

async function buildOne(options, action, temp) {
  const started = performance.now();
  const outDir = join(temp, action.name, "dist");
  await mkdir(outDir, { recursive: true });
  const result = await bundle({
    root: options.root,
    entry: join(options.root, action.dir, "src/main.ts"),
    outDir,
  });
  const seconds = (performance.now() - started) / 1000;
  if (!result.ok) return { ...action, ...result, seconds };
  const stale = [];
  if (options.check) {
    for (const { file, problem } of await diffDirs(outDir, join(options.root, action.dir, "dist"))) {
      stale.push({ file: `${action.dir}/dist/${file}`, problem });
    }
    if (action.readme !== action.expectedReadme) {
      stale.push({ file: `${action.dir}/README.md`, problem: "inputs/outputs tables differ" });
    }
  }
  return {
    ...action,
    ok: true,
    stripped: result.stripped,
    outDir,
    bytes: await totalSize(outDir),
    seconds,
    stale,
  };
}

function progressLine(verb, action, result, check) {
  const head = `${verb} ${action.dir} …`;
  if (!result.ok) return `${head} failed after ${result.seconds.toFixed(1)}s`;
  const notes = [];
  if (result.stripped > 0) notes.push(`stripped build paths from ${plural(result.stripped, "file")}`);
  if (check)
    notes.push(result.stale.length === 0 ? "up to date" : `${plural(result.stale.length, "file")} stale`);
  const suffix = notes.length > 0 ? ` (${notes.join(", ")})` : "";
  return `${head} ${formatBytes(result.bytes)} in ${result.seconds.toFixed(1)}s${suffix}`;
}

async function finishBuild(root, results, started) {
  for (const result of results) {
    await replaceDir(result.outDir, join(root, result.dir, "dist"));
    if (result.expectedReadme !== result.readme) {
      await writeFile(join(root, result.dir, "README.md"), result.expectedReadme);
      console.log(`updated the inputs/outputs tables in ${result.dir}/README.md`);
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`built ${plural(results.length, "action")} in ${seconds}s`);
  return 0;
}

function finishCheck(results) {
  const stale = results.flatMap((r) => r.stale);
  if (stale.length === 0) {
    console.log(`dist/ and README tables are up to date for ${plural(results.length, "action")}`);
    return 0;
  }
  console.error("");
  for (const { file, problem } of stale) {
    console.error(`  ${file}: ${problem}`);
    annotate(file, undefined, `${file}: ${problem} (compared with a fresh build)`);
  }
  throw new Failure(
    `${plural(stale.length, "file")} ${stale.length === 1 ? "differs" : "differ"} from a fresh build: ` +
      "run `npm run build` and commit the result",
  );
}

// Lets CI hand the fresh build to whoever has to fix a stale dist.
async function saveExpected(target, results) {
  for (const result of results) {
    await replaceDir(result.outDir, join(target, result.dir, "dist"));
    if (result.expectedReadme !== undefined) {
      await writeFile(join(target, result.dir, "README.md"), result.expectedReadme);
    }
  }
}

function reportProblem(problem) {
  console.error(problem);
  const match = /^([^:]+?)(?::(\d+))?: (.*)$/.exec(problem);
  if (match) annotate(match[1], match[2], match[3]);
}

// A GitHub Actions error annotation, so the problem shows on the file in the pull request.
function annotate(file, line, message) {
  if (!inGitHubActions) return;
  const encode = (text) => text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const where = `file=${encode(file).replace(/,/g, "%2C")}${line ? `,line=${line}` : ""}`;
  console.error(`::error ${where}::${encode(message)}`);
}

function formatBytes(bytes) {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function indent(text) {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    const message = error instanceof Failure ? error.message : (error?.stack ?? String(error));
    console.error(`error: ${message}`);
    process.exitCode = 1;
  },
);

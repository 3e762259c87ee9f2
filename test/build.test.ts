// scripts/build-actions.mjs against a tiny fixture action, copied to a temporary root per scenario so
// the fixture itself never changes.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("..", import.meta.url));
const script = join(repo, "scripts/build-actions.mjs");
const fixture = join(repo, "test/fixtures/build");
const temps: string[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    // GITHUB_ACTIONS off: the script adds annotations in CI, which these assertions do not expect.
    const options = { env: { ...process.env, GITHUB_ACTIONS: "false", ...env } };
    execFile(process.execPath, args, options, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const build = (root: string, ...args: string[]) => run([script, "--root", root, ...args]);

async function copyFixture(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "mlgate-build-test-"));
  temps.push(root);
  await cp(fixture, root, { recursive: true });
  return root;
}

/** Every file under `dir`, by relative path. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1), (await readFile(path)).toString("base64"));
  }
  return files;
}

async function edit(path: string, change: (text: string) => string): Promise<void> {
  const before = await readFile(path, "utf8");
  const after = change(before);
  expect(after, `edit of ${path} changed nothing`).not.toBe(before);
  await writeFile(path, after);
}

const hello = (root: string, file = "") => join(root, "actions/hello", file);

afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("build-actions", () => {
  let root: string;
  let first: Run;

  beforeAll(async () => {
    root = await copyFixture();
    first = await build(root);
  });

  it("bundles src/main.ts into an ESM dist/index.js that runs", async () => {
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^building actions\/hello … \d+(\.\d)? (B|kB) in \d+\.\ds$/m);
    expect([...(await snapshot(hello(root, "dist"))).keys()].sort()).toEqual([
      "index.js",
      "licenses.txt",
      "package.json",
    ]);
    expect(JSON.parse(await readFile(hello(root, "dist/package.json"), "utf8"))).toEqual({ type: "module" });

    const outputFile = join(root, "github-output");
    await writeFile(outputFile, "");
    const ran = await run([hello(root, "dist/index.js")], { INPUT_WHO: "mlgate", GITHUB_OUTPUT: outputFile });
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe("hello, mlgate\n");
    expect(await readFile(outputFile, "utf8")).toBe("message=hello, mlgate\n");
  });

  it("writes the README tables from action.yml, escaping pipes and newlines", async () => {
    const readme = await readFile(hello(root, "README.md"), "utf8");
    expect(readme).toBe(
      [
        "# fixture hello",
        "",
        "## Inputs",
        "",
        "<!-- inputs:start -->",
        "| Input | Description | Required | Default |",
        "|---|---|---|---|",
        "| `who` | Whom to greet. | no | `world` |",
        "| `style` | How to greet: `plain` \\| `loud`.<br>Multi-line on purpose. | yes |  |",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, shown verbatim
        "| `token` | A token. | no | `${{ github.token }}` |",
        '| `empty` | Defaults to nothing. | no | `""` |',
        "<!-- inputs:end -->",
        "",
        "## Outputs",
        "",
        "<!-- outputs:start -->",
        "| Output | Description |",
        "|---|---|",
        "| `message` | The greeting \\| as written. |",
        "<!-- outputs:end -->",
        "",
        "Trailing text stays.",
        "",
      ].join("\n"),
    );
  });

  it("--check passes right after a build and leaves the tree untouched", async () => {
    const before = await snapshot(root);
    const check = await build(root, "--check");
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/checking actions\/hello … .*\(up to date\)/);
    expect(await snapshot(root)).toEqual(before);
  });

  it("produces byte-identical output on a rebuild and from another checkout path", async () => {
    const built = await snapshot(hello(root, "dist"));
    expect((await build(root)).code).toBe(0);
    expect(await snapshot(hello(root, "dist"))).toEqual(built);

    const elsewhere = await copyFixture();
    expect((await build(elsewhere)).code).toBe(0);
    expect(await snapshot(hello(elsewhere, "dist"))).toEqual(built);
    const bundle = await readFile(hello(elsewhere, "dist/index.js"), "utf8");
    expect(bundle).not.toContain(elsewhere);
    expect(bundle).not.toContain(repo);
  });

  it("--check fails after dist or the README is edited by hand, naming each file and the fix", async () => {
    const stale = await copyFixture();
    expect((await build(stale)).code).toBe(0);
    await edit(hello(stale, "dist/index.js"), (text) => `${text}// edited by hand\n`);
    await edit(hello(stale, "README.md"), (text) => text.replace("Whom to greet.", "Who?"));
    const before = await snapshot(stale);

    const check = await build(stale, "--check");
    expect(check.code).toBe(1);
    expect(check.stderr).toContain("actions/hello/dist/index.js: differs");
    expect(check.stderr).toContain("actions/hello/README.md: inputs/outputs tables differ");
    const lastLine = check.stderr.trim().split("\n").at(-1);
    expect(lastLine).toBe(
      "error: 2 files differ from a fresh build: run `npm run build` and commit the result",
    );
    expect(await snapshot(stale)).toEqual(before);
  });

  it("fails listing every missing description and unstated input default, and builds nothing", async () => {
    const broken = await copyFixture();
    await edit(hello(broken, "action.yml"), (text) =>
      text
        .replace('    description: "Whom to greet."\n', "")
        .replace('    description: "The greeting | as written."\n', "")
        .replace(
          '    description: "Defaults to nothing."\n    default: ""\n',
          '    description: "Defaults to nothing."\n',
        ),
    );
    const result = await build(broken);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('actions/hello/action.yml:8: input "who" has no description');
    expect(result.stderr).toMatch(/actions\/hello\/action\.yml:\d+: output "message" has no description/);
    expect(result.stderr).toMatch(
      /action\.yml:\d+: input "empty" must state "required" or "default" explicitly/,
    );
    expect(result.stderr.trim().split("\n").at(-1)).toBe("error: 3 problems in 1 file; nothing was built");
    expect((await snapshot(broken)).has("actions/hello/dist/index.js")).toBe(false);
  });

  it("fails when the README has no table markers, saying where to add them", async () => {
    const noMarkers = await copyFixture();
    await edit(hello(noMarkers, "README.md"), (text) =>
      text.replace("<!-- outputs:start -->\n<!-- outputs:end -->\n", ""),
    );
    const result = await build(noMarkers);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'actions/hello/README.md: has no outputs table markers: add "<!-- outputs:start -->" and "<!-- outputs:end -->"',
    );
  });

  it("fails on an import that cannot be resolved instead of bundling a require() that throws later", async () => {
    const typo = await copyFixture();
    await edit(hello(typo, "src/main.ts"), (text) => text.replace('from "./greet.js"', 'from "./gret.js"'));
    const result = await build(typo);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("building actions/hello … failed after");
    expect(result.stderr.trim().split("\n").at(-1)).toBe(
      'error: could not bundle actions/hello: cannot resolve "./gret.js": the bundle would throw when it loads',
    );
    expect((await snapshot(typo)).has("actions/hello/dist/index.js")).toBe(false);
  });

  it("fails with a one-line reason for an unknown action", async () => {
    const result = await build(root, "nope");
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: no action.yml at actions/nope (known: hello)\n");
  });
});

/**
 * The licences file of an action bundle covers every chunk: the packages of the main chunk and of
 * lazily loaded ones alike, and nothing that was tree-shaken out.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a build script in plain JavaScript, without type declarations
import { bundledPackageDirs, writeLicenses } from "../scripts/build/licenses.mjs";

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function pkg(root: string, dir: string, manifest: object, license?: [string, string]) {
  await mkdir(join(root, dir), { recursive: true });
  await writeFile(join(root, dir, "package.json"), JSON.stringify(manifest));
  if (license) await writeFile(join(root, dir, license[0]), license[1]);
}

describe("action bundle licences", () => {
  it("lists the packages of every chunk, nested and scoped ones too, and leaves out tree-shaken ones", async () => {
    const root = await mkdtemp(join(tmpdir(), "mlgate-licenses-"));
    temps.push(root);
    await pkg(root, "node_modules/main-dep", { name: "main-dep", license: "MIT" }, ["LICENSE", "main text"]);
    await pkg(root, "node_modules/@scope/lazy-dep", { name: "@scope/lazy-dep", license: "ISC" }, [
      "LICENSE.md",
      "lazy text",
    ]);
    await pkg(root, "node_modules/main-dep/node_modules/inner", {
      name: "inner",
      license: { type: "BSD-3-Clause" },
    });
    await pkg(root, "node_modules/shaken", { name: "shaken", license: "MIT" }, ["LICENSE", "never shipped"]);
    const stats = {
      modules: [
        // A concatenated module in the main chunk, holding two packages' files.
        {
          name: "./src/main.ts + 2 modules",
          chunks: [0],
          modules: [
            { name: "./src/main.ts" },
            { nameForCondition: join(root, "node_modules/main-dep/lib/index.js") },
            { name: "./node_modules/main-dep/node_modules/inner/index.js" },
          ],
        },
        { nameForCondition: join(root, "node_modules/@scope/lazy-dep/dist/x.js"), chunks: [239] },
        { name: "./node_modules/shaken/index.js", chunks: [] },
      ],
    };
    const dirs = bundledPackageDirs(stats).map((d: string) => d.replace(root, "<root>"));
    expect(dirs.sort()).toEqual([
      "./node_modules/main-dep/node_modules/inner",
      "<root>/node_modules/@scope/lazy-dep",
      "<root>/node_modules/main-dep",
    ]);
    const statsFile = join(root, "stats.json");
    await writeFile(statsFile, JSON.stringify(stats));
    const outDir = join(root, "dist");
    await mkdir(outDir);
    expect(await writeLicenses({ root, outDir, statsFile })).toBe(3);
    expect(await readFile(join(outDir, "licenses.txt"), "utf8")).toBe(
      "@scope/lazy-dep\nISC\nlazy text\n\ninner\nBSD-3-Clause\n\nmain-dep\nMIT\nmain text\n",
    );
  });
});

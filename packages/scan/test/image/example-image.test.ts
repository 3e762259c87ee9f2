import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInventory, openImage } from "../../src/image-index.js";
import { EXAMPLE_VULNERABLE, writeExampleImage } from "../fixtures/images/example.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "example-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the demo's example serving image", () => {
  it("is an OCI layout whose inventory holds the vulnerable versions, the Python packages and the model", async () => {
    const { layoutDir, ref } = await writeExampleImage(join(root, "a"));
    expect(ref).toBe(`oci:${layoutDir}:serving`);
    const image = await openImage(ref);
    const inventory = await buildInventory(image, { baseLayers: 1 });
    await image.close();
    expect(inventory.os).toMatchObject({ id: "debian", versionId: "12" });
    expect(inventory.packages.map((p) => `${p.ecosystem} ${p.name} ${p.version}`)).toEqual([
      "Debian base-files 12.4+deb12u5",
      "Debian ca-certificates 20230311",
      "Debian libc6 2.36-9+deb12u4",
      "Debian libssl3 3.0.11-1~deb12u1",
      "Debian openssl 3.0.11-1~deb12u1",
      "Debian zlib1g 1:1.2.13.dfsg-1",
      "PyPI numpy 1.26.4",
      "PyPI requests 2.31.0",
      "PyPI scikit-learn 1.4.2",
    ]);
    for (const v of EXAMPLE_VULNERABLE) {
      expect(
        inventory.packages.some(
          (p) => p.ecosystem === v.ecosystem && p.name === v.name && p.version === v.version,
        ),
      ).toBe(true);
    }
    expect(inventory.modelFiles.map((m) => [m.path, m.format, m.containsPickle])).toEqual([
      ["opt/model/classifier.pkl", "pickle", true],
      ["opt/model/embeddings.safetensors", "safetensors", false],
    ]);
    expect(inventory.layers.map((l) => l.isBase)).toEqual([true, false, false]);
  });

  it("is reproducible: written twice, it has the same digest", async () => {
    const first = await writeExampleImage(join(root, "b"));
    const second = await writeExampleImage(join(root, "c"));
    const index = async (dir: string) =>
      JSON.parse(await readFile(join(dir, "index.json"), "utf8")).manifests[0].digest;
    expect(await index(first.layoutDir)).toBe(await index(second.layoutDir));
  });
});

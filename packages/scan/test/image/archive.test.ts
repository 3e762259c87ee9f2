import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInventory, type ImageSource, type Inventory, openImage } from "../../src/image-index.js";
import { buildKitchenSinkImage, EXPECTED_MODELS, EXPECTED_PACKAGES } from "../fixtures/images/build.js";
import { modelFacts, packageFacts } from "../fixtures/images/expect.js";
import { type LayerEntry, tarBytes } from "../fixtures/images/layer-tar.js";
import type { WrittenLayout } from "../fixtures/images/oci-writer.js";
import { missingTools, skopeoCopy } from "../fixtures/images/tools.js";

let root: string;
let layout: WrittenLayout;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "archive-"));
  layout = await buildKitchenSinkImage(join(root, "layout"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<LayerEntry[]> {
  const out: LayerEntry[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out.push({ path: relative(dir, full), content: await readFile(full) });
  }
  return out;
}

async function scan(ref: string): Promise<{ image: ImageSource; inventory: Inventory }> {
  const image = await openImage(ref);
  try {
    return { image, inventory: await buildInventory(image) };
  } finally {
    await image.close();
  }
}

function expectKitchenSink({ image, inventory }: { image: ImageSource; inventory: Inventory }): void {
  expect(packageFacts(inventory, image)).toEqual(EXPECTED_PACKAGES);
  expect(modelFacts(inventory, image)).toEqual(EXPECTED_MODELS);
}

describe("image tarballs", () => {
  it("reads an OCI archive (a tarred layout) in place, plain or gzip-compressed", async () => {
    const tar = await tarBytes(await filesUnder(layout.layoutDir));
    const plain = join(root, "oci.tar");
    await writeFile(plain, tar);
    const gz = join(root, "oci.tar.gz");
    await writeFile(gz, zlib.gzipSync(tar, { level: 1 }));
    for (const ref of [plain, `oci-archive:${plain}:1.2`, gz]) {
      const result = await scan(ref);
      expect(result.image.kind).toBe("oci-archive");
      expect(result.image.digest).toBe(layout.manifestDigest);
      expectKitchenSink(result);
    }
  });

  it("reads a legacy docker save archive whose repeated layer is a symlink", async () => {
    const layer = await tarBytes([{ path: "etc/os-release", content: "ID=debian\nVERSION_ID=12\n" }]);
    const diffId = `sha256:${createHash("sha256").update(layer).digest("hex")}`;
    const config = Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        rootfs: { type: "layers", diff_ids: [diffId, diffId] },
        history: [{ created_by: "ADD a" }, { created_by: "ADD a again" }],
      }),
    );
    const configHex = createHash("sha256").update(config).digest("hex");
    const archive = await tarBytes([
      { path: "1111/layer.tar", content: layer },
      { path: "2222", type: "dir" },
      { path: "2222/layer.tar", type: "symlink", target: "../1111/layer.tar" },
      { path: `${configHex}.json`, content: config },
      {
        path: "manifest.json",
        content: JSON.stringify([
          {
            Config: `${configHex}.json`,
            RepoTags: ["team/app:7"],
            Layers: ["1111/layer.tar", "2222/layer.tar"],
          },
        ]),
      },
    ]);
    const file = join(root, "legacy.tar");
    await writeFile(file, archive);
    const image = await openImage(`docker-archive:${file}`);
    expect(image.kind).toBe("docker-archive");
    expect(image.digest).toBe(`sha256:${configHex}`);
    expect(image.repository).toBe("team/app");
    expect(image.tag).toBe("7");
    expect(image.layers.map((l) => [l.digest, l.createdBy])).toEqual([
      [diffId, "ADD a"],
      [diffId, "ADD a again"],
    ]);
    const inventory = await buildInventory(image);
    await image.close();
    expect(inventory.os).toEqual({ id: "debian", versionId: "12" });

    await expect(openImage(`docker-archive:${file}:other:1`)).rejects.toThrow(
      /has no image tagged "other:1"/,
    );
  });

  it("notices a docker save layer that does not match its diff id", async () => {
    const layer = await tarBytes([{ path: "a", content: "a" }]);
    const config = Buffer.from(
      JSON.stringify({ rootfs: { type: "layers", diff_ids: [`sha256:${"0".repeat(64)}`] } }),
    );
    const archive = await tarBytes([
      { path: "l/layer.tar", content: layer },
      { path: "config.json", content: config },
      {
        path: "manifest.json",
        content: JSON.stringify([{ Config: "config.json", Layers: ["l/layer.tar"] }]),
      },
    ]);
    const file = join(root, "bad.tar");
    await writeFile(file, archive);
    const image = await openImage(file);
    await expect(buildInventory(image)).rejects.toThrow(/\(uncompressed\) does not match its digest/);
    await image.close();
  });

  it("explains a file that is not an image tarball", async () => {
    const file = join(root, "notes.tar");
    await writeFile(file, await tarBytes([{ path: "readme.txt", content: "hi" }]));
    await expect(openImage(file)).rejects.toThrow(
      /is a tar archive but neither a docker save tarball nor an OCI archive/,
    );
    const text = join(root, "text.tar");
    await writeFile(text, "this is not a tar file at all, just some text that is long enough ".repeat(20));
    await expect(openImage(text)).rejects.toThrow(/is not a tar archive/);
  });

  const skip = missingTools("skopeo");
  it.skipIf(skip)(
    `reads docker-archive and oci-archive tarballs written by skopeo${skip ? ` (skipped: ${skip})` : ""}`,
    async () => {
      const docker = join(root, "skopeo-docker.tar");
      await skopeoCopy(layout.ref, `docker-archive:${docker}:team/model-server:1.2`);
      const fromDocker = await scan(docker);
      expect(fromDocker.image.kind).toBe("docker-archive");
      expect(fromDocker.image.repository).toBe("team/model-server");
      expect(fromDocker.image.layers.map((l) => l.diffId)).toEqual(layout.layers.map((l) => l.diffId));
      // skopeo stores docker-archive layers uncompressed, named by diff id: the same layer under another digest.
      expect(packageFacts(fromDocker.inventory, fromDocker.image)).toEqual(EXPECTED_PACKAGES);
      expect(modelFacts(fromDocker.inventory, fromDocker.image)).toEqual(EXPECTED_MODELS);

      const oci = join(root, "skopeo-oci.tar");
      await skopeoCopy(layout.ref, `oci-archive:${oci}:1.2`);
      const fromOci = await scan(`oci-archive:${oci}:1.2`);
      expect(fromOci.image.kind).toBe("oci-archive");
      expectKitchenSink(fromOci);
    },
  );
});

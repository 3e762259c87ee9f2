import { mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInventory, openImage } from "../../src/image-index.js";
import { buildKitchenSinkImage, EXPECTED_PACKAGES } from "../fixtures/images/build.js";
import { packageFacts } from "../fixtures/images/expect.js";
import type { LayerEntry } from "../fixtures/images/layer-tar.js";
import { writeImageBlobs, writeMultiPlatformLayout, writeOciLayout } from "../fixtures/images/oci-writer.js";

let root: string;
let counter = 0;
const next = () => join(root, `l${counter++}`);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "layout-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const marker = (name: string): LayerEntry[] => [{ path: `etc/${name}`, content: name }];

async function pathsOf(ref: string, options: Parameters<typeof openImage>[1] = {}) {
  const image = await openImage(ref, options);
  const paths: string[] = [];
  for (let i = 0; i < image.layers.length; i++) for await (const e of image.readLayer(i)) paths.push(e.path);
  await image.close();
  return { image, paths };
}

describe("OCI layout directories", () => {
  it("opens by oci:DIR:TAG, by plain path, and reports manifest, config and layers", async () => {
    const layout = await buildKitchenSinkImage(next());
    for (const ref of [layout.ref, layout.layoutDir, `oci:${layout.layoutDir}`]) {
      const image = await openImage(ref);
      expect(image.kind).toBe("oci-layout");
      expect(image.digest).toBe(layout.manifestDigest);
      expect(image.configDigest).toBe(layout.configDigest);
      expect(image.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
      expect(image.platform).toBe("linux/amd64");
      expect(image.tag).toBe("1.2");
      expect(image.layers.map((l) => [l.digest, l.size, l.diffId])).toEqual(
        layout.layers.map((l) => [l.digest, l.size, l.diffId]),
      );
      expect(image.layers.map((l) => l.createdBy)).toEqual([
        "ADD rootfs.tar /",
        expect.stringContaining("pip install"),
        "COPY models/ /opt/models/",
      ]);
      await image.close();
    }
  });

  it("takes the image name that containerd and buildx record next to the tag", async () => {
    const layout = await writeOciLayout(next(), { layers: [marker("x")] }, "v3");
    const indexPath = join(layout.layoutDir, "index.json");
    const index = JSON.parse(await readFile(indexPath, "utf8"));
    index.manifests[0].annotations["io.containerd.image.name"] = "ghcr.io/acme/model-server:v3";
    await writeFile(indexPath, JSON.stringify(index));
    const image = await openImage(layout.ref);
    expect([image.registry, image.repository, image.tag]).toEqual(["ghcr.io", "acme/model-server", "v3"]);
    await image.close();
  });

  it("reads Docker schema 2 media types and uncompressed layers the same way", async () => {
    for (const options of [{ flavor: "docker" as const }, { compression: "none" as const }]) {
      const layout = await buildKitchenSinkImage(next(), options);
      const image = await openImage(layout.ref);
      const inventory = await buildInventory(image);
      await image.close();
      expect(packageFacts(inventory, image)).toEqual(EXPECTED_PACKAGES);
    }
  });

  it("picks linux/amd64 from a multi-platform index by default, another platform on request, and skips attestations", async () => {
    const dir = next();
    const { ref, indexDigest, images } = await writeMultiPlatformLayout(dir, [
      { platform: { os: "linux", architecture: "amd64" }, layers: [marker("amd64")] },
      { platform: { os: "linux", architecture: "arm64", variant: "v8" }, layers: [marker("arm64")] },
    ]);
    const amd = await pathsOf(ref);
    expect(amd.paths).toEqual(["etc/amd64"]);
    expect(amd.image.indexDigest).toBe(indexDigest);
    expect(amd.image.digest).toBe(images[0]!.manifestDigest);
    const arm = await pathsOf(ref, { platform: "linux/arm64" });
    expect(arm.paths).toEqual(["etc/arm64"]);
    expect(arm.image.platform).toBe("linux/arm64/v8");
    await expect(openImage(ref, { platform: "linux/s390x" })).rejects.toThrow(
      /has no image for linux\/s390x; it holds linux\/amd64, linux\/arm64\/v8/,
    );
  });

  it("refuses a single-platform image of another platform than asked for", async () => {
    const layout = await writeOciLayout(next(), {
      layers: [marker("x")],
      platform: { os: "linux", architecture: "arm64" },
    });
    await expect(openImage(layout.ref, { platform: "linux/amd64" })).rejects.toThrow(
      /is a linux\/arm64 image, not linux\/amd64/,
    );
    expect((await pathsOf(layout.ref)).paths).toEqual(["etc/x"]);
  });

  it("asks for a tag when a layout holds several images, and lists them", async () => {
    const dir = next();
    const a = await writeImageBlobs(dir, { layers: [marker("a")] });
    const b = await writeImageBlobs(dir, { layers: [marker("b")] });
    const entry = (image: typeof a, tag: string) => ({
      mediaType: image.mediaType,
      digest: image.manifestDigest,
      size: image.manifestSize,
      annotations: { "org.opencontainers.image.ref.name": tag },
    });
    await writeFile(join(dir, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
    await writeFile(
      join(dir, "index.json"),
      JSON.stringify({ schemaVersion: 2, manifests: [entry(a, "one"), entry(b, "two")] }),
    );
    await expect(openImage(dir)).rejects.toThrow(/holds 2 images; say which one with a tag/);
    await expect(openImage(`oci:${dir}:three`)).rejects.toThrow(/has no image tagged "three"/);
    expect((await pathsOf(`oci:${dir}:two`)).paths).toEqual(["etc/b"]);
  });

  it("explains a directory that is not a layout, a missing blob and a damaged manifest", async () => {
    const empty = next();
    await writeOciLayout(empty, { layers: [marker("x")] });
    await unlink(join(empty, "oci-layout"));
    await expect(openImage(empty)).rejects.toThrow(
      /has no oci-layout file, so it is not an OCI image layout/,
    );

    const missing = await writeOciLayout(next(), { layers: [marker("x")] });
    await unlink(join(missing.layoutDir, "blobs", "sha256", missing.configDigest.slice(7)));
    await expect(openImage(missing.ref)).rejects.toThrow(
      /blob sha256:[0-9a-f]{64} is missing from OCI layout/,
    );

    const damaged = await writeOciLayout(next(), { layers: [marker("x")] });
    const manifestPath = join(damaged.layoutDir, "blobs", "sha256", damaged.manifestDigest.slice(7));
    const bytes = await readFile(manifestPath);
    await writeFile(manifestPath, Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from(" ")]));
    await expect(openImage(damaged.ref)).rejects.toThrow(/does not match its digest/);
  });

  it("refuses schema 1 manifests and artifacts that are not images", async () => {
    const dir = next();
    const image = await writeOciLayout(dir, { layers: [marker("x")] });
    const rewrite = async (doc: object) => {
      const bytes = Buffer.from(JSON.stringify(doc));
      const { createHash } = await import("node:crypto");
      const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
      await writeFile(join(dir, "blobs", "sha256", digest.slice(7)), bytes);
      await writeFile(
        join(dir, "index.json"),
        JSON.stringify({
          schemaVersion: 2,
          manifests: [
            { mediaType: "application/vnd.oci.image.manifest.v1+json", digest, size: bytes.length },
          ],
        }),
      );
    };
    await rewrite({ schemaVersion: 1, name: "x", tag: "1", fsLayers: [] });
    await expect(openImage(dir)).rejects.toThrow(
      /Docker schema 1 manifest, which this reader does not support/,
    );
    const manifest = JSON.parse(
      await readFile(join(dir, "blobs", "sha256", image.manifestDigest.slice(7)), "utf8"),
    );
    manifest.config.mediaType = "application/vnd.cncf.helm.config.v1+json";
    await rewrite(manifest);
    await expect(openImage(dir)).rejects.toThrow(
      /is not a container image: its config has media type "application\/vnd\.cncf\.helm\.config\.v1\+json"/,
    );
    manifest.layers = "not a list";
    await rewrite(manifest);
    await expect(openImage(dir)).rejects.toThrow(/is not an image manifest: layers:/);
  });

  it("refuses more layers than allowed before reading any", async () => {
    const layout = await writeOciLayout(next(), { layers: [marker("a"), marker("b"), marker("c")] });
    await expect(openImage(layout.ref, { limits: { maxLayers: 2 } })).rejects.toThrow(
      /has 3 layers, over the limit of 2/,
    );
    await expect(openImage(layout.ref, { limits: { maxLayers: -1 } })).rejects.toThrow(
      /must be a positive number/,
    );
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInventory, type ImageSource, type Inventory, openImage } from "../../src/image-index.js";
import { EXPECTED_MODELS, EXPECTED_OS, EXPECTED_PACKAGES } from "../fixtures/images/build.js";
import { modelFacts, packageFacts } from "../fixtures/images/expect.js";
import { missingTools, skopeoCopy } from "../fixtures/images/tools.js";
import { buildWithUmoci } from "../fixtures/images/umoci.js";

const skip = missingTools("umoci", "skopeo");

// umoci makes one layer per step: base 0, team 1, whiteout 2, models 3, dpkg 4.
const packagesByUmoci = EXPECTED_PACKAGES.map((p) => (p.layer === 2 ? { ...p, layer: 4 } : p));
const modelsByUmoci = EXPECTED_MODELS.map((m) => ({ ...m, layer: 3 }));

describe.skipIf(skip)(`images written by umoci${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let root: string;
  let ref: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "umoci-"));
    ({ ref } = await buildWithUmoci(join(root, "layout")));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function scan(source: string): Promise<{ image: ImageSource; inventory: Inventory }> {
    const image = await openImage(source);
    try {
      return { image, inventory: await buildInventory(image) };
    } finally {
      await image.close();
    }
  }

  it("reads umoci's layout, whiteouts and opaque directory to the expected inventory", async () => {
    const { image, inventory } = await scan(ref);
    expect(image.layers).toHaveLength(5);
    expect(packageFacts(inventory, image)).toEqual(packagesByUmoci);
    expect(modelFacts(inventory, image)).toEqual(modelsByUmoci);
    expect(inventory.os).toMatchObject(EXPECTED_OS);
  });

  it("reads the same image after skopeo turns it into a docker save tarball", async () => {
    const tarball = join(root, "umoci-docker.tar");
    await skopeoCopy(ref, `docker-archive:${tarball}:team/model-server:1.2`);
    const { image, inventory } = await scan(tarball);
    expect(image.kind).toBe("docker-archive");
    expect(packageFacts(inventory, image)).toEqual(packagesByUmoci);
    expect(modelFacts(inventory, image)).toEqual(modelsByUmoci);
  });
});

import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInventory, type ImageSource, type Inventory, openImage } from "../../src/image-index.js";
import {
  buildKitchenSinkImage,
  EXPECTED_MODELS,
  EXPECTED_NOTES,
  EXPECTED_OS,
  EXPECTED_PACKAGES,
  EXPECTED_UNPINNED,
  KITCHEN_SINK_CREATED_BY,
} from "../fixtures/images/build.js";
import { modelFacts, packageFacts } from "../fixtures/images/expect.js";
import { pickleBytes } from "../fixtures/images/model-files.js";

let dir: string;
let image: ImageSource;
let inventory: Inventory;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "inventory-"));
  const layout = await buildKitchenSinkImage(join(dir, "layout"));
  image = await openImage(layout.ref);
  inventory = await buildInventory(image, { baseLayers: 1 });
});

afterAll(async () => {
  await image?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("inventory of the test image", () => {
  it("lists exactly the expected packages, each attributed to the layer that introduced it", () => {
    expect(packageFacts(inventory, image)).toEqual(EXPECTED_PACKAGES);
  });

  it("reads the OS from /etc/os-release through its symlink", () => {
    expect(inventory.os).toMatchObject(EXPECTED_OS);
  });

  it("finds model files by content, after the opaque directory hid the old one", () => {
    expect(modelFacts(inventory, image)).toEqual(EXPECTED_MODELS);
    const pickle = inventory.modelFiles.find((m) => m.path === "opt/models/model.pkl");
    expect(pickle?.sha256).toBe(createHash("sha256").update(pickleBytes()).digest("hex"));
    expect(pickle?.size).toBe(pickleBytes().length);
  });

  it("reports unpinned requirements and the RPM database it cannot read", () => {
    expect(inventory.unpinned.map(({ name, specifier, line }) => ({ name, specifier, line }))).toEqual(
      EXPECTED_UNPINNED,
    );
    expect(
      inventory.notes.map((n) => ({
        kind: n.kind,
        path: n.path,
        layer: image.layers.findIndex((l) => l.digest === n.layer),
      })),
    ).toEqual(EXPECTED_NOTES);
    expect(inventory.notes[0]?.message).toMatch(/RPM database/);
  });

  it("describes the layers with their build step and base flag", () => {
    expect(inventory.layers.map((l) => [l.createdBy, l.isBase])).toEqual(
      KITCHEN_SINK_CREATED_BY.map((c, i) => [c, i === 0]),
    );
    expect(inventory.layers.map((l) => l.digest)).toEqual(image.layers.map((l) => l.digest));
  });

  it("counts what it walked", () => {
    expect(inventory.stats.entries).toBeGreaterThan(25);
    expect(inventory.stats.bytes).toBeGreaterThan(1000);
  });
});

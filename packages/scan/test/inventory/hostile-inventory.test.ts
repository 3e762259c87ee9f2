import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGateError } from "@mlgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BuildInventoryOptions,
  buildInventory,
  type Inventory,
  openImage,
} from "../../src/image-index.js";
import { DEBIAN_OS_RELEASE } from "../fixtures/images/build.js";
import type { LayerEntry } from "../fixtures/images/layer-tar.js";
import { writeOciLayout } from "../fixtures/images/oci-writer.js";

let root: string;
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hostile-inv-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function inventoryOf(layers: LayerEntry[][], options: BuildInventoryOptions = {}): Promise<Inventory> {
  const layout = await writeOciLayout(join(root, `l${counter++}`), { layers });
  const image = await openImage(layout.ref);
  try {
    return await buildInventory(image, options);
  } finally {
    await image.close();
  }
}

async function failure(layers: LayerEntry[][], options: BuildInventoryOptions = {}): Promise<Error> {
  try {
    await inventoryOf(layers, options);
  } catch (e) {
    expect(isGateError(e), `not a GateError: ${(e as Error).stack}`).toBe(true);
    return e as Error;
  }
  throw new Error("expected the inventory to fail");
}

const DPKG_ONE =
  "Package: openssl\nStatus: install ok installed\nVersion: 3.0.11-1~deb12u1\nArchitecture: amd64\n";

describe("hostile or broken filesystems", () => {
  it("stops at a symlink loop an entry has to pass through", async () => {
    const error = await failure([
      [
        { path: "a", type: "symlink", target: "b" },
        { path: "b", type: "symlink", target: "a" },
        { path: "a/file.txt", content: "x" },
      ],
    ]);
    expect(error.message).toMatch(/follows more than 40 symlinks \(a symlink loop at/);
    expect(error.message).toMatch(/^layer 1\/1 \(sha256:[0-9a-f]{12}\) of oci:/);
  });

  it("stops at a loop on the path of /etc/os-release", async () => {
    const error = await failure([[{ path: "etc/os-release", type: "symlink", target: "os-release" }]], {
      limits: { maxSymlinkHops: 8 },
    });
    expect(error.message).toMatch(/resolving etc\/os-release follows more than 8 symlinks/);
  });

  it("refuses a relative symlink that climbs above the root", async () => {
    const error = await failure([[{ path: "etc/evil", type: "symlink", target: "../../../../etc/shadow" }]]);
    expect(error.message).toMatch(
      /symlink "etc\/evil" -> "\.\.\/\.\.\/\.\.\/\.\.\/etc\/shadow" points outside the image root/,
    );
  });

  it("refuses an absolute symlink that climbs above the root from its directory", async () => {
    const error = await failure([
      [{ path: "etc/os-release", type: "symlink", target: "/../../../../etc/os-release" }],
    ]);
    expect(error.message).toMatch(/points outside the image root/);
  });

  it("resolves absolute symlinks inside the image, never on the host", async () => {
    const inventory = await inventoryOf([
      [
        { path: "srv/os-release", content: DEBIAN_OS_RELEASE.replace('VERSION_ID="12"', 'VERSION_ID="11"') },
        { path: "usr/lib/os-release", type: "symlink", target: "/srv/os-release" },
        { path: "etc/os-release", type: "symlink", target: "/usr/lib/os-release" },
      ],
    ]);
    // The host's /etc/os-release says something else entirely (or nothing): the image's own file is read.
    expect(inventory.os?.versionId).toBe("11");
  });

  it("writes entries through a symlinked directory where the link points", async () => {
    const inventory = await inventoryOf([
      [
        { path: "usr/lib/os-release", content: DEBIAN_OS_RELEASE },
        { path: "etc/os-release", type: "symlink", target: "../usr/lib/os-release" },
        { path: "var/lib/dpkg.real", type: "dir" },
        { path: "var/lib/dpkg", type: "symlink", target: "dpkg.real" },
      ],
      [{ path: "var/lib/dpkg/status", content: DPKG_ONE }],
    ]);
    expect(inventory.packages.map((p) => [p.name, p.path])).toEqual([
      ["openssl", "var/lib/dpkg.real/status"],
    ]);
  });

  it("refuses a package database larger than the parse limit before reading it", async () => {
    const error = await failure(
      [[{ path: "var/lib/dpkg/status", type: "file", fill: { size: 3 * 1024 * 1024, byte: 0x41 } }]],
      { limits: { maxParsedFileBytes: 1024 * 1024 } },
    );
    expect(error.message).toMatch(
      /var\/lib\/dpkg\/status is 3 MiB, over the limit of 1 MiB for files the inventory parses/,
    );
  });

  it("points at the line of a damaged dpkg database", async () => {
    const error = await failure([
      [{ path: "var/lib/dpkg/status", content: `${DPKG_ONE}\nthis line is not a field\n` }],
    ]);
    expect(error.message).toMatch(/var\/lib\/dpkg\/status:6: expected "Field: value"/);
    expect((error as { location?: { line?: number } }).location?.line).toBe(6);
  });

  it("keeps a broken application lockfile as a note instead of failing", async () => {
    const inventory = await inventoryOf([[{ path: "app/package-lock.json", content: "{ not json" }]]);
    expect(inventory.packages).toEqual([]);
    expect(inventory.notes).toHaveLength(1);
    expect(inventory.notes[0]).toMatchObject({ kind: "unreadable-file", path: "app/package-lock.json" });
    expect(inventory.notes[0]!.message).toMatch(/is not valid JSON/);
  });

  it("refuses a whiteout that names the parent directory", async () => {
    const error = await failure([[{ path: "etc/.wh...", content: "" }]]);
    expect(error.message).toMatch(/whiteout "etc\/\.wh\.\.\." names "\.\."/);
  });

  it("streams a large file it does not parse with bounded memory", async () => {
    const size = 128 * 1024 * 1024;
    const layout = await writeOciLayout(join(root, `big${counter++}`), {
      layers: [
        [
          { path: "opt/models/blob.bin", type: "file", fill: { size, byte: 3 } },
          { path: "var/lib/dpkg/status", content: DPKG_ONE },
        ],
      ],
    });
    const image = await openImage(layout.ref);
    global.gc?.();
    const before = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.heapUsed + now.arrayBuffers - before.heapUsed - before.arrayBuffers);
    }, 5);
    const started = Date.now();
    const inventory = await buildInventory(image);
    const elapsed = Date.now() - started;
    clearInterval(sampler);
    await image.close();
    expect(inventory.packages.map((p) => p.name)).toEqual(["openssl"]);
    expect(inventory.stats.bytes).toBeGreaterThanOrEqual(size);
    // Streaming holds a few chunks at a time; buffering the file would add 128 MiB.
    expect(peak).toBeLessThan(64 * 1024 * 1024);
    expect(elapsed).toBeLessThan(20_000);
  });
});

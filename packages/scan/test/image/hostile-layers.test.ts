import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import zlib from "node:zlib";
import { isGateError } from "@mlgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImageLimits, openImage, type TarEntry } from "../../src/image-index.js";
import { rawTar } from "../fixtures/images/hostile.js";
import type { LayerEntry } from "../fixtures/images/layer-tar.js";
import { type ImageSpec, writeOciLayout } from "../fixtures/images/oci-writer.js";

let root: string;
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hostile-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function layout(spec: ImageSpec) {
  return writeOciLayout(join(root, `l${counter++}`), spec);
}

/** Read every layer to the end, collecting paths; the error, if any, is returned rather than thrown. */
async function readAll(
  ref: string,
  limits: Partial<ImageLimits> = {},
): Promise<{ paths: string[]; error?: Error }> {
  const image = await openImage(ref, { limits });
  const paths: string[] = [];
  try {
    for (let i = 0; i < image.layers.length; i++) {
      for await (const entry of image.readLayer(i)) {
        paths.push(entry.path);
        for await (const _ of entry.content()) {
          // read everything, as a consumer that hashes would
        }
      }
    }
    return { paths };
  } catch (e) {
    return { paths, error: e as Error };
  } finally {
    await image.close();
  }
}

function expectGateError(error: Error | undefined, pattern: RegExp): void {
  expect(error, "expected an error").toBeDefined();
  expect(isGateError(error), `not a GateError: ${error?.stack}`).toBe(true);
  expect(error!.message).toMatch(pattern);
  expect(error!.message).not.toMatch(/^\s+at /m);
}

describe("hostile layers", () => {
  it("refuses an entry that climbs out of the root with ..", async () => {
    const image = await layout({
      layers: [
        {
          raw: rawTar([
            { name: "ok.txt", size: 3 },
            { name: "../../etc/passwd", size: 5 },
          ]),
        },
      ],
    });
    const { paths, error } = await readAll(image.ref);
    expectGateError(error, /"\.\.\/\.\.\/etc\/passwd" climbs out of the image root/);
    expect(paths).toEqual(["ok.txt"]);
  });

  it("refuses a .. hidden in the middle of a name", async () => {
    const image = await layout({ layers: [{ raw: rawTar([{ name: "usr/lib/../../../x", size: 1 }]) }] });
    expectGateError((await readAll(image.ref)).error, /climbs out/);
  });

  it("refuses an absolute entry name", async () => {
    const image = await layout({ layers: [{ raw: rawTar([{ name: "/etc/shadow", size: 4 }]) }] });
    expectGateError((await readAll(image.ref)).error, /"\/etc\/shadow" is an absolute path/);
  });

  it("refuses a hard link whose target leaves the root", async () => {
    const image = await layout({
      layers: [{ raw: rawTar([{ name: "link", size: 0, type: "1", linkname: "../../etc/shadow" }]) }],
    });
    expectGateError((await readAll(image.ref)).error, /hard link "link".*climbs out/);
  });

  it("stops a layer with more entries than allowed", async () => {
    const entries = Array.from({ length: 600 }, (_, i) => ({ name: `f${i}`, size: 1 }));
    const image = await layout({ layers: [{ raw: rawTar(entries) }] });
    const { paths, error } = await readAll(image.ref, { maxEntriesPerLayer: 500 });
    expectGateError(error, /more than 500 entries/);
    expect(paths.length).toBe(500);
  });

  it("refuses an entry that declares a terabyte before reading any of it", async () => {
    const image = await layout({
      layers: [
        {
          raw: rawTar([{ name: "huge.bin", size: 2 ** 40, body: Buffer.alloc(512) }], { truncate: true }),
          compression: "none",
        },
      ],
    });
    const started = Date.now();
    expectGateError((await readAll(image.ref)).error, /"huge\.bin" declares 1024 GiB, over the limit/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("reports a layer that ends inside an entry as truncated", async () => {
    const image = await layout({
      layers: [
        {
          raw: rawTar([{ name: "short.bin", size: 100_000, body: Buffer.alloc(1000, 1) }], {
            truncate: true,
          }),
        },
      ],
    });
    expectGateError((await readAll(image.ref)).error, /not a valid tar archive|truncated/);
  });

  it("accepts a layer that stops right after the last entry's data, as umoci writes them", async () => {
    const raw = rawTar(
      [
        { name: "a.txt", size: 3, body: Buffer.from("abc") },
        { name: "b.txt", size: 5, body: Buffer.from("hello") },
      ],
      { truncate: true },
    );
    expect(raw.length).toBe(512 + 3 + 509 + 512 + 5);
    const image = await layout({ layers: [{ raw }] });
    const { paths, error } = await readAll(image.ref);
    expect(error).toBeUndefined();
    expect(paths).toEqual(["a.txt", "b.txt"]);
  });

  it("stops a gzip bomb at the uncompressed limit, without inflating all of it", async () => {
    const bomb: LayerEntry[] = [{ path: "zeros", type: "file", fill: { size: 48 * 1024 * 1024, byte: 0 } }];
    const image = await layout({ layers: [bomb] });
    expect(image.layers[0]!.size).toBeLessThan(1024 * 1024);
    const started = Date.now();
    const { error } = await readAll(image.ref, { maxLayerUncompressedBytes: 8 * 1024 * 1024 });
    expectGateError(error, /uncompressed tar goes over the limit of 8 MiB/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("bounds the uncompressed bytes of all layers together", async () => {
    const layer = (name: string): LayerEntry[] => [
      { path: name, type: "file", fill: { size: 3 * 1024 * 1024, byte: 7 } },
    ];
    const image = await layout({ layers: [layer("a"), layer("b"), layer("c")] });
    const { paths, error } = await readAll(image.ref, { maxImageUncompressedBytes: 7 * 1024 * 1024 });
    expectGateError(error, /uncompressed layers together goes over the limit of 7 MiB/);
    expect(paths).toEqual(["a", "b", "c"]);
  });

  it("notices a layer blob altered after it was written", async () => {
    const image = await layout({ layers: [[{ path: "etc/hostname", content: "box\n" }]] });
    const blob = join(image.layoutDir, "blobs", "sha256", image.layers[0]!.digest.slice(7));
    const tar = zlib.gunzipSync(await readFile(blob));
    tar.write("evil", 512);
    await writeFile(blob, zlib.gzipSync(tar));
    // The tampered blob no longer has its descriptor's size or digest.
    expectGateError((await readAll(image.ref)).error, /does not match its digest|descriptor declares/);
  });

  it("names the compression when a layer is not what its media type says", async () => {
    const image = await layout({
      layers: [
        {
          raw: rawTar([{ name: "a", size: 1 }]),
          compression: "none",
          mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
        },
      ],
    });
    expectGateError((await readAll(image.ref)).error, /is not valid gzip data/);
  });

  it("refuses a layer of an unknown media type", async () => {
    const image = await layout({
      layers: [{ raw: rawTar([{ name: "a", size: 1 }]), mediaType: "application/vnd.example.weights" }],
    });
    expectGateError(
      (await readAll(image.ref)).error,
      /media type "application\/vnd\.example\.weights", which is not a tar layer/,
    );
  });

  it("reads zstd layers where the runtime can, and says why where it cannot", async () => {
    const raw = rawTar([{ name: "hello.txt", size: 5, body: Buffer.from("hello") }]);
    const z = zlib as typeof zlib & { zstdCompressSync?: (b: Buffer) => Buffer };
    if (typeof z.zstdCompressSync === "function") {
      const image = await layout({
        layers: [
          {
            raw: z.zstdCompressSync(raw),
            compression: "none",
            mediaType: "application/vnd.oci.image.layer.v1.tar+zstd",
          },
        ],
      });
      const { paths, error } = await readAll(image.ref);
      expect(error).toBeUndefined();
      expect(paths).toEqual(["hello.txt"]);
    } else {
      const image = await layout({
        layers: [
          {
            raw: Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]),
            compression: "none",
            mediaType: "application/vnd.oci.image.layer.v1.tar+zstd",
          },
        ],
      });
      expectGateError(
        (await readAll(image.ref)).error,
        /zstd-compressed, and this Node\.js .* has no zstd decoder/,
      );
    }
  });

  it("lets a consumer stop reading a file early and still get the next entry", async () => {
    const image = await layout({
      layers: [
        [
          { path: "big.bin", type: "file", fill: { size: 4 * 1024 * 1024, byte: 1 } },
          { path: "after.txt", content: "still here" },
        ],
      ],
    });
    const source = await openImage(image.ref);
    const seen: Record<string, string> = {};
    for await (const entry of source.readLayer(0)) {
      const first = await firstChunk(entry);
      seen[entry.path] = entry.path === "after.txt" ? first.toString() : String(first.length > 0);
    }
    await source.close();
    expect(seen).toEqual({ "big.bin": "true", "after.txt": "still here" });
  });
});

async function firstChunk(entry: TarEntry): Promise<Buffer> {
  for await (const chunk of entry.content()) return chunk;
  return Buffer.alloc(0);
}

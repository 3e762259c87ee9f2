/** Reading contract files from disk: exact bytes, whatever the file's size says, within the limit. */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONTRACT_LIMITS } from "../src/limits.js";
import { DiskFiles } from "../src/load/files.js";

describe("DiskFiles.read", () => {
  it("returns exactly the file's bytes, small or large", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mlgate-read-"));
    const files = new DiskFiles(dir, dir);
    for (const size of [0, 1, 4095, 4097, 300_000]) {
      const path = join(dir, `f${size}.json`);
      const bytes = Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + 3) % 256));
      await writeFile(path, bytes);
      expect(Buffer.from(await files.read(path, DEFAULT_CONTRACT_LIMITS)).equals(bytes), String(size)).toBe(
        true,
      );
    }
  });

  it.runIf(existsSync("/proc/self/status"))(
    "reads a file whose size understates its content (procfs says 0) to its end, and stops at the limit",
    async () => {
      const files = new DiskFiles("/proc/self", "/");
      const read = Buffer.from(await files.read("/proc/self/status", DEFAULT_CONTRACT_LIMITS)).toString(
        "utf8",
      );
      expect(read.startsWith("Name:")).toBe(true);
      // The file's own lines, the same however it was read (memory figures may change between reads).
      const keys = (text: string) => text.split("\n").map((l) => l.split(":")[0]);
      expect(keys(read)).toEqual(keys(readFileSync("/proc/self/status", "utf8")));
      await expect(
        files.read("/proc/self/status", { ...DEFAULT_CONTRACT_LIMITS, maxFileBytes: 64 }),
      ).rejects.toThrow(/over the 64 B limit/);
    },
  );
});

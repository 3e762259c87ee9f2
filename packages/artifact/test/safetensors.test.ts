import { mkdtemp, open, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectSafetensors, inspectSafetensorsSource, memorySource } from "../src/safetensors/index.js";
import { encodeSafetensors, float32Bytes, SAFETENSORS_CASES } from "./fixtures/safetensors.js";

describe("safetensors validator", () => {
  for (const c of SAFETENSORS_CASES) {
    it(`judges ${c.name}`, async () => {
      const result = await inspectSafetensorsSource(memorySource(c.bytes(), "case.safetensors"), {
        nonFinite: c.nonFinite ? "fail" : "off",
      });
      const failing = result.findings.filter((f) => f.level === "fail");
      if (c.expect === "pass") {
        expect(failing).toEqual([]);
      } else {
        expect(failing.map((f) => f.rule)).toContain(c.expect);
        for (const f of failing) expect(f.file).toBe("case.safetensors");
      }
    });
  }

  it("reads tensors, metadata and parameter count from a file on disk", async () => {
    const dir = await mkdtemp(join(tmpdir(), "st-"));
    const path = join(dir, "model.safetensors");
    await writeFile(
      path,
      encodeSafetensors(
        [
          { name: "w", dtype: "F32", shape: [2, 4], data: float32Bytes([1, 2, 3, 4, 5, 6, 7, 8]) },
          { name: "b", dtype: "F32", shape: [2] },
        ],
        { format: "pt" },
      ),
    );
    const result = await inspectSafetensors(path, { nonFinite: "warn" });
    expect(result.findings).toEqual([]);
    expect(result.metadata).toEqual({ format: "pt" });
    expect(result.parameters).toBe(10);
    expect(result.tensors.map((t) => [t.name, t.begin, t.end])).toEqual([
      ["w", 0, 32],
      ["b", 32, 40],
    ]);
    expect(result.nonFinite).toEqual([]);
  });

  it("warns instead of failing on NaN when asked to", async () => {
    const bytes = encodeSafetensors([
      { name: "w", dtype: "F32", shape: [2], data: float32Bytes([Number.NaN, Infinity]) },
    ]);
    const result = await inspectSafetensorsSource(memorySource(bytes), { nonFinite: "warn" });
    expect(result.findings).toMatchObject([{ rule: "safetensors.non-finite", level: "warn" }]);
    expect(result.nonFinite).toEqual([{ tensor: "w", nan: 1, inf: 1 }]);
  });

  it("reads only the header of a large sparse file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "st-"));
    const path = join(dir, "big.safetensors");
    const gib = 2 ** 30;
    // A 3 GiB tensor that is all holes on disk: validating it must not read it.
    const text = JSON.stringify({ big: { dtype: "U8", shape: [3 * gib], data_offsets: [0, 3 * gib] } });
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(text.length));
    const handle = await open(path, "w");
    await handle.write(Buffer.concat([prefix, Buffer.from(text)]));
    await handle.truncate(8 + text.length + 3 * gib);
    await handle.close();
    const before = process.memoryUsage().rss;
    const result = await inspectSafetensors(path);
    expect(result.findings).toEqual([]);
    expect(result.parameters).toBe(3 * gib);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it("names a missing file in a GateError", async () => {
    await expect(inspectSafetensors("/nonexistent/model.safetensors")).rejects.toThrow(
      /safetensors file not found: \/nonexistent\/model\.safetensors/,
    );
  });
});

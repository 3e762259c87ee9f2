/**
 * Random and mutated inputs: the scanner always returns a verdict (findings), never throws
 * anything but a GateError, and never runs past its limits.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGateError } from "@mlgate/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkKerasConfig, scanModelFile, scanPickleBytes } from "../../src/index.js";
import { parseBoundedJson } from "../../src/keras/json.js";
import { BENIGN } from "../fixtures/pickles/corpus.js";
import { kerasArchive, torchLegacy, torchZip } from "../fixtures/pickles/models.js";

const LIMITS = { timeMs: 2000, maxOpcodes: 200_000 };

function wellFormed(result: ReturnType<typeof scanPickleBytes>): void {
  expect(Array.isArray(result.findings)).toBe(true);
  for (const f of result.findings) {
    expect(typeof f.rule).toBe("string");
    expect(f.message.length).toBeGreaterThan(0);
    expect(["fail", "warn", "info"]).toContain(f.level);
  }
  for (const g of result.globals)
    expect(["allowed", "user-allowed", "dangerous", "unknown"]).toContain(g.status);
}

/** Flip, insert, delete and truncate bytes of a seed. */
const mutated = (seeds: Uint8Array[]) =>
  fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.integer({ min: 0, max: 255 }),
          fc.constantFrom("flip", "insert", "delete", "set"),
        ),
        { minLength: 1, maxLength: 8 },
      ),
      fc.option(fc.nat(), { nil: undefined }),
    )
    .map(([seed, edits, cut]) => {
      const b = [...seed];
      for (const [at, value, kind] of edits) {
        const i = b.length === 0 ? 0 : at % b.length;
        if (kind === "flip") b[i] = (b[i] ?? 0) ^ (1 << (value % 8));
        else if (kind === "insert") b.splice(i, 0, value);
        else if (kind === "delete") b.splice(i, 1);
        else b[i] = value;
      }
      const out = Uint8Array.from(b);
      return cut === undefined ? out : out.subarray(0, cut % (out.length + 1));
    });

const rawSeeds = BENIGN.filter((s) => s.rawPickle).map((s) => s.bytes());

describe("pickle streams", () => {
  it("random bytes always give a result", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        wellFormed(scanPickleBytes(bytes, { limits: LIMITS }));
      }),
      { numRuns: 400 },
    );
  });

  it("random opcodes after PROTO always give a result", () => {
    const opcodes = fc.constantFrom(
      ..."(.012FIJKLMNPQRSTUVXabcdegh}ijl]opqrstu)GB".split("").map((c) => c.charCodeAt(0)),
      ...Array.from({ length: 25 }, (_, i) => 0x80 + i),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.oneof(opcodes, fc.integer({ min: 0, max: 255 })), { maxLength: 300 }),
        (p, ops) => {
          wellFormed(scanPickleBytes(Uint8Array.from([0x80, p, ...ops]), { limits: LIMITS }));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("mutated benign pickles always give a result", () => {
    fc.assert(
      fc.property(mutated(rawSeeds), (bytes) => {
        wellFormed(scanPickleBytes(bytes, { limits: LIMITS }));
      }),
      { numRuns: 600 },
    );
  });

  it("a mutation that still loads still names only what it imports", () => {
    fc.assert(
      fc.property(mutated(rawSeeds), (bytes) => {
        const r = scanPickleBytes(bytes, { limits: LIMITS });
        const named = new Set(
          r.findings
            .filter((f) => f.rule.endsWith("-global"))
            .map((f) => `${f.properties?.module}.${f.properties?.name}`),
        );
        for (const g of r.globals.filter((x) => x.status === "unknown" || x.status === "dangerous")) {
          expect(named).toContain(`${g.module}.${g.name}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("files", () => {
  let dir: string;
  let n = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mlgate-fuzz-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const seeds = [torchZip(), torchLegacy(), kerasArchive()];
  it("mutated torch archives, legacy files and Keras archives always give a result or a GateError", async () => {
    await fc.assert(
      fc.asyncProperty(mutated(seeds), fc.constantFrom(".pt", ".pkl", ".keras", ""), async (bytes, ext) => {
        const path = join(dir, `f${n++}${ext}`);
        await writeFile(path, bytes);
        try {
          const r = await scanModelFile(path, { limits: LIMITS });
          wellFormed(r);
        } catch (e) {
          expect(isGateError(e), String(e)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("Keras JSON", () => {
  it("random text and mutated configs always give a result", () => {
    const base = JSON.stringify({
      class_name: "Sequential",
      config: { layers: [{ class_name: "Dense", config: { units: 1 } }] },
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc
            .tuple(fc.nat(), fc.string({ maxLength: 5 }))
            .map(([at, s]) => base.slice(0, at % base.length) + s + base.slice(at % base.length)),
        ),
        (text) => {
          const parsed = parseBoundedJson(text, 64);
          if (parsed.ok) expect(Array.isArray(checkKerasConfig(parsed.value, [], 10_000))).toBe(true);
          else expect(parsed.message.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

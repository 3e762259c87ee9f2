/**
 * The positional index of JSON texts: it places every pointer where the scanning locator does,
 * gives the same index from its thread as from this one, and keeps its limits.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONTRACT_LIMITS } from "../src/limits.js";
import { parseContractDocument } from "../src/load/document.js";
import { locateInIndex, positionInIndex, scanJsonIndex } from "../src/load/json-index.js";
import { BACKGROUND_INDEX_CHARS, indexInBackground } from "../src/load/json-index-thread.js";
import { locateJsonPointers } from "../src/load/json-locator.js";
import { toPointer } from "../src/load/pointer.js";

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string(),
    fc.string({ unit: "grapheme" }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie("value"), { maxKeys: 4 }),
  ),
})).value;

function pointersOf(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      pointersOf(v, [...prefix, String(i)], out);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) pointersOf(v, [...prefix, k], out);
  }
  return out;
}

/** A pretty-printed description of `operations` operations, large enough for the index thread. */
function largeDescription(operations: number): string {
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < operations; i++) {
    paths[`/v1/items/${i}`] = {
      get: {
        summary: `Item ${i} — «quoted» "text" with \\ escapes`,
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", maxLength: i } }],
        responses: {
          "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } },
        },
      },
    };
  }
  return JSON.stringify({ openapi: "3.1.0", info: { title: "big", version: "1" }, paths }, null, 2);
}

describe("JSON index", () => {
  it("places every pointer where the scanning locator does, however the text is indented", () => {
    fc.assert(
      fc.property(jsonValue, fc.constantFrom(0, 2, "\t"), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const all = pointersOf(value).map((t) => [toPointer(t), t] as const);
        const index = scanJsonIndex(text, 1_000_000)!;
        expect(index.count).toBe(all.length);
        expect(locateInIndex(text, index, all)).toEqual(locateJsonPointers(text, all));
      }),
      { numRuns: 300 },
    );
  });

  it("gives lines and columns that count from 1, across line ends", () => {
    const text = '{\n  "a": [\n    1,\n    {"b": true}\n  ]\n}';
    const index = scanJsonIndex(text, 100)!;
    const found = locateInIndex(text, index, [
      ["/a", ["a"]],
      ["/a/1/b", ["a", "1", "b"]],
    ]);
    expect(positionInIndex(index, found.get("/a")!)).toEqual({ line: 2, column: 3 });
    expect(positionInIndex(index, found.get("/a/1/b")!)).toEqual({ line: 4, column: 6 });
  });

  it("places a key given twice at its last occurrence, the one JSON.parse keeps", () => {
    const text = '{"k": {"x": 1}, "other": 2, "k": {"y": 2}}';
    const index = scanJsonIndex(text, 100)!;
    const found = locateInIndex(text, index, [
      ["/k", ["k"]],
      ["/k/y", ["k", "y"]],
    ]);
    expect(found.get("/k")).toBe(text.lastIndexOf('"k"'));
    expect(found.get("/k/y")).toBe(text.indexOf('"y"'));
  });

  it("decodes escaped keys and leaves out pointers that name nothing", () => {
    const text = '{"a\\/b": {"c\\"d": 1}, "\\u00e9": 2}';
    const index = scanJsonIndex(text, 100)!;
    const found = locateInIndex(text, index, [
      ['/a~1b/c"d', ["a/b", 'c"d']],
      ["/é", ["é"]],
      ["/missing", ["missing"]],
      ['/a~1b/c"d/deeper', ["a/b", 'c"d', "deeper"]],
    ]);
    expect(found.get('/a~1b/c"d')).toBe(text.indexOf('"c\\"d"'));
    expect(found.get("/é")).toBe(text.indexOf('"\\u00e9"'));
    expect(found.has("/missing")).toBe(false);
    expect(found.has('/a~1b/c"d/deeper')).toBe(false);
  });

  it("refuses a text with more values than its limit", () => {
    const text = JSON.stringify(Array.from({ length: 5000 }, (_, i) => i));
    expect(scanJsonIndex(text, 5001)?.count).toBe(5001);
    expect(scanJsonIndex(text, 5000)).toBeUndefined();
  });

  it("builds the same index on its thread as here, and falls back here when it cannot wait", () => {
    const text = largeDescription(2500);
    expect(text.length).toBeGreaterThan(BACKGROUND_INDEX_CHARS);
    const here = scanJsonIndex(text, 1_000_000)!;
    const utf8 = new TextEncoder().encode(text);
    const pending = indexInBackground(text, utf8, 1_000_000);
    const fromThread = pending.get()!;
    expect(pending.builtBy).toBe("thread");
    expect(fromThread.count).toBe(here.count);
    for (const field of ["start", "key", "next", "lines"] as const) {
      expect(Buffer.from(fromThread[field].buffer).equals(Buffer.from(here[field].buffer)), field).toBe(true);
    }
    // Bytes that open with a byte order mark: dropped on the thread as by the caller.
    const marked = indexInBackground(text, new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]), 1_000_000);
    expect(Buffer.from(marked.get()!.start.buffer).equals(Buffer.from(here.start.buffer))).toBe(true);
    expect(marked.builtBy).toBe("thread");
    // No time to wait: the index is built here instead, the same.
    const hurried = indexInBackground(text, utf8, 1_000_000, 0);
    const impatient = hurried.get()!;
    expect(hurried.builtBy).toBe("caller");
    expect(Buffer.from(impatient.next.buffer).equals(Buffer.from(here.next.buffer))).toBe(true);
    // Over the limit on the thread: no index, and no second scan here either.
    const over = indexInBackground(text, utf8, 1000);
    expect(over.get()).toBeUndefined();
    expect(over.builtBy).toBe("thread");
  });

  it("places findings in a large document through the thread's index", () => {
    const text = largeDescription(2500);
    const doc = parseContractDocument(
      new TextEncoder().encode(text),
      "/big.json",
      "big.json",
      DEFAULT_CONTRACT_LIMITS,
    );
    const pointer = "/paths/~1v1~1items~12499/get/parameters/0/schema/maxLength";
    const at = doc.locate([pointer, "/paths/~1v1~1items~12499/get/nope"]);
    const lines = text.split("\n");
    const line = lines.findIndex((l, n) => l.includes('"maxLength": 2499') && n > 0) + 1;
    expect(at.get(pointer)).toEqual({ line, column: lines[line - 1]!.indexOf('"maxLength"') + 1 });
    // A pointer that names nothing gets its nearest ancestor's place.
    const get = lines.findIndex((l, n) => n > line - 12 && l.trim() === '"get": {') + 1;
    expect(at.get("/paths/~1v1~1items~12499/get/nope")?.line).toBe(get);
  });
});

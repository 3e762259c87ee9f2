/**
 * Properties of the OpenAPI/JSON Schema engine over generated descriptions:
 * - a description compared with itself has no changes;
 * - every request-side break comes with a counter-example that an independent ajv, compiling the
 *   whole base and head schemas, accepts under the base and rejects under the head;
 * - the JSON locator and the regex sampler agree with the text they work on.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { patternWitnesses, sampleRegex } from "../src/counter-example/regex-sample.js";
import { diffLoadedSides, loadSchemaContract } from "../src/diff-schemas.js";
import { locateJsonPointers } from "../src/load/json-locator.js";
import { parsePointer, toPointer } from "../src/load/pointer.js";
import { MemoryFiles } from "./helpers/memory-files.js";

type Schema = Record<string, unknown>;

const name = fc.constantFrom("a", "b", "c", "top_k", "features", "model", "x-y", "we/ird", "ti~lde");

const stringSchema = fc
  .record(
    {
      minLength: fc.integer({ min: 0, max: 3 }),
      maxLength: fc.integer({ min: 5, max: 20 }),
      format: fc.constantFrom("date", "date-time", "email"),
      enum: fc.uniqueArray(fc.constantFrom("eu", "us", "apac", "latam"), { minLength: 1, maxLength: 4 }),
    },
    { requiredKeys: [] },
  )
  .map((r): Schema => {
    if (r.enum) return { type: "string", enum: r.enum };
    if (r.format) return { type: "string", format: r.format };
    const out: Schema = { type: "string" };
    if (r.minLength !== undefined) out.minLength = r.minLength;
    if (r.maxLength !== undefined) out.maxLength = r.maxLength;
    return out;
  });

const numberSchema = fc.record(
  {
    type: fc.constantFrom("integer", "number"),
    minimum: fc.integer({ min: -10, max: 0 }),
    maximum: fc.integer({ min: 10, max: 100 }),
  },
  { requiredKeys: ["type"] },
);

const leaf: fc.Arbitrary<Schema> = fc.oneof(
  stringSchema,
  numberSchema,
  fc.constant({ type: "boolean" }),
  fc.record({ type: fc.constant("array"), items: numberSchema, maxItems: fc.integer({ min: 3, max: 10 }) }),
);

function objectOf(child: fc.Arbitrary<Schema>): fc.Arbitrary<Schema> {
  return fc
    .uniqueArray(fc.tuple(name, child, fc.boolean()), { minLength: 1, maxLength: 5, selector: ([n]) => n })
    .map((props) => {
      const required = props.filter(([, , r]) => r).map(([n]) => n);
      return {
        type: "object",
        properties: Object.fromEntries(props.map(([n, s]) => [n, s])),
        ...(required.length > 0 ? { required } : {}),
      };
    });
}

const body = objectOf(fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: objectOf(leaf) }));

function spec(schema: Schema): Schema {
  return {
    openapi: "3.1.0",
    info: { title: "t", version: "1.0.0" },
    paths: {
      "/predict": {
        post: {
          requestBody: { required: true, content: { "application/json": { schema } } },
          responses: { "200": { description: "ok", content: { "application/json": { schema } } } },
        },
      },
    },
  };
}

async function diffSpecs(base: Schema, head: Schema) {
  const files = new MemoryFiles({ "base.json": JSON.stringify(base), "head.json": JSON.stringify(head) });
  const b = await loadSchemaContract("base.json", files);
  const h = await loadSchemaContract("head.json", files);
  return diffLoadedSides(b, h);
}

/** Mutations that each make some payload the base accepted invalid under the head. */
const MUTATIONS: ((s: Schema) => Schema | undefined)[] = [
  (s) => ({
    ...s,
    properties: { ...(s.properties as Schema), added_field: { type: "string" } },
    required: [...((s.required as string[]) ?? []), "added_field"],
  }),
  (s) => {
    const optional = Object.keys(s.properties as Schema).filter(
      (k) => !((s.required as string[]) ?? []).includes(k),
    );
    return optional[0] === undefined
      ? undefined
      : { ...s, required: [...((s.required as string[]) ?? []), optional[0]] };
  },
  (s) => ({ ...s, additionalProperties: false }),
  (s) =>
    mapLeaves(s, (l) =>
      Array.isArray(l.enum) && l.enum.length > 1 ? { ...l, enum: l.enum.slice(1) } : undefined,
    ),
  (s) => mapLeaves(s, (l) => (typeof l.maximum === "number" ? { ...l, maximum: l.maximum - 5 } : undefined)),
  (s) => mapLeaves(s, (l) => (typeof l.minimum === "number" ? { ...l, minimum: l.minimum + 5 } : undefined)),
  (s) => mapLeaves(s, (l) => (l.type === "number" ? { ...l, type: "integer" } : undefined)),
  (s) =>
    mapLeaves(s, (l) =>
      l.type === "string" && !l.enum && !l.format ? { ...l, type: "integer" } : undefined,
    ),
  (s) => mapLeaves(s, (l) => (typeof l.maxLength === "number" ? { ...l, maxLength: 4 } : undefined)),
  (s) =>
    mapLeaves(s, (l) =>
      l.type === "string" && !l.enum && !l.format ? { ...l, pattern: "^[0-9]+$" } : undefined,
    ),
  (s) => mapLeaves(s, (l) => (typeof l.maxItems === "number" ? { ...l, maxItems: 1 } : undefined)),
  (s) => mapLeaves(s, (l) => (l.type === "array" ? { ...l, uniqueItems: true } : undefined)),
  (s) => mapLeaves(s, (l) => (l.format === "date" ? { ...l, format: "date-time" } : undefined)),
  (s) => mapLeaves(s, (l) => (l.type === "boolean" ? { type: "string" } : undefined)),
];

/** Apply `change` to the first leaf it accepts (depth first); undefined when none does. */
function mapLeaves(schema: Schema, change: (leaf: Schema) => Schema | undefined): Schema | undefined {
  const changed = change(schema);
  if (changed) return changed;
  for (const key of ["properties"] as const) {
    const props = schema[key] as Record<string, Schema> | undefined;
    if (!props) continue;
    for (const [k, v] of Object.entries(props)) {
      const inner = mapLeaves(v, change);
      if (inner) return { ...schema, properties: { ...props, [k]: inner } };
    }
  }
  if (schema.items) {
    const inner = mapLeaves(schema.items as Schema, change);
    if (inner) return { ...schema, items: inner };
  }
  return undefined;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

describe("OpenAPI engine properties", () => {
  it("a description compared with itself has no changes", async () => {
    await fc.assert(
      fc.asyncProperty(body, async (schema) => {
        const { changes } = await diffSpecs(spec(schema), spec(structuredClone(schema)));
        expect(changes).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("every request-side break has a counter-example the base accepts and the head rejects", async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(body, fc.integer({ min: 0, max: MUTATIONS.length - 1 }), async (schema, which) => {
        const mutated = MUTATIONS[which]!(schema);
        fc.pre(mutated !== undefined);
        const { changes } = await diffSpecs(spec(schema), spec(mutated!));
        const breaks = changes.filter((c) => c.level === "breaking" && c.rule.startsWith("schema.request-"));
        expect(breaks.length, `mutation ${which} reported no request break`).toBeGreaterThan(0);
        const validBase = ajv.compile(schema);
        const validHead = ajv.compile(mutated!);
        for (const c of breaks) {
          expect(c.counterExample, `${c.rule} at ${c.path}`).toBeDefined();
          const payload = (c.counterExample!.payload as { body: unknown }).body;
          expect(validBase(payload), `${c.rule}: base rejects ${JSON.stringify(payload)}`).toBe(true);
          expect(validHead(payload), `${c.rule}: head accepts ${JSON.stringify(payload)}`).toBe(false);
          checked++;
        }
      }),
      { numRuns: 50 },
    );
    expect(checked).toBeGreaterThan(25);
  });
});

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.integer(),
    fc.string(),
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

describe("JSON locator", () => {
  it("finds each member at its key and each item at its value, however the text is indented", () => {
    fc.assert(
      fc.property(jsonValue, fc.constantFrom(0, 2, "\t"), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const all = pointersOf(value);
        const found = locateJsonPointers(
          text,
          all.map((t) => [toPointer(t), t] as const),
        );
        for (const tokens of all) {
          const pointer = toPointer(tokens);
          const at = found.get(pointer);
          expect(at, pointer).toBeDefined();
          const parent = tokens.length === 0 ? undefined : (JSON.parse(text) as unknown);
          let container = parent;
          for (const t of tokens.slice(0, -1)) container = (container as Record<string, unknown>)[t];
          const last = tokens.at(-1);
          if (last !== undefined && !Array.isArray(container)) {
            expect(text.slice(at!).startsWith(JSON.stringify(last)), pointer).toBe(true);
          } else {
            const v = tokens.reduce<unknown>(
              (node, t) => (node as Record<string, unknown>)[t],
              JSON.parse(text),
            );
            expect(text.slice(at!).startsWith(JSON.stringify(v, null, indent).slice(0, 1)), pointer).toBe(
              true,
            );
          }
        }
        expect(parsePointer(toPointer(["a/b", "c~d"]))).toEqual(["a/b", "c~d"]);
      }),
      { numRuns: 200 },
    );
  });

  it("places a few pointers where it places them among all, skipping what no pointer enters", () => {
    fc.assert(
      fc.property(jsonValue, fc.constantFrom(0, 2), fc.nat(), (value, indent, seed) => {
        const text = JSON.stringify(value, null, indent);
        const all = pointersOf(value).map((t) => [toPointer(t), t] as const);
        const everywhere = locateJsonPointers(text, all);
        const some = all.filter((_, i) => (i + seed) % 3 === 0);
        const found = locateJsonPointers(text, some);
        for (const [pointer] of some) expect(found.get(pointer), pointer).toBe(everywhere.get(pointer));
      }),
      { numRuns: 200 },
    );
  });

  it("skips strings of megabytes full of escapes", () => {
    const escapes = String.raw`a\n\"`.repeat(3_000_000);
    const text = `{"skip":{"x":"${escapes}","y":["${"b".repeat(5_000_000)}"]},"want":{"k":1}}`;
    expect(JSON.parse(text).skip.x.length).toBe(9_000_000);
    const found = locateJsonPointers(text, [["/want/k", ["want", "k"]]]);
    expect(found.get("/want/k")).toBe(text.indexOf('"k"'));
  });
});

const regexPiece = fc.oneof(
  fc.constantFrom("[a-z]", "[A-Z0-9]", "\\d", "\\w", "x", "-", "[^ ]", "(ab|cd)", "[._-]"),
  fc
    .tuple(fc.constantFrom("[a-z]", "\\d", "(ab|c)"), fc.constantFrom("*", "+", "?", "{2}", "{1,3}", "{2,}"))
    .map(([a, q]) => a + q),
);

describe("regex sampler", () => {
  it("draws matching strings for the usual API patterns", () => {
    fc.assert(
      fc.property(fc.array(regexPiece, { minLength: 1, maxLength: 6 }), fc.boolean(), (pieces, anchored) => {
        const pattern = anchored ? `^${pieces.join("")}$` : pieces.join("");
        const samples = sampleRegex(pattern);
        expect(samples.length).toBeGreaterThan(0);
        for (const s of samples) expect(new RegExp(pattern, "u").test(s)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("pattern witnesses are accepted by one pattern and rejected by the other", () => {
    fc.assert(
      fc.property(
        fc.array(regexPiece, { minLength: 1, maxLength: 4 }),
        fc.array(regexPiece, { minLength: 1, maxLength: 4 }),
        (a, b) => {
          const accept = `^${a.join("")}$`;
          const reject = `^${b.join("")}$`;
          for (const w of patternWitnesses(accept, reject, [])) {
            expect(new RegExp(accept, "u").test(w)).toBe(true);
            expect(new RegExp(reject, "u").test(w)).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

import type { z } from "zod";
import type { KeyPath } from "./paths.js";

/** The parts of zod's internal definitions needed to follow a key path through a schema. */
interface Def {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
  valueType?: z.ZodType;
  items?: readonly z.ZodType[];
  rest?: z.ZodType | null;
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set([
  "optional",
  "nullable",
  "default",
  "prefault",
  "catch",
  "readonly",
  "nonoptional",
  "success",
]);

function innerSchemas(def: Def): (z.ZodType | undefined)[] {
  if (WRAPPERS.has(def.type)) return [def.innerType];
  switch (def.type) {
    case "pipe":
      return [def.in, def.out];
    case "lazy":
      return [def.getter?.()];
    case "union":
      return [...(def.options ?? [])];
    case "intersection":
      return [def.left, def.right];
    default:
      return [];
  }
}

/** The concrete schemas behind wrappers, pipes, lazies and unions (every branch of a union). */
function unwrap(schema: z.ZodType, out: z.ZodType[] = [], seen = new Set<z.ZodType>()): z.ZodType[] {
  // `seen` also stops a recursive lazy schema from looping.
  if (seen.has(schema)) return out;
  seen.add(schema);
  const inner = innerSchemas(defOf(schema));
  if (inner.length === 0) out.push(schema);
  for (const s of inner) if (s) unwrap(s, out, seen);
  return out;
}

function step(schema: z.ZodType, seg: PropertyKey): z.ZodType | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case "object":
      return (
        (typeof seg === "string" && def.shape && Object.hasOwn(def.shape, seg)
          ? def.shape[seg]
          : undefined) ?? def.catchall
      );
    case "array":
      return def.element;
    case "tuple":
      return (typeof seg === "number" ? def.items?.[seg] : undefined) ?? def.rest ?? undefined;
    case "record":
      return def.valueType;
    default:
      return undefined;
  }
}

/** Keys the schema accepts for the mapping at `path` (from every union branch that could apply). */
export function knownKeysAt(schema: z.ZodType, path: KeyPath): string[] {
  let current = unwrap(schema);
  for (const seg of path) {
    current = current.flatMap((s) => {
      const next = step(s, seg);
      return next ? unwrap(next) : [];
    });
    if (current.length === 0) return [];
  }
  const keys = new Set<string>();
  for (const s of current) {
    const def = defOf(s);
    if (def.type === "object" && def.shape) for (const key of Object.keys(def.shape)) keys.add(key);
  }
  return [...keys];
}

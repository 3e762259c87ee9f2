import { allowsType, effectiveTypes } from "../counter-example/examples.js";
import type { SchemaNode } from "../model/types.js";
import { typeList } from "./constraints.js";
import { deepEqual } from "./equal.js";

export function describeVariant(node: SchemaNode, index: number): string {
  if (node.home !== undefined) {
    const name = node.home.split("/").pop() ?? node.home;
    return `\`${name}\``;
  }
  const types = effectiveTypes(node);
  return `#${index}${types ? ` (${typeList(types)})` : ""}`;
}

/** Pair up variants: by `$ref` name, then by identical content, then by position, then by type. */
export function matchVariants(
  bs: readonly SchemaNode[],
  hs: readonly SchemaNode[],
): { pairs: [number, number][]; removed: number[]; added: number[] } {
  const pairs: [number, number][] = [];
  const freeB = new Set(bs.map((_, i) => i));
  const freeH = new Set(hs.map((_, i) => i));
  const take = (i: number, j: number) => {
    pairs.push([i, j]);
    freeB.delete(i);
    freeH.delete(j);
  };
  for (const i of [...freeB]) {
    const home = bs[i]!.home;
    if (home === undefined) continue;
    const j = [...freeH].find((k) => hs[k]!.home === home);
    if (j !== undefined) take(i, j);
  }
  for (const i of [...freeB]) {
    const j = [...freeH].find((k) => hs[k]!.dialect === bs[i]!.dialect && deepEqual(hs[k]!.raw, bs[i]!.raw));
    if (j !== undefined) take(i, j);
  }
  const overlap = (x: SchemaNode, y: SchemaNode) => {
    const a = effectiveTypes(x);
    const c = effectiveTypes(y);
    if (!a || !c) return true;
    return [...a].some((t) => allowsType(c, t) || (t === "number" && c.has("integer")));
  };
  // A variant with a name of its own was renamed or replaced, not edited: match it by position only when both are unnamed.
  for (const i of [...freeB]) {
    if (freeH.has(i) && overlap(bs[i]!, hs[i]!) && (bs[i]!.home === undefined || hs[i]!.home === undefined))
      take(i, i);
  }
  for (const i of [...freeB]) {
    const j = [...freeH].find(
      (k) => overlap(bs[i]!, hs[k]!) && bs[i]!.home === undefined && hs[k]!.home === undefined,
    );
    if (j !== undefined) take(i, j);
  }
  return { pairs, removed: [...freeB], added: [...freeH] };
}

import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node, type Pair } from "yaml";
import type { KeyPath } from "./paths.js";

/** Where a value (or its key) sits in the file. */
export interface NodeLocation {
  line: number;
  column: number;
  /** The whole path was found (otherwise this is the nearest enclosing node). */
  exact: boolean;
  /** Source text of the node when it is a scalar found exactly, to place columns inside it. */
  raw?: string;
}

/** A parsed config: the plain value to validate and a way back from key paths to the text. */
export interface ConfigSource {
  format: "yaml" | "json";
  value: unknown;
  locate(path: KeyPath, target?: "value" | "key"): NodeLocation | undefined;
}

function keyMatches(pair: Pair, seg: PropertyKey): boolean {
  return isScalar(pair.key) && String(pair.key.value) === String(seg);
}

/** Map a key path to the node that produced it; stops at aliases and merge keys (nearest node wins). */
export function yamlLocator(doc: Document, lineCounter: LineCounter, text: string): ConfigSource["locate"] {
  const at = (node: Node | null | undefined, exact: boolean): NodeLocation | undefined => {
    const range = node?.range;
    if (!range) return undefined;
    const { line, col } = lineCounter.linePos(range[0]);
    const raw = exact && isScalar(node) ? text.slice(range[0], range[1]) : undefined;
    return { line, column: col, exact, ...(raw === undefined ? {} : { raw }) };
  };
  return (path, target = "value") => {
    let node = doc.contents as Node | null;
    let keyNode: Node | undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      let next: Node | undefined;
      if (isMap(node)) {
        const pair = node.items.findLast((p) => keyMatches(p, seg));
        if (pair && target === "key" && i === path.length - 1) return at(pair.key as Node, true);
        if (pair) {
          keyNode = pair.key as Node;
          // `key:` with nothing after it has no value node; the key is the best spot.
          next = (pair.value as Node | null) ?? undefined;
          if (!next) return at(keyNode, i === path.length - 1);
        }
      } else if (isSeq(node) && typeof seg === "number") {
        next = (node.items[seg] as Node | null) ?? undefined;
        keyNode = undefined;
      }
      if (!next) {
        // A missing key is best shown at the key of the mapping that lacks it.
        return at(keyNode, false) ?? at(node, false);
      }
      node = next;
    }
    return at(node, true);
  };
}

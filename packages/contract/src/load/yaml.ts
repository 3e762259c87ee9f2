import { GateError, prescanYamlDepth } from "@mlgate/core";
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from "yaml";
import { type ContractLimits, LIMIT_HINT } from "../limits.js";

interface Size {
  nodes: number;
  depth: number;
}

function childrenOf(node: Node): unknown[] {
  if (isMap(node)) return node.items.flatMap((p) => [p.key, p.value]);
  if (isCollection(node)) return node.items;
  return [];
}

/**
 * Size the document as it will be once aliases are expanded, without expanding it: each node is
 * measured once and aliases reuse their anchor's size, so billion laughs is refused in linear time.
 */
function checkStructure(doc: Document, lines: LineCounter, file: string, limits: ContractLimits): void {
  const fail = (message: string, node: unknown): never => {
    const range = (node as Node | null)?.range;
    const pos = range ? lines.linePos(range[0]) : undefined;
    throw new GateError(message, {
      location: pos ? { file, line: pos.line, column: pos.col } : { file },
      hint: LIMIT_HINT,
    });
  };
  const sized = new Map<Node, Size>();
  const open = new Set<Node>();
  const stack: { node: Node; children: unknown[]; next: number; nodes: number; depth: number }[] = [];
  let aliases = 0;
  const visit = (node: unknown, level: number): Size | undefined => {
    let target = node;
    if (isAlias(node)) {
      if (++aliases > limits.maxAliases) fail(`more than ${limits.maxAliases} YAML aliases`, node);
      target = node.resolve(doc);
      if (!target) fail(`alias *${node.source} has no anchor &${node.source} before it`, node);
      if (open.has(target as Node)) fail(`alias *${node.source} refers to a node that contains it`, node);
      const known = sized.get(target as Node);
      if (known) {
        if (level - 1 + known.depth > limits.maxDepth) {
          fail(`nesting is deeper than ${limits.maxDepth} levels once *${node.source} is expanded`, node);
        }
        return known;
      }
    }
    if (isCollection(target)) {
      if (level > limits.maxDepth) fail(`nesting is deeper than ${limits.maxDepth} levels`, node);
      open.add(target);
      stack.push({ node: target, children: childrenOf(target), next: 0, nodes: 1, depth: 1 });
      return undefined;
    }
    return { nodes: 1, depth: 0 };
  };
  const add = (frame: { nodes: number; depth: number }, size: Size) => {
    frame.nodes += size.nodes;
    frame.depth = Math.max(frame.depth, size.depth + 1);
  };
  if (visit(doc.contents, 1)) return;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.children.length) {
      const size = visit(top.children[top.next++], stack.length + 1);
      if (size) add(top, size);
      continue;
    }
    stack.pop();
    open.delete(top.node);
    if (top.nodes > limits.maxNodes) {
      fail(`the document expands to more than ${limits.maxNodes} values (aliases included)`, top.node);
    }
    sized.set(top.node, { nodes: top.nodes, depth: top.depth });
    const parent = stack[stack.length - 1];
    if (parent) add(parent, { nodes: top.nodes, depth: top.depth });
  }
}

export interface ParsedYaml {
  value: unknown;
  /** Offsets for pointers (members: their key; items: the item). */
  locate(tokens: readonly string[]): number | undefined;
}

/** Parse a YAML (or JSON-as-YAML) contract with limits, keeping node positions. */
export function parseContractYaml(text: string, file: string, limits: ContractLimits): ParsedYaml {
  prescanYamlDepth(text, file, limits.maxDepth, LIMIT_HINT);
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: true,
    uniqueKeys: true,
    stringKeys: true,
    merge: true,
    // Dates stay strings (`info.version: 2024-01-01`), no binary or set tags.
    resolveKnownTags: false,
    version: "1.2",
    keepSourceTokens: false,
  });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
    const [head = "", ...frame] = error.message.split("\n");
    throw new GateError(`invalid YAML: ${head.replace(/ at line \d+, column \d+:?$/, "")}`, {
      location: { file, line: pos.line, column: pos.col },
      ...(frame.some((l) => l.trim()) ? { hint: "see the line and column above" } : {}),
    });
  }
  checkStructure(doc, lines, file, limits);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxNodes });
  } catch (e) {
    throw new GateError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, {
      location: { file },
      cause: e,
    });
  }
  return {
    value,
    locate(tokens) {
      let node = doc.contents as Node | null;
      let at: number | undefined = node?.range?.[0];
      for (const token of tokens) {
        if (isAlias(node)) node = node.resolve(doc) ?? null;
        if (isMap(node)) {
          const pair = node.items.findLast((p) => isScalar(p.key) && String(p.key.value) === token);
          if (!pair) return undefined;
          at = (pair.key as Node).range?.[0] ?? at;
          node = (pair.value as Node | null) ?? null;
        } else if (isSeq(node) && /^\d+$/.test(token)) {
          const item = node.items[Number(token)] as Node | undefined;
          if (!item) return undefined;
          at = item.range?.[0] ?? at;
          node = item;
        } else return undefined;
      }
      return at;
    },
  };
}

import { type Document, isAlias, isCollection, isMap, type LineCounter, type Node } from "yaml";
import { GateError } from "../errors.js";
import type { ConfigLimits } from "./limits.js";

const HINT = "config files are small and shallow; these limits stop runaway or malicious files";

interface Size {
  /** Values once aliases are expanded. */
  nodes: number;
  /** Nesting of mappings and lists (a scalar is 0). */
  depth: number;
}

interface Frame {
  node: Node;
  children: unknown[];
  next: number;
  nodes: number;
  depth: number;
}

function childrenOf(node: Node): unknown[] {
  if (isMap(node)) return node.items.flatMap((p) => [p.key, p.value]);
  if (isCollection(node)) return node.items;
  return [];
}

/**
 * Measure the document as it will be once aliases are expanded, without expanding it: each node is
 * sized once and aliases reuse the size of their anchor, so a billion-laughs file is refused in linear
 * time. Iterative, so depth alone cannot overflow the stack.
 */
export function checkStructure(
  doc: Document,
  lineCounter: LineCounter,
  file: string,
  limits: ConfigLimits,
): void {
  const fail = (message: string, node: unknown, hint: string | null = HINT): never => {
    const range = (node as Node | null)?.range;
    const pos = range ? lineCounter.linePos(range[0]) : undefined;
    throw new GateError(message, {
      location: pos ? { file, line: pos.line, column: pos.col } : { file },
      ...(hint === null ? {} : { hint }),
    });
  };
  const sized = new Map<Node, Size>();
  const open = new Set<Node>();
  const stack: Frame[] = [];
  let aliases = 0;

  const push = (node: Node, level: number, at: unknown): void => {
    if (level > limits.maxDepth) fail(`nesting is deeper than ${limits.maxDepth} levels`, at);
    open.add(node);
    stack.push({ node, children: childrenOf(node), next: 0, nodes: 1, depth: 1 });
  };
  /** The size of a leaf or an already measured node, or undefined after opening a collection. */
  const visit = (node: unknown, level: number): Size | undefined => {
    let target = node;
    if (isAlias(node)) {
      if (++aliases > limits.maxAliases) fail(`more than ${limits.maxAliases} aliases`, node);
      target = node.resolve(doc);
      if (!target)
        fail(`invalid YAML: alias *${node.source} has no anchor &${node.source} before it`, node, null);
      if (target && open.has(target as Node))
        fail(`alias *${node.source} refers to a node that contains it`, node);
      const known = sized.get(target as Node);
      if (known) {
        if (level - 1 + known.depth > limits.maxDepth) {
          fail(`nesting is deeper than ${limits.maxDepth} levels once *${node.source} is expanded`, node);
        }
        return known;
      }
    }
    if (isCollection(target)) {
      push(target, level, node);
      return undefined;
    }
    return { nodes: 1, depth: 0 };
  };
  const add = (frame: Frame, size: Size): void => {
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
    const size = { nodes: top.nodes, depth: top.depth };
    if (size.nodes > limits.maxNodes) {
      fail(`the document expands to more than ${limits.maxNodes} values (aliases included)`, top.node);
    }
    sized.set(top.node, size);
    const parent = stack[stack.length - 1];
    if (parent) add(parent, size);
  }
}

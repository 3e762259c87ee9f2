import type { OnnxGraph, OnnxNode } from "@mlgate/onnx";

/** The main graph and every graph nested in node attributes (If branches, Loop and Scan bodies). */
export function* allGraphs(root: OnnxGraph): Generator<OnnxGraph> {
  const stack: OnnxGraph[] = [root];
  while (stack.length > 0) {
    const graph = stack.pop()!;
    yield graph;
    for (const node of graph.nodes) stack.push(...node.subgraphs);
  }
}

export function* allNodes(root: OnnxGraph): Generator<OnnxNode> {
  for (const graph of allGraphs(root)) yield* graph.nodes;
}

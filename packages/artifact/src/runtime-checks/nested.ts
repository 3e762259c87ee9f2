import { GateError, type SourceLocation } from "@mlgate/core";

/** A tensor written as a nested JSON array: its shape and its elements in row-major order. */
export interface NestedTensor {
  dims: number[];
  values: (number | boolean | string)[];
}

export interface NestedLimits {
  /** Most elements in one tensor. */
  maxElements: number;
  /** Most dimensions. */
  maxRank: number;
}

export const DEFAULT_NESTED_LIMITS: Readonly<NestedLimits> = Object.freeze({
  maxElements: 10_000_000,
  maxRank: 16,
});

/**
 * Flatten `[[1, 2], [3, 4]]` into dims [2, 2] and values [1, 2, 3, 4]. Every row at one depth
 * must have the same length (a ragged array is no tensor); a bare scalar is a rank-0 tensor.
 */
export function flattenNested(
  value: unknown,
  what: string,
  location: SourceLocation,
  limits: NestedLimits = DEFAULT_NESTED_LIMITS,
): NestedTensor {
  const dims: number[] = [];
  let probe = value;
  while (Array.isArray(probe)) {
    if (dims.length >= limits.maxRank) {
      throw new GateError(`${what} nests deeper than ${limits.maxRank} dimensions`, { location });
    }
    dims.push(probe.length);
    probe = probe[0];
  }
  const count = dims.reduce((n, d) => n * d, 1);
  if (count > limits.maxElements) {
    throw new GateError(`${what} has ${count} elements, over the limit of ${limits.maxElements}`, {
      location,
    });
  }
  const values: (number | boolean | string)[] = [];
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === dims.length) {
      if (typeof node === "number" || typeof node === "boolean" || typeof node === "string")
        values.push(node);
      else {
        throw new GateError(
          `${what}${path} is ${node === null ? "null" : Array.isArray(node) ? "a list" : typeof node}; expected a number`,
          {
            location,
            hint: "tensors are nested lists of numbers with equal lengths at each depth",
          },
        );
      }
      return;
    }
    if (!Array.isArray(node) || node.length !== dims[depth]) {
      throw new GateError(
        `${what}${path} ${Array.isArray(node) ? `has ${node.length} elements where ${dims[depth]} were expected` : "is not a list"} (a ragged array is not a tensor)`,
        { location },
      );
    }
    node.forEach((child, i) => {
      walk(child, depth + 1, `${path}[${i}]`);
    });
  };
  walk(value, 0, "");
  return { dims, values };
}

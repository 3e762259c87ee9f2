import { exampleOf, objectExample } from "./examples.js";
import type { TrailEntry } from "./plan.js";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Put a payload at the end of a trail: each container around it gets its required properties
 * (or enough items) from examples of the valid side's schemas.
 */
export function embed(trail: readonly TrailEntry[], local: unknown): unknown {
  let payload = local;
  for (let i = trail.length - 1; i >= 0; i--) {
    const { node, step } = trail[i]!;
    switch (step.kind) {
      case "property": {
        const obj = objectExample(node, 1, step.name);
        obj[step.name] = payload;
        payload = obj;
        break;
      }
      case "extra": {
        const obj = objectExample(node, 1);
        obj[step.name] = payload;
        payload = obj;
        break;
      }
      case "items": {
        const filler = node.items ? exampleOf(node.items, 1) : payload;
        const arr = [...(node.prefixItems ?? []).map((p) => exampleOf(p, 1)), payload];
        while (arr.length < (node.minItems ?? 0)) arr.push(filler);
        payload = arr;
        break;
      }
      case "prefix": {
        const arr = (node.prefixItems ?? []).slice(0, step.index).map((p) => exampleOf(p, 1));
        arr.push(payload);
        const filler = node.items ? exampleOf(node.items, 1) : payload;
        while (arr.length < (node.minItems ?? 0)) arr.push(filler);
        payload = arr;
        break;
      }
      case "variant": {
        // The container's own properties (beside oneOf) still apply to the variant's payload.
        if (isPlainObject(payload) && (node.required.size > 0 || node.properties.size > 0)) {
          const own: Record<string, unknown> = {};
          for (const name of node.required) {
            const schema = node.properties.get(name);
            if (schema) own[name] = exampleOf(schema, 1);
          }
          payload = { ...own, ...payload };
        }
        break;
      }
      case "member": {
        if (isPlainObject(payload)) {
          const others: Record<string, unknown> = {};
          (node.allOf ?? []).forEach((m, j) => {
            if (j === step.index) return;
            const v = exampleOf(m, 1);
            if (isPlainObject(v)) Object.assign(others, v);
          });
          payload = { ...others, ...payload };
        }
        break;
      }
    }
  }
  return payload;
}

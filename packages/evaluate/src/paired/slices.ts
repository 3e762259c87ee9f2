import { GateError } from "@mlgate/core";
import type { ItemRecord } from "../items/index.js";

export interface SliceGroup {
  /** As shown in reports and accepted in `slice(...)`: the value, or `column=value` when several slice columns exist. */
  name: string;
  indices: Uint32Array;
}

/** Every slice of the paired items, keyed by `column=value`. */
export function groupSlices(records: readonly ItemRecord[], sliceColumns: readonly string[]): SliceGroup[] {
  const lists = new Map<string, number[]>();
  records.forEach((r, i) => {
    for (const column of sliceColumns) {
      const value = r.slices[column];
      if (value === undefined || value === "") continue;
      const key = `${column}=${value}`;
      const list = lists.get(key);
      if (list) list.push(i);
      else lists.set(key, [i]);
    }
  });
  const single = sliceColumns.length === 1;
  return [...lists.entries()]
    .map(([key, list]) => ({
      name: single ? key.slice(key.indexOf("=") + 1) : key,
      indices: Uint32Array.from(list),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The slices a `slice(...)` scope selects: `*` is every slice, otherwise a value or `column=value`. */
export function selectSlices(
  scope: string,
  groups: readonly SliceGroup[],
  sliceColumns: readonly string[],
): SliceGroup[] {
  if (sliceColumns.length === 0) {
    throw new GateError(`slice(${scope}) needs a slice column in the per-item results`, {
      hint: "add a `slice` column, or map one with the `columns` option (e.g. slice: region)",
    });
  }
  if (scope === "*") return [...groups];
  const exact = groups.filter((g) => g.name === scope);
  if (exact.length > 0) return exact;
  // With several slice columns a bare value may still name exactly one `column=value`.
  const byValue = groups.filter((g) => g.name.slice(g.name.indexOf("=") + 1) === scope);
  if (byValue.length === 1) return byValue;
  if (byValue.length > 1) {
    throw new GateError(`slice(${scope}) is ambiguous: ${byValue.map((g) => g.name).join(", ")}`, {
      hint: `name the column, e.g. slice(${byValue[0]?.name})`,
    });
  }
  const known = groups.map((g) => g.name);
  throw new GateError(`no slice "${scope}" in the per-item results`, {
    hint: `slices present: ${known.slice(0, 20).join(", ")}${known.length > 20 ? ", …" : ""}`,
  });
}

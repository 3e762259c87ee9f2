import { resolveRoles } from "./columns.js";
import { hasField, type JsonLine, jsonLineReader } from "./json-lines.js";
import { TableBuilder } from "./table-builder.js";
import type { ItemLimits, ItemTable, ReadItemsOptions } from "./types.js";

/**
 * Items from a generic JSON Lines file. The first record fixes which fields are read, as a CSV header
 * would; a field it has must be in every line (slices may be empty).
 */
export async function jsonlItems(
  file: string,
  first: JsonLine,
  rows: AsyncIterable<JsonLine[]>,
  options: ReadItemsOptions,
  limits: ItemLimits,
): Promise<ItemTable> {
  const roles = resolveRoles(
    options.columns ?? {},
    Object.keys(first.value),
    (name) => hasField(first.value, name),
    { file, line: first.line },
  );
  const builder = new TableBuilder(file, roles, limits, jsonLineReader(file), {
    ...(options.kind ? { kind: options.kind } : {}),
  });
  for await (const batch of rows) {
    for (const { value, text, line } of batch) builder.add(value, line, text);
  }
  return builder.finish("jsonl");
}

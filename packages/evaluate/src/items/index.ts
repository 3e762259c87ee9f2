export { type PairedItems, pairItems } from "./pair.js";
export { readItems } from "./read-items.js";
export {
  type ColumnMap,
  DEFAULT_ITEM_LIMITS,
  type ItemFormat,
  type ItemKind,
  type ItemLimits,
  type ItemRecord,
  type ItemTable,
  type ReadItemsOptions,
} from "./types.js";

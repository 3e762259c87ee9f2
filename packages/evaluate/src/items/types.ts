/**
 * Which column (CSV header, JSON key or dotted path such as `doc.subject`) holds each part of an item.
 * Defaults: `id`, `label`, `prediction`, `score`, `slice`, and `probability` for `positiveScore`. When a
 * table turns out to be a classification (label and prediction) and has no `probability` column, its
 * default `score` column is read as the positive-class score instead, since that is what a score
 * beside a predicted class means. Columns named explicitly are always read as named.
 */
export interface ColumnMap {
  id: string;
  label?: string;
  prediction?: string;
  score?: string;
  slice?: string[];
  positiveScore?: string;
}

/** One evaluated item: what the model was asked to get right and how it did. */
export interface ItemRecord {
  id: string;
  /** slice column → value ("" when the row left it empty). */
  slices: Record<string, string>;
  label?: string | number;
  prediction?: string | number;
  /** Per-item metric (1/0 correctness, a judge's grade, a loss). */
  score?: number;
  /** Model's score for the positive class, for ranking metrics such as ROC AUC. */
  positiveScore?: number;
}

export type ItemFormat = "jsonl" | "csv" | "lm-eval-samples" | "promptfoo" | "mlflow-eval";
export type ItemKind = "classification" | "regression" | "score";

export interface ItemTable {
  file: string;
  format: ItemFormat;
  /** In file order; ids are unique. */
  records: ItemRecord[];
  /**
   * Inferred unless given: label and prediction that are strings or integer class ids →
   * classification; numeric label and prediction with fractions → regression; score only → score.
   */
  kind: ItemKind;
  sliceColumns: string[];
  /** Things worth telling the user that do not stop the gate ("3 rows had an empty slice value"). */
  warnings: string[];
}

export interface ItemLimits {
  maxBytes: number;
  maxRows: number;
  maxLineBytes: number;
  maxColumns: number;
}

export const DEFAULT_ITEM_LIMITS: ItemLimits = {
  maxBytes: 2 * 1024 ** 3,
  maxRows: 5_000_000,
  maxLineBytes: 1024 ** 2,
  maxColumns: 1_000,
};

export interface ReadItemsOptions {
  columns?: Partial<ColumnMap>;
  kind?: ItemKind;
  format?: ItemFormat;
  limits?: Partial<ItemLimits>;
  /**
   * The per-item metric read as the score: an lm-eval metric field (default the first of `acc`,
   * `exact_match`, `acc_norm`), promptfoo `success` (default, 1/0), `score` or a named score, or an
   * MLflow metric column (`toxicity/v1` or `toxicity/v1/score`; default the first `…/score` column).
   */
  metric?: string;
  /** lm-eval filter whose lines are read (`strict-match`); default the filter of the first line. */
  filter?: string;
}

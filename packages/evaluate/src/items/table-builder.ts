import { GateError, type SourceLocation } from "@mlgate/core";
import type { Roles } from "./columns.js";
import { ROLE } from "./file-access.js";
import { limitError } from "./limits.js";
import type { ItemFormat, ItemKind, ItemLimits, ItemRecord, ItemTable } from "./types.js";
import { Problem, toClassValue, toId, toScore, toSliceValue } from "./values.js";

/** How a reader's rows are read and placed; fixed for a file, so adding a row allocates nothing extra. */
export interface RowReader<Row, Context = undefined> {
  /** A row's value in a column of `Roles` (undefined when absent). */
  read: (row: Row, column: string) => unknown;
  /** Where row `ordinal` sits. */
  locate: (ordinal: number) => SourceLocation;
  /** How an ordinal reads in a message: "line 4", "results[3]". */
  describe: (ordinal: number) => string;
  /** Column of a field inside the row, when the reader can tell (only asked once something is wrong). */
  column?: (context: Context, column: string) => number | undefined;
}

export interface BuilderOptions {
  kind?: ItemKind;
  /** Tool formats whose score is the metric the tool computed: their table is a score table. */
  preferScore?: boolean;
}

/** Rows share one empty slice map when there are no slice columns (a million `{}` add up). */
const NO_SLICES: Record<string, string> = Object.freeze(Object.create(null));

/** Rows in the same slice share its (frozen) slice map, up to this many distinct slices. */
const MAX_SHARED_SLICES = 10_000;

/** Checks rows one at a time (ids, numbers, limits) and keeps only the converted records. */
export class TableBuilder<Row, Context = undefined> {
  private readonly records: ItemRecord[] = [];
  private readonly seen = new Map<string, number>();
  private readonly shared = new Map<string, Record<string, string>>();
  private readonly emptySlices: number[];
  private allNumeric = true;
  private labelFractions = false;
  private predictionFractions = false;
  /** 0/1 labels with predictions in [0, 1] look like probabilities given as predictions. */
  private binaryLabels = true;
  private unitPredictions = true;

  constructor(
    private readonly file: string,
    private readonly roles: Roles,
    private readonly limits: ItemLimits,
    private readonly reader: RowReader<Row, Context>,
    private readonly options: BuilderOptions = {},
  ) {
    this.emptySlices = roles.slices.map(() => 0);
    if (options.kind) requireColumnsFor(options.kind, roles, file);
  }

  add(row: Row, ordinal: number, context?: Context): void {
    const { roles, reader } = this;
    if (this.records.length >= this.limits.maxRows) {
      throw limitError(
        `${ROLE} has more than ${this.limits.maxRows} rows`,
        "maxRows",
        this.limits,
        reader.locate(ordinal),
      );
    }
    const id = toId(reader.read(row, roles.id));
    if (id instanceof Problem) throw this.bad(id, roles.id, ordinal, context);
    const first = this.seen.get(id);
    if (first !== undefined) {
      throw this.error(
        `duplicate id ${JSON.stringify(id)} (first on ${reader.describe(first)})`,
        roles.id,
        ordinal,
        context,
        "ids must be unique within a file; map another column as the id with --column id=NAME",
      );
    }
    this.seen.set(id, ordinal);

    const record: ItemRecord = { id, slices: this.slicesOf(row) };
    if (roles.label !== undefined) {
      const label = toClassValue(reader.read(row, roles.label), "label");
      if (label instanceof Problem) throw this.bad(label, roles.label, ordinal, context);
      record.label = label;
    }
    if (roles.prediction !== undefined) {
      const prediction = toClassValue(reader.read(row, roles.prediction), "prediction");
      if (prediction instanceof Problem) throw this.bad(prediction, roles.prediction, ordinal, context);
      record.prediction = prediction;
    }
    if (roles.score !== undefined) {
      const score = toScore(reader.read(row, roles.score), "score");
      if (score instanceof Problem) throw this.bad(score, roles.score, ordinal, context);
      record.score = score;
    }
    if (roles.positiveScore !== undefined) {
      const positive = toScore(reader.read(row, roles.positiveScore), "positive-class score");
      if (positive instanceof Problem) throw this.bad(positive, roles.positiveScore, ordinal, context);
      record.positiveScore = positive;
    }
    this.track(record, ordinal, context);
    this.records.push(record);
  }

  finish(format: ItemFormat, warnings: string[] = []): ItemTable {
    const { roles, records } = this;
    if (records.length === 0) {
      throw new GateError(`${ROLE} holds no items`, { location: { file: this.file } });
    }
    const kind = this.options.kind ?? this.inferKind();
    if (kind === "classification" && roles.scoreByDefault && roles.positiveScore === undefined) {
      for (const r of records) {
        r.positiveScore = r.score;
        delete r.score;
      }
    }
    roles.slices.forEach((column, i) => {
      const empty = this.emptySlices[i] ?? 0;
      if (empty > 0) warnings.push(`${empty} ${rows(empty)} had an empty slice value in column "${column}"`);
    });
    if (kind === "regression" && !this.options.kind && this.binaryLabels && this.unitPredictions) {
      warnings.push(
        "labels are 0 and 1 but predictions are fractions between 0 and 1, so the items are read as a regression; " +
          "if the predictions are probabilities of class 1, map them with --column probability=NAME",
      );
    }
    return { file: this.file, format, records, kind, sliceColumns: [...roles.slices], warnings };
  }

  private inferKind(): ItemKind {
    const { roles } = this;
    if (this.options.preferScore && roles.score !== undefined) return "score";
    if (roles.label === undefined || roles.prediction === undefined) return "score";
    const fractions = this.labelFractions || this.predictionFractions;
    return this.allNumeric && fractions ? "regression" : "classification";
  }

  private track(record: ItemRecord, ordinal: number, context: Context | undefined): void {
    const { label, prediction } = record;
    if (label === undefined || prediction === undefined) return;
    if (typeof label !== "number" || typeof prediction !== "number") {
      if (this.options.kind === "regression") {
        const [value, column] =
          typeof label !== "number" ? [label, this.roles.label!] : [prediction, this.roles.prediction!];
        throw this.error(
          `regression needs numbers, got ${JSON.stringify(value)} in "${column}"`,
          column,
          ordinal,
          context,
        );
      }
      this.allNumeric = false;
      return;
    }
    if (!Number.isInteger(label)) this.labelFractions = true;
    if (!Number.isInteger(prediction)) this.predictionFractions = true;
    if (label !== 0 && label !== 1) this.binaryLabels = false;
    if (prediction < 0 || prediction > 1) this.unitPredictions = false;
  }

  private slicesOf(row: Row): Record<string, string> {
    const columns = this.roles.slices;
    if (columns.length === 0) return NO_SLICES;
    const values = columns.map((column, i) => {
      const value = toSliceValue(this.reader.read(row, column));
      if (value.trim() === "") this.emptySlices[i] = (this.emptySlices[i] ?? 0) + 1;
      return value;
    });
    const key = values.length === 1 ? values[0]! : JSON.stringify(values);
    const known = this.shared.get(key);
    if (known) return known;
    const slices: Record<string, string> = Object.create(null);
    columns.forEach((column, i) => {
      slices[column] = values[i]!;
    });
    if (this.shared.size < MAX_SHARED_SLICES) this.shared.set(key, Object.freeze(slices));
    return slices;
  }

  private bad(problem: Problem, column: string, ordinal: number, context: Context | undefined): GateError {
    return this.error(`${problem.text} (column "${column}")`, column, ordinal, context);
  }

  private error(
    message: string,
    column: string,
    ordinal: number,
    context: Context | undefined,
    hint?: string,
  ): GateError {
    const base = this.reader.locate(ordinal);
    const at = context === undefined ? undefined : this.reader.column?.(context, column);
    const location = at === undefined ? base : { ...base, column: at };
    const where = base.line === undefined ? `${this.reader.describe(ordinal)}: ` : "";
    return new GateError(`${where}${message}`, { location, ...(hint ? { hint } : {}) });
  }
}

const rows = (n: number): string => (n === 1 ? "row" : "rows");

function requireColumnsFor(kind: ItemKind, roles: Roles, file: string): void {
  const pair = roles.label !== undefined && roles.prediction !== undefined;
  if ((kind === "score" && roles.score === undefined) || (kind !== "score" && !pair)) {
    const needs = kind === "score" ? "a score column" : "label and prediction columns";
    throw new GateError(`kind "${kind}" needs ${needs}, which ${ROLE} ${file} lacks`, {
      location: { file },
      hint: "map them with --column ROLE=NAME, or choose another kind",
    });
  }
}

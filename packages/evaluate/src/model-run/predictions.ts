import { GateError } from "@mlgate/core";
import type { TensorData } from "@mlgate/onnx";
import { toClassValue } from "../items/values.js";
import type { RowMeta } from "./batch.js";
import { rowError, show } from "./errors.js";
import { showShape } from "./input-plan.js";
import { outputNumber } from "./numbers.js";
import type { OutputRoles } from "./outputs.js";
import type { ModelTask, ProducedItems } from "./types.js";

/** What the model said about one row, as written to the per-item file. */
export interface Predicted {
  prediction: string | number;
  /** Probability of the positive class (the second in sorted order), binary classifiers. */
  probability?: number;
  /** Every class's probability in model order, classifiers with more than two classes. */
  probabilities?: number[];
}

export interface PredictionOptions {
  classLabels?: string[];
  task?: ModelTask;
  threshold: number;
  model: string;
  dataset: string;
  /** The dataset's label column, for messages. */
  labelColumn: string;
}

type Mode = "classes" | "binary-score" | "regression";

/** The class a label stands for as the per-item reader sees it: numeric text is a number. */
function canonical(value: string | number): string {
  const v = toClassValue(value, "label");
  return typeof v === "string" || typeof v === "number" ? String(v) : String(value);
}

/**
 * Turns each batch's outputs into predictions. How the outputs are read is settled once (from the
 * roles, the options, and for a lone score the first batch) and then held for every row, so a
 * later row that contradicts it fails instead of being read another way.
 */
export class PredictionReader {
  readonly notes: string[] = [];
  private mode: Mode | undefined;
  private classCount: number | undefined;
  private positive: 0 | 1 | undefined;
  private classSet: Set<string> | undefined;

  constructor(
    private readonly roles: OutputRoles,
    private readonly options: PredictionOptions,
  ) {
    if (options.classLabels !== undefined) {
      const labels = options.classLabels;
      if (labels.length < 2 || new Set(labels.map(canonical)).size !== labels.length) {
        throw new GateError(`class labels must name at least two distinct classes, got ${show(labels)}`, {
          hint: "give the class names in the model's index order, e.g. --class-labels stay,churn",
        });
      }
      this.classSet = new Set(labels.map(canonical));
    }
    if (roles.label || roles.probabilities) {
      if (options.task === "regression") {
        const names = [roles.label?.name, roles.probabilities?.name].filter(Boolean).join('", "');
        throw new GateError(
          `kind regression was given, but the model's outputs ("${names}") are a classifier's`,
          {
            location: { file: options.model },
            hint: "drop kind regression, or name the regression output with --model-output score=NAME",
          },
        );
      }
      this.mode = "classes";
    } else if (options.task) this.mode = options.task === "regression" ? "regression" : "binary-score";
  }

  /** How the per-item file is to be read, once at least one batch has been read. */
  produced(): Omit<ProducedItems, "sliceColumns"> {
    if (this.mode === "regression") return { kind: "regression" };
    const count = this.classCount ?? this.options.classLabels?.length;
    const classes =
      count === undefined ? undefined : Array.from({ length: count }, (_, k) => String(this.name(k)));
    return {
      kind: "classification",
      ...(classes ? { classes } : {}),
      ...(this.positive !== undefined ? { positiveClass: String(this.name(this.positive)) } : {}),
    };
  }

  read(outputs: Record<string, TensorData>, rows: readonly RowMeta[], batchDim: number): Predicted[] {
    const tensor = (role: keyof OutputRoles) => {
      const io = this.roles[role];
      if (!io) return undefined;
      const t = outputs[io.name];
      if (!t)
        throw new GateError(`the runtime returned no output "${io.name}"`, {
          location: { file: this.options.model },
        });
      if (t.dims[0] !== batchDim) {
        throw new GateError(
          `model output "${io.name}" has shape [${t.dims.join(", ")}] for a batch of ${batchDim} rows; its first dimension must be the batch`,
          {
            location: { file: this.options.model },
            hint: "export the model with the batch as the first dimension of every output",
          },
        );
      }
      return t;
    };
    const label = tensor("label");
    const probabilities = tensor("probabilities");
    const score = tensor("score");
    if (this.mode === undefined) this.decide(score!, rows);
    if (this.mode === "regression") return rows.map((row, r) => this.regression(score!, row, r));
    const single = probabilities ?? score;
    const perRow = single ? single.data.length / batchDim : undefined;
    if (single && perRow !== undefined) this.settleClasses(single, perRow);
    return rows.map((row, r) => this.classify(row, r, label, single, perRow));
  }

  /** A lone score is a binary probability when the labels are the two classes and the scores lie in [0, 1]. */
  private decide(score: TensorData, rows: readonly RowMeta[]): void {
    const classes = new Set([canonical(this.name(0)), canonical(this.name(1))]);
    const values = score.data as ArrayLike<number>;
    let binary = rows.every((row) => classes.has(canonical(row.label)));
    for (let r = 0; r < rows.length && binary; r++) binary = values[r]! >= 0 && values[r]! <= 1;
    const name = this.roles.score!.name;
    if (binary) {
      this.mode = "binary-score";
      this.notes.push(
        `output "${name}" is read as the probability of class ${this.name(1)} (the labels are ${this.name(0)} and ${this.name(1)} and the first batch's outputs lie in [0, 1]); pass kind regression to read it as a regression prediction`,
      );
    } else {
      this.mode = "regression";
      this.notes.push(`output "${name}" is read as a regression prediction`);
    }
  }

  /** Settle the class count (and the positive class of a binary model) from the first batch. */
  private settleClasses(tensor: TensorData, perRow: number): void {
    const count = perRow === 1 ? 2 : perRow;
    if (this.classCount === undefined) {
      const labels = this.options.classLabels;
      if (labels && labels.length !== count) {
        throw new GateError(
          `the model gives ${perRow === 1 ? "the probability of class 1 of a binary classifier" : `${count} class probabilities`}, but ${labels.length} class labels were given`,
          {
            location: { file: this.options.model },
            hint: "give one class label per class, in the model's index order",
          },
        );
      }
      this.classCount = count;
      if (count === 2 && this.namesKnown()) {
        // The per-item reader takes `probability` as that of the class that sorts second.
        this.positive = canonical(this.name(0)) > canonical(this.name(1)) ? 0 : 1;
      }
      if (count > 2 || this.namesKnown()) {
        this.classSet = new Set(Array.from({ length: count }, (_, k) => canonical(this.name(k))));
      }
      if (count === 2 && !this.namesKnown()) {
        this.notes.push(
          "class probabilities are not written: the model names its classes itself; give the class labels in its index order to write them",
        );
      }
    } else if (count !== this.classCount) {
      throw new GateError(
        `model output "${(this.roles.probabilities ?? this.roles.score)!.name}" gave ${this.classCount} values per row, then ${count} (shape [${tensor.dims.join(", ")}])`,
        { location: { file: this.options.model } },
      );
    }
  }

  /** Class names are known when they are indices (no string label output) or were given. */
  private namesKnown(): boolean {
    return this.options.classLabels !== undefined || this.roles.label?.dtype !== "string";
  }

  private name(k: number): string | number {
    return this.options.classLabels?.[k] ?? k;
  }

  private classify(
    row: RowMeta,
    r: number,
    label: TensorData | undefined,
    single: TensorData | undefined,
    perRow: number | undefined,
  ): Predicted {
    const place = { file: this.options.dataset, line: row.line, id: row.id };
    this.checkLabel(row, place);
    let probability: number | undefined;
    let probabilities: number[] | undefined;
    let argmax = -1;
    if (single && perRow !== undefined) {
      const values = single.data as ArrayLike<number>;
      const name = (this.roles.probabilities ?? this.roles.score)!.name;
      if (perRow === 1) {
        const p = values[r]!;
        this.checkProbability(p, name, place);
        argmax = p >= this.options.threshold ? 1 : 0;
        if (this.positive !== undefined) {
          const q = this.positive === 1 ? p : single.dtype === "float32" ? Math.fround(1 - p) : 1 - p;
          probability = outputNumber(q, single.dtype);
        }
      } else {
        let best = Number.NEGATIVE_INFINITY;
        const row = new Array<number>(perRow);
        for (let c = 0; c < perRow; c++) {
          const p = values[r * perRow + c]!;
          this.checkProbability(p, name, place);
          row[c] = outputNumber(p, single.dtype);
          if (p > best) {
            best = p;
            argmax = c;
          }
        }
        if (perRow === 2) {
          // A binary model's class follows the decision threshold on class 1, as with a lone probability.
          argmax = values[r * 2 + 1]! >= this.options.threshold ? 1 : 0;
          if (this.positive !== undefined) probability = row[this.positive];
        } else probabilities = row;
      }
    }
    const prediction = label ? this.labelValue(label, r, place) : this.name(argmax);
    return {
      prediction,
      ...(probability !== undefined ? { probability } : {}),
      ...(probabilities ? { probabilities } : {}),
    };
  }

  private labelValue(
    label: TensorData,
    r: number,
    place: { file: string; line: number; id: string },
  ): string | number {
    const raw = label.data[r];
    if (typeof raw === "string") return raw;
    const k = Number(raw);
    const count = this.classCount ?? this.options.classLabels?.length;
    if (!Number.isSafeInteger(k) || k < 0 || (count !== undefined && k >= count)) {
      const classes =
        count === undefined ? "a class index" : `one of the model's ${count} classes (0 to ${count - 1})`;
      throw rowError(
        place,
        undefined,
        `model output "${this.roles.label!.name}" predicts class ${String(raw)}, which is not ${classes}`,
        "check that the label output holds class indices",
      );
    }
    return this.name(k);
  }

  private checkLabel(row: RowMeta, place: { file: string; line: number; id: string }): void {
    const label = canonical(row.label);
    if (this.classSet) {
      if (this.classSet.has(label)) return;
      const known = [...this.classSet].join(", ");
      throw rowError(
        place,
        this.options.labelColumn,
        `label ${show(row.label)} is not one of the model's classes (${known})`,
        this.options.classLabels
          ? "check the class labels: one per class, in the model's index order"
          : "the model predicts class indices; give the class names in its index order with --class-labels (e.g. --class-labels stay,churn)",
      );
    }
    if (
      this.roles.label?.dtype !== "string" &&
      this.options.classLabels === undefined &&
      typeof row.label === "string"
    ) {
      throw rowError(
        place,
        this.options.labelColumn,
        `label ${show(row.label)} is a class name, but the model predicts class indices`,
        "give the class names in the model's index order with --class-labels (e.g. --class-labels stay,churn)",
      );
    }
  }

  private checkProbability(
    p: number,
    output: string,
    place: { file: string; line: number; id: string },
  ): void {
    if (Number.isFinite(p) && p >= 0 && p <= 1) return;
    const decided =
      this.mode === "binary-score" && !this.options.task
        ? " (read as a probability from the first batch)"
        : "";
    throw rowError(
      place,
      undefined,
      `model output "${output}"${decided} is ${p} for this row; a probability lies in [0, 1]`,
      decided
        ? "pass kind regression if the output is a regression prediction"
        : "check that the output holds probabilities, not logits; otherwise name another with --model-output",
    );
  }

  private regression(score: TensorData, row: RowMeta, r: number): Predicted {
    const place = { file: this.options.dataset, line: row.line, id: row.id };
    if (typeof row.label !== "number") {
      throw rowError(
        place,
        this.options.labelColumn,
        `label ${show(row.label)} is not a number, but the model's output "${this.roles.score!.name}" ${showShape(this.roles.score!.shape)} is read as a regression prediction`,
        "for a binary classifier whose output is the probability of class 1, pass kind classification and the class labels in its index order",
      );
    }
    const value = (score.data as ArrayLike<number>)[r]!;
    if (!Number.isFinite(value)) {
      throw rowError(place, undefined, `model output "${this.roles.score!.name}" is ${value} for this row`);
    }
    return { prediction: outputNumber(value, score.dtype) };
  }
}

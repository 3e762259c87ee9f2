import type { PathSegment } from "../metrics/json-path.js";
import { selectPath } from "../metrics/json-path.js";
import { idAt } from "./id-of.js";
import { JsonlTail } from "./jsonl-tail.js";
import { MAX_LABEL_LENGTH } from "./outputs.js";

export interface LabelSourceOptions {
  /** A JSON-lines file of ground truth, growing as labels arrive: `{"id": "…", "label": "churn"}`. */
  file: string;
  id: PathSegment[];
  label: PathSegment[];
}

/** Ground truth kept at most; the oldest is forgotten beyond it. */
export const MAX_LABELS = 1_000_000;

/** Ground-truth labels arriving after the answers, read from a JSON-lines file as it grows. */
export class LabelSource {
  private readonly tail: JsonlTail;
  private readonly labels = new Map<string, string>();
  badLines = 0;

  constructor(private readonly options: LabelSourceOptions) {
    this.tail = new JsonlTail(options.file, { what: "ground-truth file" });
  }

  describe(): string {
    return this.options.file;
  }

  /** Read what arrived since the last call. */
  async refresh(): Promise<void> {
    const { values, badLines } = await this.tail.read();
    this.badLines += badLines;
    for (const line of values) {
      const id = idAt(line, this.options.id);
      const raw = selectPath(line, this.options.label)[0];
      const label =
        typeof raw === "string"
          ? raw.slice(0, MAX_LABEL_LENGTH)
          : typeof raw === "number" || typeof raw === "boolean"
            ? String(raw)
            : undefined;
      if (id === undefined || label === undefined) {
        this.badLines++;
        continue;
      }
      this.labels.delete(id);
      this.labels.set(id, label);
      if (this.labels.size > MAX_LABELS) this.labels.delete(this.labels.keys().next().value as string);
    }
  }

  get(id: string): string | undefined {
    return this.labels.get(id);
  }

  get size(): number {
    return this.labels.size;
  }
}
